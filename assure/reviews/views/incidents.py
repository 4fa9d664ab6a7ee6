"""Serious incidents, their notification, rapid reviews and the information they ask agencies for."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters

from assure.core.access import log_access
from assure.core.downloads import file_download
from assure.core.evidence_files import MAX_EVIDENCE_BYTES
from assure.core.pages import form_page, list_page, service_form_page
from assure.core.permissions import Action, Area, OutOfReach, can, get_scoped_object_or_404, permission_required, scoped
from assure.core.tables import Column, Table
from assure.core.uploads import accepts_uploads

from .. import selectors, services
from ..forms import (
    CriteriaForm,
    DecisionForm,
    IdentityForm,
    IncidentForm,
    IncidentWithChildForm,
    InformationRequestForm,
    NotificationForm,
    PanelRecommendationForm,
    ResponseForm,
    ReturnForm,
    SentForm,
)
from ..models import ChildIdentity, Incident, InformationRequest, RapidReview, ReturnedFile
from .common import editable, own_assignment, partnership

edit_required = permission_required(Area.REVIEWS, Action.EDIT)


def _notification(incident: Incident) -> str:
    deadline = incident.notification_deadline
    if deadline is None:
        return "Not notifiable"
    state = deadline.describe(timezone.localdate())
    return f"Notified {incident.notified_on:%-d %b %Y}, {state.lower()}" if incident.notified_on else state


def _rapid_review(incident: Incident) -> str:
    rapid_review = getattr(incident, "rapid_review", None)
    if rapid_review is None:
        return ""
    return f"{rapid_review.reference}: {rapid_review.deadline.describe(timezone.localdate()).lower()}"


@permission_required(Area.REVIEWS)
def incident_list(request):
    incidents = scoped(
        Incident.objects.filter(partnership=partnership()).select_related("rapid_review__incident"), request.user
    )
    table = Table(
        request,
        incidents,
        [
            Column("Reference", lambda i: i.reference, sort="reference", link=True),
            Column("What happened", lambda i: i.get_harm_display()),
            Column("Local authority aware", lambda i: i.la_aware_on, sort="la_aware_on"),
            Column("Notification", _notification),
            Column("Rapid review", _rapid_review),
        ],
        name="serious-incidents",
        search_fields=["reference", "notification_reference"],
        default_sort="-la_aware_on",
    )
    return list_page(
        request,
        table,
        "reviews/incident_list.html",
        Area.REVIEWS,
        can_edit=can(request.user, Area.REVIEWS, Action.EDIT),
    )


@edit_required
@sensitive_post_parameters()
def incident_create(request):
    form = IncidentWithChildForm(request.POST or None, partnership=partnership())
    return service_form_page(
        request,
        form,
        title="Record a serious incident",
        run=lambda data: services.incident_record(
            incident=form.instance, agencies=data["agencies"], identity=form.identity()
        ),
        success_url=lambda incident: incident.get_absolute_url(),
        success_message=lambda incident: f"Recorded {incident}. The notification clock is running.",
        back_url=reverse("reviews:incident-list"),
    )


@permission_required(Area.REVIEWS, open_to_grantees=True)
def incident_detail(request, pk):
    incident = get_scoped_object_or_404(Incident.objects.all(), request.user, pk=pk)
    children = list(incident.children.select_related("identity"))
    shows_identity = editable(request.user, incident)
    if shows_identity:
        for child in children:
            if hasattr(child, "identity"):
                log_access(request, child.identity)
    return render(
        request,
        "reviews/incident_detail.html",
        {
            "incident": incident,
            "children": children,
            "shows_identity": shows_identity,
            "deadline": incident.notification_deadline,
            "today": timezone.localdate(),
            "rapid_review": getattr(incident, "rapid_review", None),
            "can_edit": shows_identity,
            "can_view_history": can(request.user, Area.REVIEWS, Action.VIEW_HISTORY),
        },
    )


def _incident_to_edit(request, pk) -> Incident:
    return get_scoped_object_or_404(Incident.objects.all(), request.user, Action.EDIT, pk=pk)


@edit_required
@sensitive_post_parameters()
def incident_edit(request, pk):
    incident = _incident_to_edit(request, pk)
    return form_page(
        request,
        IncidentForm(request.POST or None, instance=incident, partnership=incident.partnership),
        title="Change the incident's details",
        caption=str(incident),
        success_url=incident.get_absolute_url(),
        success_message="Saved the incident's details.",
        back_url=incident.get_absolute_url(),
    )


@edit_required
@sensitive_post_parameters()
def incident_criteria(request, pk):
    incident = _incident_to_edit(request, pk)
    return service_form_page(
        request,
        CriteriaForm(request.POST or None),
        title="Record the criteria decision",
        caption=str(incident),
        run=lambda data: services.incident_criteria_decide(incident=incident, by=request.user, **data),
        success_url=incident.get_absolute_url(),
        success_message="Recorded the criteria decision in the decisions log.",
        back_url=incident.get_absolute_url(),
    )


@edit_required
@sensitive_post_parameters()
def incident_notify(request, pk):
    incident = _incident_to_edit(request, pk)
    return service_form_page(
        request,
        NotificationForm(request.POST or None),
        title="Record the notification to the national panel",
        caption=str(incident),
        run=lambda data: services.incident_notify(incident=incident, by=request.user, **data),
        success_url=lambda rapid_review: rapid_review.get_absolute_url(),
        success_message=lambda rapid_review: (
            f"Recorded the notification. {rapid_review} is due by {rapid_review.deadline.due_on:%-d %B %Y}."
        ),
        back_url=incident.get_absolute_url(),
    )


@edit_required
@sensitive_post_parameters()
def child_add(request, pk):
    incident = _incident_to_edit(request, pk)
    return service_form_page(
        request,
        IdentityForm(request.POST or None),
        title="Add a child harmed in the same incident",
        caption=str(incident),
        run=lambda data: services.child_add(incident=incident, identity=data),
        success_url=incident.get_absolute_url(),
        success_message=lambda child: f"Added {child}.",
        back_url=incident.get_absolute_url(),
    )


@edit_required
@sensitive_post_parameters()
def child_identity(request, pk):
    identity = get_scoped_object_or_404(
        ChildIdentity.objects.select_related("child"), request.user, Action.EDIT, child=pk
    )
    incident_url = reverse("reviews:incident-detail", args=[identity.child.incident_id])
    return form_page(
        request,
        IdentityForm(request.POST or None, instance=identity),
        title="Change who the child is",
        caption=str(identity.child),
        success_url=incident_url,
        success_message="Saved the child's identity record.",
        back_url=incident_url,
    )


# Rapid reviews -------------------------------------------------------------------------------------------------------


@permission_required(Area.REVIEWS, open_to_grantees=True)
def rapid_review_detail(request, pk):
    rapid_review = get_scoped_object_or_404(RapidReview.objects.select_related("incident"), request.user, pk=pk)
    decisions = rapid_review.decisions.select_related("agency", "decided_by")
    return render(
        request,
        "reviews/rapid_review_detail.html",
        {
            "rapid_review": rapid_review,
            "today": timezone.localdate(),
            "decisions": decisions,
            "decision_state": selectors.decision_state(rapid_review),
            "to_decide": selectors.partners_to_decide(rapid_review).exists(),
            "requests": rapid_review.information_requests.select_related("agency"),
            "review": getattr(rapid_review, "review", None),
            "can_edit": editable(request.user, rapid_review),
            "can_decide": can(request.user, Area.REVIEWS, Action.APPROVE),
            "can_view_history": can(request.user, Area.REVIEWS, Action.VIEW_HISTORY),
        },
    )


def _rapid_review_to_edit(request, pk) -> RapidReview:
    return get_scoped_object_or_404(RapidReview.objects.select_related("incident"), request.user, Action.EDIT, pk=pk)


@edit_required
@sensitive_post_parameters()
def rapid_review_recommend(request, pk):
    rapid_review = _rapid_review_to_edit(request, pk)
    return service_form_page(
        request,
        PanelRecommendationForm(request.POST or None),
        title="Record the panel's recommendation",
        caption=str(rapid_review),
        run=lambda data: services.rapid_review_recommend(
            rapid_review=rapid_review,
            meeting_on=data["meeting_on"],
            recommendation=data["recommendation"],
            rationale=data["rationale"],
            by=request.user,
        ),
        success_url=rapid_review.get_absolute_url(),
        success_message="Recorded the panel's recommendation. The lead partners decide.",
        back_url=rapid_review.get_absolute_url(),
    )


def decision_page(request, subject, *, own: bool):
    """Record a lead partner's decision: the panel names whose it is; a lead partner records their own."""
    assignment = own_assignment(request.user) if own else None
    form = DecisionForm(request.POST or None, partnership=subject.partnership, own=own)
    return service_form_page(
        request,
        form,
        title="Record your decision" if own else "Record a lead partner's decision",
        caption=str(subject),
        run=lambda data: services.lead_partner_decision_record(
            subject=subject,
            assignment=assignment or data["assignment"],
            decided_on=data["decided_on"],
            decision=data["decision"],
            rationale=data["rationale"],
            by=request.user,
        ),
        success_url=subject.get_absolute_url(),
        success_message="Recorded the decision in the decisions log.",
        back_url=subject.get_absolute_url(),
        submit="Record the decision",
    )


