"""Case reviews, from referral (or a rapid review's decision) to published learning and its actions."""

import django_filters
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters

from assure.actions.selectors import actions_for_sources
from assure.core.pages import form_page, list_page, service_form_page
from assure.core.permissions import Action, Area, can, get_scoped_object_or_404, permission_required, scoped
from assure.core.tables import Column, Table
from assure.training.selectors import course_attendance

from .. import selectors, services
from ..forms import (
    CommissionForm,
    DeferralEndForm,
    DeferralForm,
    DraftForm,
    LearningEventForm,
    MilestoneForm,
    PublicationForm,
    RecommendationForm,
    ReviewDetailsForm,
    ReviewForm,
    ScopingForm,
    SignOffForm,
)
from ..guidance import EDITIONS, check_rules
from ..models import Deferral, Draft, Milestone, Review, ReviewKind
from .common import editable, own_assignment, partnership
from .incidents import decision_page

edit_required = permission_required(Area.REVIEWS, Action.EDIT)


class ReviewFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label="Kind", choices=ReviewKind.choices, empty_label="Every kind")


@permission_required(Area.REVIEWS)
def review_list(request):
    reviews = scoped(Review.objects.filter(partnership=partnership()), request.user)
    today = timezone.localdate()
    table = Table(
        request,
        reviews,
        [
            Column("Reference", lambda r: r.reference, sort="reference", link=True),
            Column("Name", lambda r: r.published_name, sort="published_name"),
            Column("Kind", lambda r: r.get_kind_display(), sort="kind"),
            Column("Stage", lambda r: r.stage(today)),
            Column("Referred", lambda r: r.referred_on, sort="referred_on"),
            Column("Published", lambda r: r.published_on, sort="published_on"),
        ],
        name="case-reviews",
        search_fields=["reference", "published_name"],
        filterset_class=ReviewFilter,
        default_sort="-pk",
    )
    return list_page(
        request, table, "reviews/review_list.html", Area.REVIEWS, can_edit=can(request.user, Area.REVIEWS, Action.EDIT)
    )


@edit_required
@sensitive_post_parameters()
def review_create(request):
    form = ReviewForm(request.POST or None, partnership=partnership())
    return service_form_page(
        request,
        form,
        title="Record a referral or a review",
        run=lambda data: services.review_record(review=form.instance, themes=data["themes"]),
        success_url=lambda review: review.get_absolute_url(),
        success_message=lambda review: f"Recorded {review}.",
        back_url=reverse("reviews:review-list"),
    )


@permission_required(Area.REVIEWS, open_to_grantees=True)
def review_detail(request, pk):
    review = get_scoped_object_or_404(
        Review.objects.select_related("rapid_review__incident", "referred_by"), request.user, pk=pk
    )
    today = timezone.localdate()
    recommendations = list(review.recommendations.select_related("agency"))
    actions = actions_for_sources(recommendations, user=request.user)
    can_edit = editable(request.user, review)
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "today": today,
            "stage": review.stage(today),
            "decision_to_start_on": review.decision_to_start_on,
            "decisions": review.decisions.select_related("agency", "decided_by"),
            "decision_state": selectors.decision_state(review) if review.referred_on else "",
            "to_decide": review.referred_on and selectors.partners_to_decide(review).exists(),
            "deferrals": review.deferrals.all(),
            "open_deferral": review.deferrals.filter(ended_on__isnull=True).first(),
            "milestones": review.milestones.all(),
            "drafts": review.drafts.all(),
            "signoffs": review.signoffs.select_related("agency", "signed_by"),
            "edition": EDITIONS.get(review.guidance_edition),
            "rules": check_rules(review, today=today),
            "recommendations": [(r, actions.get(r.pk, [])) for r in recommendations],
            "briefings": review.briefings.all(),
            "events": course_attendance(review.learning_events.values_list("course", flat=True)),
            "themes": review.themes.all(),
            "can_edit": can_edit,
            "can_decide": can(request.user, Area.REVIEWS, Action.APPROVE),
            "can_view_history": can(request.user, Area.REVIEWS, Action.VIEW_HISTORY),
        },
    )


def _review_to_edit(request, pk) -> Review:
    return get_scoped_object_or_404(Review.objects.all(), request.user, Action.EDIT, pk=pk)


@edit_required
@sensitive_post_parameters()
def review_edit(request, pk):
    review = _review_to_edit(request, pk)
    return form_page(
        request,
        ReviewDetailsForm(request.POST or None, instance=review),
        title="Change the review's details",
        caption=str(review),
        success_url=review.get_absolute_url(),
        success_message="Saved the review's details.",
        back_url=review.get_absolute_url(),
    )


@edit_required
def review_scoping(request, pk):
    review = _review_to_edit(request, pk)
    return service_form_page(
        request,
        ScopingForm(request.POST or None),
        title="Record that scoping was agreed",
        caption=str(review),
        run=lambda data: services.review_scoping_agree(review=review, by=request.user, **data),
        success_url=review.get_absolute_url(),
        success_message="Recorded that scoping was agreed.",
        back_url=review.get_absolute_url(),
    )


@edit_required
@sensitive_post_parameters()
def review_defer(request, pk):
    review = _review_to_edit(request, pk)
    return service_form_page(
        request,
        DeferralForm(request.POST or None),
        title="Defer the review",
        caption=str(review),
        run=lambda data: services.review_defer(review=review, by=request.user, **data),
        success_url=review.get_absolute_url(),
        success_message=lambda deferral: f"Deferred. The panel is reminded on {deferral.review_on:%-d %B %Y}.",
        back_url=review.get_absolute_url(),
    )


