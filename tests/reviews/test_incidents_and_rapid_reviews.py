"""Serious incidents, their notification and rapid reviews, recorded through the pages; bad input is refused with a
clear message and nothing saved."""

from datetime import date

import pytest
from django.urls import reverse

from assure.core.models import AccessLogEntry
from assure.core.permissions import Role
from assure.reviews.models import (
    ChildIdentity,
    Criteria,
    Harm,
    Incident,
    LeadPartnerDecision,
    Outcome,
    PanelDecision,
    RapidReview,
    Review,
)
from tests.core.records import person

from . import builders


@pytest.fixture
def panel(police):
    return builders.panel_member(police)


@pytest.fixture
def panel_client(client, panel):
    client.force_login(panel)
    return client


def _date(name, day: date) -> dict:
    # A date may be posted in one piece, as links carry it.
    return {name: day.isoformat()}


def test_recording_an_incident_keeps_the_childs_identity_apart(panel_client, partnership, police):
    response = panel_client.post(
        reverse("reviews:incident-create"),
        {
            "harm": Harm.SERIOUSLY_HARMED,
            **_date("la_aware_on", date(2020, 4, 8)),
            **_date("partnership_learned_on", date(2020, 4, 9)),
            "abuse_or_neglect_suspected": "on",
            "agencies": [police.pk],
            "summary": "Admitted to hospital with injuries.",
            "full_name": "Jordan Testchild",
            **_date("date_of_birth", date(2016, 5, 4)),
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == incident.get_absolute_url()
    child = incident.children.get()
    assert ChildIdentity.objects.get(child=child).full_name == "Jordan Testchild"
    assert str(incident).startswith("Serious incident SI-2020-") and "Jordan" not in str(child)
    assert child.reference.startswith("C-") and len(child.reference) == 10
    assert incident.notification_deadline.due_on == date(2020, 4, 17)
    page = panel_client.get(incident.get_absolute_url())
    assert "17 April 2020" in page.content.decode()
    viewed = AccessLogEntry.objects.filter(event=AccessLogEntry.Event.VIEW).values_list("record_type", flat=True)
    assert {"reviews.Incident", "reviews.ChildIdentity"} <= set(viewed)


def test_notifying_starts_the_rapid_review_clock(panel_client, partnership, panel):
    incident = builders.incident(partnership, aware_on=date(2020, 4, 29))
    criteria = panel_client.post(
        reverse("reviews:incident-criteria", args=[incident.pk]),
        {
            "criteria": Criteria.MET,
            "reason": "Serious harm; neglect suspected.",
            **_date("decided_on", date(2020, 4, 29)),
        },
    )
    assert criteria.status_code == 302
    notified = panel_client.post(
        reverse("reviews:incident-notify", args=[incident.pk]),
        {**_date("notified_on", date(2020, 4, 30)), "notification_reference": "NP-123"},
    )
    rapid_review = RapidReview.objects.get(incident=incident)
    assert notified.url == rapid_review.get_absolute_url()
    assert rapid_review.deadline.due_on == date(2020, 5, 22)
    assert PanelDecision.objects.filter(incident=incident, kind=PanelDecision.Kind.CRITERIA).exists()


def test_a_notification_before_the_local_authority_was_aware_is_refused(panel_client, partnership, panel):
    incident = builders.incident(partnership, aware_on=date(2020, 4, 29))
    incident.criteria, incident.criteria_reason, incident.criteria_decided_on = Criteria.MET, "Harm.", date(2020, 4, 29)
    incident.save()
    response = panel_client.post(
        reverse("reviews:incident-notify", args=[incident.pk]), _date("notified_on", date(2020, 4, 28))
    )
    assert response.status_code == 400
    assert "must be on or after the date the local authority became aware (29 April 2020)" in response.content.decode()
    assert not RapidReview.objects.exists()
    incident.refresh_from_db()
    assert incident.notified_on is None


def test_a_looked_after_childs_death_is_notified_whether_or_not_abuse_is_suspected(panel_client, partnership):
    incident = builders.incident(partnership, harm=Harm.DIED, looked_after=True, abuse_or_neglect_suspected=False)
    response = panel_client.post(
        reverse("reviews:incident-criteria", args=[incident.pk]),
        {"criteria": Criteria.NOT_MET, "reason": "Natural causes.", **_date("decided_on", date(2020, 4, 9))},
    )
    assert response.status_code == 400
    assert "A looked-after child&#x27;s death is notified" in response.content.decode()
    incident.refresh_from_db()
    assert incident.criteria == Criteria.UNDECIDED and incident.must_be_notified
    assert not PanelDecision.objects.exists()


def test_a_child_who_died_has_an_incident_of_their_own(panel_client, partnership):
    incident = builders.incident(partnership, harm=Harm.DIED)
    response = panel_client.post(reverse("reviews:child-add", args=[incident.pk]), {"full_name": "Sam Sibling"})
    assert response.status_code == 400
    assert "record another serious incident for this child" in response.content.decode()
    assert incident.children.count() == 1


@pytest.fixture
def rapid_review(partnership, panel):
    return builders.notified(partnership, panel)


def test_a_decision_before_the_notification_is_refused_and_nothing_saved(panel_client, rapid_review, police, council):
    assignment, _ = builders.lead_partners(police, council)
    logged = PanelDecision.objects.count()
    response = panel_client.post(
        reverse("reviews:rapid-review-decision", args=[rapid_review.pk]),
        {
            "assignment": assignment.pk,
            **_date("decided_on", date(2020, 4, 14)),
            "decision": Outcome.LOCAL_CSPR,
            "rationale": "Learning for several agencies.",
        },
    )
    assert response.status_code == 400
    assert "The decision cannot come before the notification (15 April 2020)" in response.content.decode()
    assert not LeadPartnerDecision.objects.exists()
    assert PanelDecision.objects.count() == logged


def test_no_review_without_its_reasons_is_refused_and_nothing_saved(panel_client, rapid_review, police, council):
    assignment, _ = builders.lead_partners(police, council)
    response = panel_client.post(
        reverse("reviews:rapid-review-decision", args=[rapid_review.pk]),
        {"assignment": assignment.pk, **_date("decided_on", date(2020, 5, 6)), "decision": Outcome.NO_REVIEW},
    )
    assert response.status_code == 400
    assert "Enter the reasons for deciding there should be no review." in response.content.decode()
    assert not LeadPartnerDecision.objects.exists()


def test_the_panel_recommends_and_every_lead_partner_decides(
    panel_client, panel, client, rapid_review, police, council
):
    police_lead, council_lead = builders.lead_partners(police, council)
    recommended = panel_client.post(
        reverse("reviews:rapid-review-recommend", args=[rapid_review.pk]),
        {**_date("meeting_on", date(2020, 4, 28)), "recommendation": Outcome.LOCAL_CSPR, "rationale": "Learning."},
    )
    assert recommended.status_code == 302
    panel_client.post(
        reverse("reviews:rapid-review-decision", args=[rapid_review.pk]),
        {
            "assignment": police_lead.pk,
            **_date("decided_on", date(2020, 4, 29)),
            "decision": Outcome.LOCAL_CSPR,
            "rationale": "As the panel recommends.",
        },
    )
    assert not Review.objects.exists(), "one lead partner alone does not decide"
    # The council's lead partner records their own decision.
    client.force_login(council_lead.user)
    assert client.get(rapid_review.get_absolute_url()).status_code == 200
    decided = client.post(
        reverse("reviews:rapid-review-decide", args=[rapid_review.pk]),
        {**_date("decided_on", date(2020, 5, 4)), "decision": Outcome.LOCAL_CSPR, "rationale": "Agreed."},
    )
    assert decided.status_code == 302
    review = Review.objects.get(rapid_review=rapid_review)
    assert review.decision_to_start_on == date(2020, 5, 4)
    assert review.guidance_edition == "wt2018"
    decisions = LeadPartnerDecision.objects.filter(rapid_review=rapid_review).order_by("decided_on")
    assert [(d.agency, d.decided_by, d.recorded_by) for d in decisions] == [
        (police, police_lead.user, panel),
        (council, council_lead.user, council_lead.user),
    ]
    assert client.get(reverse("reviews:rapid-review-recommend", args=[rapid_review.pk])).status_code == 403


def test_a_lead_partner_sees_reviews_but_changes_nothing(client, rapid_review, council):
    client.force_login(person(Role.LEAD_PARTNER, council))
    assert client.get(rapid_review.get_absolute_url()).status_code == 200
    assert client.get(reverse("reviews:incident-edit", args=[rapid_review.incident_id])).status_code == 403