@edit_required
@sensitive_post_parameters()
def rapid_review_decision(request, pk):
    return decision_page(request, _rapid_review_to_edit(request, pk), own=False)


@permission_required(Area.REVIEWS, Action.APPROVE)
@sensitive_post_parameters()
def rapid_review_decide(request, pk):
    rapid_review = get_scoped_object_or_404(RapidReview.objects.all(), request.user, Action.APPROVE, pk=pk)
    return decision_page(request, rapid_review, own=True)


@edit_required
def rapid_review_send(request, pk):
    rapid_review = _rapid_review_to_edit(request, pk)
    return service_form_page(
        request,
        SentForm(request.POST or None),
        title="Record sending the rapid review to the national panel",
        caption=str(rapid_review),
        run=lambda data: services.rapid_review_send(
            rapid_review=rapid_review, sent_on=data["sent_on"], by=request.user
        ),
        success_url=rapid_review.get_absolute_url(),
        success_message="Recorded. The rapid review is complete and its information requests are closed.",
        back_url=rapid_review.get_absolute_url(),
    )


@edit_required
@sensitive_post_parameters()
def rapid_review_response(request, pk):
    rapid_review = _rapid_review_to_edit(request, pk)
    return service_form_page(
        request,
        ResponseForm(request.POST or None),
        title="Record the national panel's response",
        caption=str(rapid_review),
        run=lambda data: services.rapid_review_response(rapid_review=rapid_review, **data),
        success_url=rapid_review.get_absolute_url(),
        success_message="Recorded the national panel's response.",
        back_url=rapid_review.get_absolute_url(),
    )