@edit_required
@sensitive_post_parameters()
def deferral_end(request, pk):
    deferral = get_scoped_object_or_404(Deferral.objects.select_related("review"), request.user, Action.EDIT, pk=pk)
    return service_form_page(
        request,
        DeferralEndForm(request.POST or None),
        title="End the deferral",
        caption=str(deferral.review),
        run=lambda data: services.deferral_end(deferral=deferral, by=request.user, **data),
        success_url=deferral.review.get_absolute_url(),
        success_message="Ended the deferral. Its history stays with the review.",
        back_url=deferral.review.get_absolute_url(),
    )


@edit_required
@sensitive_post_parameters()
def review_decision(request, pk):
    return decision_page(request, _review_to_edit(request, pk), own=False)


@permission_required(Area.REVIEWS, Action.APPROVE)
@sensitive_post_parameters()
def review_decide(request, pk):
    review = get_scoped_object_or_404(Review.objects.all(), request.user, Action.APPROVE, pk=pk)
    return decision_page(request, review, own=True)


@edit_required
@sensitive_post_parameters()
def review_commission(request, pk):
    review = _review_to_edit(request, pk)
    return service_form_page(
        request,
        CommissionForm(request.POST or None),
        title="Record the commissioning",
        caption=str(review),
        run=lambda data: services.review_commission(review=review, **data),
        success_url=review.get_absolute_url(),
        success_message="Recorded the commissioning.",
        back_url=review.get_absolute_url(),
    )


@edit_required
def milestone_add(request, pk):
    review = _review_to_edit(request, pk)
    return form_page(
        request,
        MilestoneForm(request.POST or None, instance=Milestone(review=review)),
        title="Add a milestone",
        caption=str(review),
        success_url=review.get_absolute_url(),
        success_message="Added the milestone.",
        back_url=review.get_absolute_url(),
    )


@edit_required
def milestone_edit(request, pk):
    milestone = get_scoped_object_or_404(Milestone.objects.select_related("review"), request.user, Action.EDIT, pk=pk)
    return form_page(
        request,
        MilestoneForm(request.POST or None, instance=milestone),
        title="Change the milestone",
        caption=str(milestone.review),
        success_url=milestone.review.get_absolute_url(),
        success_message="Saved the milestone.",
        back_url=milestone.review.get_absolute_url(),
    )


@edit_required
@sensitive_post_parameters()
def draft_add(request, pk):
    review = _review_to_edit(request, pk)
    version = review.drafts.count() + 1
    return form_page(
        request,
        DraftForm(request.POST or None, instance=Draft(review=review), initial={"version": version}),
        title="Record a draft",
        caption=str(review),
        success_url=review.get_absolute_url(),
        success_message="Recorded the draft.",
        back_url=review.get_absolute_url(),
    )


def _sign_off_page(request, review, *, own: bool):
    assignment = own_assignment(request.user) if own else None
    return service_form_page(
        request,
        SignOffForm(request.POST or None, partnership=review.partnership, own=own),
        title="Sign off the final report" if own else "Record a lead partner's sign-off",
        caption=str(review),
        run=lambda data: services.sign_off_record(
            review=review, assignment=assignment or data["assignment"], signed_on=data["signed_on"], by=request.user
        ),
        success_url=review.get_absolute_url(),
        success_message="Recorded the sign-off.",
        back_url=review.get_absolute_url(),
    )


@edit_required
def review_sign_off(request, pk):
    return _sign_off_page(request, _review_to_edit(request, pk), own=False)


@permission_required(Area.REVIEWS, Action.APPROVE)
def review_sign_off_own(request, pk):
    review = get_scoped_object_or_404(Review.objects.all(), request.user, Action.APPROVE, pk=pk)
    return _sign_off_page(request, review, own=True)


@edit_required
@sensitive_post_parameters()
def review_publication(request, pk):
    review = _review_to_edit(request, pk)
    form = PublicationForm(request.POST or None, instance=review)
    return service_form_page(
        request,
        form,
        title="Record publication",
        caption=str(review),
        run=lambda data: services.review_publication_record(review=review, by=request.user, **data),
        success_url=f"{review.get_absolute_url()}#publication",
        success_message="Saved the publication dates.",
        back_url=review.get_absolute_url(),
    )


@edit_required
@sensitive_post_parameters()
def recommendation_add(request, pk):
    review = _review_to_edit(request, pk)
    return service_form_page(
        request,
        RecommendationForm(request.POST or None, partnership=review.partnership),
        title="Add a recommendation",
        caption=str(review),
        run=lambda data: services.recommendation_add(review=review, **data),
        success_url=lambda recommendation: recommendation.get_absolute_url(),
        success_message=lambda recommendation: (
            f"Added recommendation {recommendation.number}. Its actions are on the action register."
        ),
        back_url=review.get_absolute_url(),
    )


@edit_required
def learning_event_add(request, pk):
    review = _review_to_edit(request, pk)
    form = LearningEventForm(request.POST or None, partnership=review.partnership)
    return service_form_page(
        request,
        form,
        title="Link a learning event",
        caption=str(review),
        run=lambda data: services.learning_event_link(review=review, course=data["course"]),
        success_url=f"{review.get_absolute_url()}#learning-events",
        success_message="Linked the course. Its attendance shows who received the learning.",
        back_url=review.get_absolute_url(),
    )
