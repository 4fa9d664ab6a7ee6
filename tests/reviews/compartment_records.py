"""Every record type of the reviews compartment, with every page that lists, shows or changes it, for the
compartment tests (tests/core/test_compartments.py). Pages only a lead partner opens (recording their own decision or
sign-off) are walked by the permission matrix instead."""

from datetime import date

from django.urls import reverse

from assure.core.models import Agency, Partnership
from assure.reviews import services
from assure.reviews.models import (
    Child,
    ChildIdentity,
    ClockReminder,
    Deferral,
    Draft,
    Incident,
    InformationRequest,
    LeadPartnerDecision,
    LearningBriefing,
    LearningEvent,
    LearningTheme,
    Milestone,
    PanelDecision,
    RapidReview,
    Recommendation,
    ReturnedFile,
    Review,
    SignOff,
)
from tests.compartments import register
from tests.core.records import course

from . import builders


def _partnership():
    return Partnership.current()


def _agency():
    return Agency.objects.filter(partnership=_partnership()).first()


def _panel():
    return builders.panel_member(_agency())


def _history(record):
    return reverse("core:record-history", args=[record.record_type_slug(), record.pk])


def make_incident():
    return builders.incident(_partnership())


def make_rapid_review():
    return builders.notified(_partnership(), _panel())


def make_information_request():
    return services.information_request_send(
        rapid_review=make_rapid_review(),
        agency=_agency(),
        asked_for="A chronology of your involvement.",
        sent_on=date(2020, 4, 16),
        due_on=date(2020, 4, 23),
        by=_panel(),
    )


def make_returned_file():
    request = make_information_request()
    return services.information_return_add(
        information_request=request, upload=builders.pdf(), kind="chronology", by=_panel()
    )


def make_decision():
    rapid_review = make_rapid_review()
    (assignment,) = builders.lead_partners(_agency())
    return services.lead_partner_decision_record(
        subject=rapid_review,
        assignment=assignment,
        decided_on=date(2020, 5, 6),
        decision="no_review",
        rationale="Single-agency learning, already acted on.",
        by=_panel(),
    )


def make_review():
    return builders.referral(_partnership())


def make_deferral():
    return services.review_defer(
        review=make_review(),
        stage=Deferral.Stage.SCOPING,
        deferred_on=date(2020, 3, 26),
        reason="Pandemic restrictions.",
        review_on=date(2020, 9, 30),
        by=_panel(),
    )


def make_commissioned_review():
    review = services.review_record(
        review=Review(partnership=_partnership(), kind="serious_case_review", initiated_on=date(2018, 10, 1)),
        today=date(2018, 10, 1),
    )
    return services.review_commission(
        review=review, commissioned_on=date(2018, 10, 1), reviewer="A reviewer", terms_of_reference="Scope."
    )


def make_draft():
    return Draft.objects.create(review=make_commissioned_review(), version=1, received_on=date(2019, 6, 1))


def make_sign_off():
    review = make_draft().review
    (assignment,) = builders.lead_partners(_agency())
    return services.sign_off_record(review=review, assignment=assignment, signed_on=date(2019, 7, 1), by=_panel())


def make_recommendation():
    return services.recommendation_add(
        review=make_commissioned_review(),
        text="Train staff in professional curiosity.",
        agency=_agency(),
        made_on=date(2020, 4, 20),
        due_on=date(2020, 10, 31),
        today=date(2020, 4, 20),
    )


def make_briefing():
    briefing = LearningBriefing.objects.create(partnership=_partnership(), title="Learning from a review")
    briefing.reviews.set([make_review()])
    return briefing


def make_learning_event():
    return services.learning_event_link(review=make_review(), course=course(_partnership()))


def review_pages(review):
    return [
        reverse("reviews:review-list"),
        reverse("reviews:review-list") + "?q=CR",
        review.get_absolute_url(),
        reverse("reviews:review-edit", args=[review.pk]),
        reverse("reviews:review-scoping", args=[review.pk]),
        reverse("reviews:review-defer", args=[review.pk]),
        reverse("reviews:review-decision", args=[review.pk]),
        reverse("reviews:review-commission", args=[review.pk]),
        reverse("reviews:review-milestone-add", args=[review.pk]),
        reverse("reviews:review-draft-add", args=[review.pk]),
        reverse("reviews:review-sign-off", args=[review.pk]),
        reverse("reviews:review-publication", args=[review.pk]),
        reverse("reviews:review-recommendation-add", args=[review.pk]),
        reverse("reviews:review-learning-event-add", args=[review.pk]),
        reverse("reviews:review-shares", args=[review.pk]),
        _history(review),
    ]