# Information requests ----------------------------------------------------------------------------------------------


@edit_required
@sensitive_post_parameters()
def information_request_add(request, pk):
    rapid_review = _rapid_review_to_edit(request, pk)
    return service_form_page(
        request,
        InformationRequestForm(request.POST or None, partnership=rapid_review.partnership),
        title="Ask an agency for information",
        caption=str(rapid_review),
        run=lambda data: services.information_request_send(rapid_review=rapid_review, by=request.user, **data),
        success_url=rapid_review.get_absolute_url(),
        success_message=lambda sent: f"Sent. {sent.agency}'s safeguarding leads can read the request until it closes.",
        back_url=rapid_review.get_absolute_url(),
    )


@permission_required(Area.REVIEWS, open_to_grantees=True)
def information_request_detail(request, pk):
    information_request = get_scoped_object_or_404(
        InformationRequest.objects.select_related("agency", "rapid_review__incident"), request.user, pk=pk
    )
    can_edit = editable(request.user, information_request)
    addressee = information_request.is_open and selectors.is_addressee(information_request, request.user)
    # The child's identity is for the panel, and for the agency asked while its request is open.
    shows_identity = can_edit or addressee
    identities = [
        child.identity
        for child in information_request.rapid_review.incident.children.select_related("identity")
        if shows_identity and hasattr(child, "identity")
    ]
    for identity in identities:
        log_access(request, identity)
    return render(
        request,
        "reviews/information_request_detail.html",
        {
            "information_request": information_request,
            "identities": identities,
            "files": information_request.files.select_related("uploaded_by"),
            "deadline": information_request.deadline,
            "today": timezone.localdate(),
            "can_edit": can_edit,
            "can_return": information_request.is_open and (can_edit or addressee),
        },
    )


@accepts_uploads(MAX_EVIDENCE_BYTES)
@permission_required(Area.REVIEWS, open_to_grantees=True)
@sensitive_post_parameters()
def information_request_return(request, pk):
    information_request = get_scoped_object_or_404(InformationRequest.objects.all(), request.user, pk=pk)
    return service_form_page(
        request,
        ReturnForm(request.POST or None, request.FILES or None),
        title="Return information",
        caption=f"{information_request.rapid_review}, for {information_request.agency}",
        run=lambda data: services.information_return_add(
            information_request=information_request, upload=data["file"], kind=data["kind"], by=request.user
        ),
        success_url=information_request.get_absolute_url(),
        success_message="Uploaded the file. The review panel has been told.",
        back_url=information_request.get_absolute_url(),
        submit="Upload",
    )


@edit_required
def information_request_close(request, pk):
    """Close the request, after a confirmation: the agency cannot see it, or the child's details, again."""
    information_request = get_scoped_object_or_404(InformationRequest.objects.all(), request.user, Action.EDIT, pk=pk)
    if request.method != "POST":
        return render(request, "reviews/information_request_close.html", {"information_request": information_request})
    try:
        services.information_request_close(information_request=information_request, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Closed the request. {information_request.agency} can no longer see it.")
    return redirect(information_request.get_absolute_url())


@permission_required(Area.REVIEWS, open_to_grantees=True)
def returned_file(request, pk):
    """A returned file, for the panel and for the agency asked while its request is open; served never to be kept
    in a cache, under a neutral name."""
    returned = ReturnedFile.objects.filter(pk=pk).first()
    if returned is None:
        raise OutOfReach(record_type=ReturnedFile._meta.label, object_id=pk)
    get_scoped_object_or_404(InformationRequest.objects.all(), request.user, pk=returned.information_request_id)
    if returned.purged_on:
        raise Http404("This file was deleted at the end of its retention period.")
    extension = returned.stored_name.rsplit(".", 1)[-1]
    return file_download(
        request,
        content=returned.file.open("rb"),
        filename=f"information-request-{returned.information_request_id}-{returned.kind}-{returned.pk}.{extension}",
        content_type=returned.content_type,
        description=str(returned),
        record=returned,
    )
