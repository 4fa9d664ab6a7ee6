"""A review's recommendation becomes actions on the one register, through the register's own service: one source kind
for every review, labelled with its published name, one action per agency for all agencies, the child named by the
review's pseudonym only. The action closes only through the register's closure approval."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assure.actions import services as action_services
from assure.actions.models import Action, SourceKind
from assure.core.models import Agency, Sector
from assure.core.permissions import Role
from assure.reviews import services
from assure.reviews.models import Recommendation
from tests.core.records import person

from . import builders


@pytest.fixture
def panel(police):
    return builders.panel_member(police)


@pytest.fixture
def review(partnership, panel, police, council):
    rapid_review = builders.notified(partnership, panel)
    review = builders.decided_cspr(rapid_review, panel, builders.lead_partners(police, council))
    review.published_name, review.pseudonym = "Child B", "Child B"
    review.save()
    return review


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_recommendation_is_an_action_on_the_register_with_the_review_as_its_source(review, panel, police):
    due = timezone.localdate() + timedelta(days=120)
    response = _client(panel).post(
        reverse("reviews:review-recommendation-add", args=[review.pk]),
        {
            "text": "Make sure Child B's school hears of every missed health appointment.",
            "agency": police.pk,
            "made_on": "2020-11-03",
            "due_on": due.isoformat(),
        },
    )
    recommendation = Recommendation.objects.get()
    assert response.url == recommendation.get_absolute_url()
    action = Action.objects.get()
    assert action.source == recommendation
    assert action.source_kind == SourceKind.CASE_REVIEW
    assert action.source_label == "Child B, recommendation 1"
    assert action.text == "Make sure Child B's school hears of every missed health appointment."
    assert (action.agency, action.due_date) == (police, due)
    register = _client(panel).get(reverse("actions:action-list"), {"source_kind": SourceKind.CASE_REVIEW})
    assert [row[0]["value"] for row in register.context["table"].rows()] == [action.reference]


def test_a_recommendation_to_all_agencies_is_one_action_per_agency(review, partnership):
    Agency.objects.create(partnership=partnership, name="Test Schools", sector=Sector.EDUCATION)
    Agency.objects.create(partnership=partnership, name="Closed Trust", sector=Sector.HEALTH, active=False)
    recommendation = services.recommendation_add(
        review=review,
        text="Brief staff on Child B's learning.",
        agency=None,
        made_on=date(2020, 11, 3),
        due_on=date(2021, 3, 31),
        today=date(2020, 11, 3),
    )
    owners = sorted(Action.objects.filter(source_id=recommendation.pk).values_list("agency__name", flat=True))
    assert owners == ["Test Council", "Test Police", "Test Schools"]


def test_a_recommendation_naming_the_child_is_refused(review, panel, police):
    child = review.rapid_review.incident.children.get()
    for text in (f"Review {child.reference}'s records.", f"Check what {builders.CHILD_NAME} told the school."):
        response = _client(panel).post(
            reverse("reviews:review-recommendation-add", args=[review.pk]),
            {"text": text, "agency": police.pk, "made_on": "2020-11-03", "due_on": "2021-03-31"},
        )
        assert response.status_code == 400
        assert "Name the child as Child B, never by their reference or name." in response.content.decode()
    assert not Recommendation.objects.exists() and not Action.objects.exists()


def test_the_action_closes_only_through_the_registers_closure_approval(review, panel, police, admin_user):
    recommendation = services.recommendation_add(
        review=review,
        text="Audit Child B's learning.",
        agency=police,
        made_on=date(2020, 11, 3),
        due_on=date(2021, 3, 31),
        today=date(2020, 11, 3),
    )
    action = Action.objects.get(source_id=recommendation.pk)
    lead = person(Role.AGENCY_LEAD, police)
    # The police's lead answers for the action on the register, and sees nothing of the review.
    lead_client = _client(lead)
    assert lead_client.get(action.get_absolute_url()).status_code == 200
    assert lead_client.get(review.get_absolute_url()).status_code == 404
    action_services.action_request_closure(action=action, by=lead, evidence="Audit done.")
    action.refresh_from_db()
    assert action.closed_on is None, "asking to close is not closing"
    # The panel follows the action on the review's page but cannot close it: only the business unit approves.
    panel_client = _client(panel)
    page = panel_client.get(review.get_absolute_url()).content.decode()
    assert "Closure awaiting approval" in page
    assert panel_client.post(reverse("actions:action-closure-approve", args=[action.pk])).status_code == 403
    _client(admin_user).post(reverse("actions:action-closure-approve", args=[action.pk]))
    action.refresh_from_db()
    assert action.closed_on is not None and action.closure_approved_by == admin_user
    assert "Closed" in panel_client.get(review.get_absolute_url()).content.decode()
