"""Child safeguarding practice reviews: a referral without a notification, scoping, deferral with its history, the
lead partners' decision, commissioning, and publication with each date the guidance asks for."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.reviews import services
from assure.reviews.models import Deferral, Outcome, PanelDecision, Review, ReviewKind

from . import builders


@pytest.fixture
def panel(police):
    return builders.panel_member(police)


@pytest.fixture
def panel_client(client, panel):
    client.force_login(panel)
    return client


def test_a_referral_starts_a_review_without_a_notification(panel_client, police):
    response = panel_client.post(
        reverse("reviews:review-create"),
        {"kind": ReviewKind.LOCAL_CSPR, "referred_on": "2020-01-14", "referred_by": police.pk},
    )
    review = Review.objects.get()
    assert response.url == review.get_absolute_url()
    assert review.rapid_review is None and review.referred_by == police
    assert review.stage() == "Referred"


def test_a_local_review_needs_its_referral_date(panel_client):
    response = panel_client.post(reverse("reviews:review-create"), {"kind": ReviewKind.LOCAL_CSPR})
    assert response.status_code == 400
    assert "Enter the date of the referral." in response.content.decode()
    assert not Review.objects.exists()


def test_deferral_keeps_its_history(panel_client, partnership, panel):
    review = builders.referral(partnership)
    services.review_scoping_agree(review=review, agreed_on=date(2020, 2, 13), by=panel)
    first = services.review_defer(
        review=review,
        stage=Deferral.Stage.DECISION,
        deferred_on=date(2020, 3, 26),
        reason="Pandemic restrictions.",
        review_on=date(2020, 9, 30),
        by=panel,
    )
    assert review.stage() == "Deferred"
    with pytest.raises(ValidationError, match="already deferred"):
        services.review_defer(
            review=review,
            stage="scoping",
            deferred_on=date(2020, 4, 1),
            reason="Again.",
            review_on=date(2020, 5, 1),
            by=panel,
        )
    ended = panel_client.post(
        reverse("reviews:deferral-end", args=[first.pk]), {"ended_on": "2020-10-05", "note": "Scoping resumed."}
    )
    assert ended.status_code == 302
    again = panel_client.post(
        reverse("reviews:review-defer", args=[review.pk]),
        {"stage": "scoping", "deferred_on": "2020-11-05", "reason": "Second lockdown.", "review_on": "2021-01-15"},
    )
    assert again.status_code == 302
    history = list(review.deferrals.order_by("deferred_on"))
    assert [(d.stage, d.deferred_on, d.ended_on) for d in history] == [
        ("decision", date(2020, 3, 26), date(2020, 10, 5)),
        ("scoping", date(2020, 11, 5), None),
    ]
    assert history[0].reason == "Pandemic restrictions."
    logged = PanelDecision.objects.filter(review=review, kind=PanelDecision.Kind.DEFERRAL).count()
    assert logged == 3, "each deferral and its end are in the decisions log"
    page = panel_client.get(review.get_absolute_url()).content.decode()
    assert "Pandemic restrictions." in page and "Second lockdown." in page


def _decided(partnership, panel, police, council, *, decided_on=date(2020, 10, 20)):
    review = builders.referral(partnership)
    for assignment in builders.lead_partners(police, council):
        services.lead_partner_decision_record(
            subject=review,
            assignment=assignment,
            decided_on=decided_on,
            decision=Outcome.LOCAL_CSPR,
            rationale="Multi-agency learning.",
            by=panel,
        )
    return review


def test_a_review_is_commissioned_only_once_decided(panel_client, partnership, panel, police, council):
    undecided = builders.referral(partnership)
    response = panel_client.post(
        reverse("reviews:review-commission", args=[undecided.pk]),
        {"commissioned_on": "2020-11-02", "reviewer": "A reviewer", "terms_of_reference": "Scope."},
    )
    assert response.status_code == 400
    assert "once the lead partners have decided to hold it" in response.content.decode()
    decided = _decided(partnership, panel, police, council)
    assert decided.decision_to_start_on == date(2020, 10, 20)
    assert decided.guidance_edition == "wt2018"
    early = panel_client.post(
        reverse("reviews:review-commission", args=[decided.pk]),
        {"commissioned_on": "2020-10-19", "reviewer": "A reviewer", "terms_of_reference": "Scope."},
    )
    assert early.status_code == 400
    assert "before the decision to hold it (20 October 2020)" in early.content.decode()


def test_a_publication_date_before_commissioning_is_refused_and_nothing_saved(
    panel_client, partnership, panel, police, council
):
    review = _decided(partnership, panel, police, council)
    services.review_commission(
        review=review, commissioned_on=date(2020, 11, 2), reviewer="A reviewer", terms_of_reference="Scope."
    )
    response = panel_client.post(
        reverse("reviews:review-publication", args=[review.pk]),
        {"published_on": "2020-10-30", "copy_to_national_panel_on": "2020-10-20"},
    )
    assert response.status_code == 400
    assert (
        "The publication date must be on or after the date the review was commissioned (2 November 2020)"
        in response.content.decode()
    )
    review.refresh_from_db()
    assert review.published_on is None and review.copy_to_national_panel_on is None
    assert not PanelDecision.objects.filter(review=review, kind=PanelDecision.Kind.PUBLICATION).exists()


def test_each_publication_date_the_guidance_asks_for_is_tracked(panel_client, partnership, panel, police, council):
    review = _decided(partnership, panel, police, council)
    services.review_commission(
        review=review, commissioned_on=date(2020, 11, 2), reviewer="A reviewer", terms_of_reference="Scope."
    )
    published = panel_client.post(
        reverse("reviews:review-publication", args=[review.pk]),
        {
            "family_told_on": "2021-04-12",
            "copy_to_national_panel_on": "2021-04-09",
            "copy_to_secretary_of_state_on": "2021-04-14",
            "published_on": "2021-04-21",
            "publication_url": "https://example.org/child-b.pdf",
        },
    )
    assert published.status_code == 302
    rules = panel_client.get(review.get_absolute_url()).context["rules"]
    states = {
        check.rule.done_field: (check.deadline.due_on, check.deadline.describe(date(2021, 6, 1))) for check in rules
    }
    assert states == {
        # Six months from the decision to start: 20 April 2021; published a day late.
        "published_on": (date(2021, 4, 20), "1 working day late"),
        # Seven working days before publication on 21 April 2021 (over Easter: 2 to 5 April).
        "copy_to_national_panel_on": (date(2021, 4, 12), "On time"),
        "copy_to_secretary_of_state_on": (date(2021, 4, 12), "2 working days late"),
    }
    assert PanelDecision.objects.filter(review=review, kind=PanelDecision.Kind.PUBLICATION).count() == 1
