"""A priority's year: its plan and evidence with last year beside it, and a roll-over that keeps the year's history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.core.models import Priority
from assure.governance import services
from assure.governance.models import PriorityIndicator, PriorityYear, RollOver

from . import builders

DECIDED = date(2020, 5, 20)


@pytest.fixture
def neglect_2019(partnership, police):
    year = builders.priority_year(partnership)
    services.priority_plan_save(
        priority_year=year,
        why_chosen="Nearly half of child protection plans are for neglect.",
        lead_partner=police,
        lead_officer=None,
        outcomes_sought="GCP2 used routinely\nFewer repeat plans",
        achievements="114 trained in GCP2",
        to_improve="Use of GCP2 is low",
        review_learning_themes="",
    )
    PriorityIndicator.objects.create(priority_year=year, indicator_id="cpp_repeat_within_2y_neglect_pct")
    return year


def test_keeping_a_priority_plans_next_year_with_its_indicators_and_keeps_this_year_as_it_stood(
    neglect_2019, admin_user
):
    following = services.priority_roll_over(
        priority_year=neglect_2019,
        decision=RollOver.KEEP,
        reason="Still the greatest risk.",
        by=admin_user,
        today=DECIDED,
    )
    assert (following.start_year, list(following.indicators.values_list("indicator_id", flat=True))) == (
        2020,
        ["cpp_repeat_within_2y_neglect_pct"],
    )
    services.priority_plan_save(priority_year=following, outcomes_sought="A refreshed Neglect Strategy")

    neglect_2019.refresh_from_db()
    assert neglect_2019.current_plan()["outcomes"] == ["GCP2 used routinely", "Fewer repeat plans"]
    assert neglect_2019.current_plan()["lead_partner"] == "Test Police"
    assert following.current_plan()["outcomes"] == ["A refreshed Neglect Strategy"]
    assert (neglect_2019.decision, neglect_2019.decision_reason, neglect_2019.decided_on) == (
        RollOver.KEEP,
        "Still the greatest risk.",
        DECIDED,
    )


def test_moving_a_priority_to_core_business_ends_it_with_the_year(neglect_2019, admin_user):
    following = services.priority_roll_over(
        priority_year=neglect_2019, decision=RollOver.CORE_BUSINESS, reason="Monitored as core business.", by=admin_user
    )
    assert following is None
    priority = Priority.objects.get(pk=neglect_2019.priority_id)
    assert priority.last_year.start_year == 2019
    assert PriorityYear.objects.filter(priority=priority).count() == 1


def test_a_year_is_decided_once_and_its_plan_is_then_kept(neglect_2019, admin_user):
    services.priority_roll_over(priority_year=neglect_2019, decision=RollOver.CLOSE, reason="Done.", by=admin_user)
    with pytest.raises(ValidationError, match="The decision for Neglect 2019-20 was taken on"):
        services.priority_roll_over(priority_year=neglect_2019, decision=RollOver.KEEP, reason="Again.", by=admin_user)
    with pytest.raises(ValidationError, match="its plan is kept as it stood"):
        services.priority_plan_save(priority_year=neglect_2019, why_chosen="Rewritten later.")
    services.priority_plan_save(priority_year=neglect_2019, achievements="114 trained in GCP2\nA neglect toolkit")
    assert PriorityYear.objects.get(pk=neglect_2019.pk).achievements_list == [
        "114 trained in GCP2",
        "A neglect toolkit",
    ]


def test_a_decision_needs_a_reason(neglect_2019, admin_client):
    response = admin_client.post(
        reverse("governance:priority-roll-over", args=[neglect_2019.pk]), {"decision": RollOver.KEEP, "reason": ""}
    )
    assert response.status_code == 400
    assert not PriorityYear.objects.get(pk=neglect_2019.pk).decision
    assert PriorityYear.objects.count() == 1


def test_the_priority_page_shows_this_year_beside_last_year(neglect_2019, partnership, admin_client, admin_user):
    builders.run(
        partnership,
        {("cpp_repeat_within_2y_neglect_pct", 2019): (3, 100), ("cpp_repeat_within_2y_neglect_pct", 2018): (13, 100)},
    )
    following = services.priority_roll_over(
        priority_year=neglect_2019, decision=RollOver.KEEP, reason="Still the greatest risk.", by=admin_user
    )
    page = admin_client.get(following.get_absolute_url()).content.decode()
    assert "Neglect 2019-20" in page and "2020-21" in page
    this_year = admin_client.get(neglect_2019.get_absolute_url())
    assert this_year.status_code == 200
    content = this_year.content.decode()
    assert "Repeat plans within 2 years (neglect)" in content
    assert "3.0%" in content and "13.0%" in content
    assert "Use of GCP2 is low" in content
    assert "keep it as a priority" in content