def rapid_review_pages(rapid_review):
    return [
        rapid_review.get_absolute_url(),
        reverse("reviews:rapid-review-recommend", args=[rapid_review.pk]),
        reverse("reviews:rapid-review-decision", args=[rapid_review.pk]),
        reverse("reviews:rapid-review-send", args=[rapid_review.pk]),
        reverse("reviews:rapid-review-response", args=[rapid_review.pk]),
        reverse("reviews:information-request-add", args=[rapid_review.pk]),
        reverse("reviews:rapid-review-shares", args=[rapid_review.pk]),
        reverse("reviews:clocks") + "?due=week",
        _history(rapid_review),
    ]


register(
    Incident,
    make=make_incident,
    urls=lambda incident: [
        reverse("reviews:panel"),
        reverse("reviews:incident-list"),
        reverse("reviews:incident-list") + f"?q={incident.reference}",
        incident.get_absolute_url(),
        reverse("reviews:incident-edit", args=[incident.pk]),
        reverse("reviews:incident-criteria", args=[incident.pk]),
        reverse("reviews:incident-notify", args=[incident.pk]),
        reverse("reviews:child-add", args=[incident.pk]),
        reverse("reviews:incident-shares", args=[incident.pk]),
        _history(incident),
    ],
)
register(
    Child,
    make=lambda: make_incident().children.get(),
    urls=lambda child: [reverse("reviews:child-identity", args=[child.pk]), _history(child)],
)
register(
    ChildIdentity,
    make=lambda: make_incident().children.get().identity,
    urls=lambda identity: [reverse("reviews:child-identity", args=[identity.child_id]), _history(identity)],
)
register(RapidReview, make=make_rapid_review, urls=rapid_review_pages)
register(
    InformationRequest,
    make=make_information_request,
    urls=lambda request: [
        request.get_absolute_url(),
        reverse("reviews:information-request-return", args=[request.pk]),
        reverse("reviews:information-request-close", args=[request.pk]),
        _history(request),
    ],
)
register(ReturnedFile, make=make_returned_file, urls=lambda returned: [returned.get_absolute_url(), _history(returned)])
register(
    LeadPartnerDecision, make=make_decision, urls=lambda decision: [decision.get_absolute_url(), _history(decision)]
)
register(
    LearningTheme,
    make=lambda: LearningTheme.objects.create(partnership=_partnership(), name="Neglect"),
    urls=lambda theme: [reverse("reviews:theme-list"), reverse("reviews:theme-add"), _history(theme)],
)
register(Review, make=make_review, urls=review_pages)
register(
    Deferral,
    make=make_deferral,
    urls=lambda deferral: [reverse("reviews:deferral-end", args=[deferral.pk]), _history(deferral)],
)
register(
    Milestone,
    make=lambda: Milestone.objects.create(review=make_review(), name="First draft", target_on=date(2020, 9, 1)),
    urls=lambda milestone: [reverse("reviews:milestone-edit", args=[milestone.pk]), _history(milestone)],
)
register(Draft, make=make_draft, urls=lambda draft: [draft.review.get_absolute_url(), _history(draft)])
register(SignOff, make=make_sign_off, urls=lambda sign_off: [sign_off.review.get_absolute_url(), _history(sign_off)])
register(
    Recommendation,
    make=make_recommendation,
    urls=lambda recommendation: [recommendation.review.get_absolute_url(), _history(recommendation)],
)
register(
    LearningBriefing,
    make=make_briefing,
    urls=lambda briefing: [
        reverse("reviews:briefing-list"),
        briefing.get_absolute_url(),
        reverse("reviews:briefing-edit", args=[briefing.pk]),
        _history(briefing),
    ],
)
register(
    LearningEvent,
    make=make_learning_event,
    urls=lambda event: [event.review.get_absolute_url(), _history(event)],
)
register(
    PanelDecision,
    make=lambda: PanelDecision.objects.create(
        partnership=_partnership(), decided_on=date(2020, 2, 13), kind="panel", summary="A standing panel."
    ),
    urls=lambda decision: [reverse("reviews:decision-list"), reverse("reviews:decision-add"), _history(decision)],
)
register(
    ClockReminder,
    make=lambda: ClockReminder.objects.create(
        clock="incident:1", due_on=date(2020, 4, 15), stage="before", sent_on=date(2020, 4, 13)
    ),
    urls=lambda reminder: [_history(reminder)],
)
