"""The review clocks in working days, with the named dates of decisions.md section 7: day 1 is the first working day
after the start; an event on the deadline is on time, one on the next working day is 1 working day late."""

from datetime import date

import pytest
from django.urls import reverse

from assure.reviews import services
from assure.reviews.clocks import Deadline, notification_due, rapid_review_due
from assure.reviews.models import Criteria

from . import builders


@pytest.mark.parametrize(
    ("aware", "notify_by"),
    [
        (date(2019, 12, 19), date(2019, 12, 30)),  # Thursday, over Christmas and Boxing Day
        (date(2020, 4, 8), date(2020, 4, 17)),  # Wednesday, over Good Friday and Easter Monday
    ],
)
def test_the_notification_is_due_5_working_days_after_the_local_authority_became_aware(aware, notify_by):
    assert notification_due(aware) == notify_by


@pytest.mark.parametrize(
    ("notified", "complete_by"),
    [
        (date(2020, 4, 30), date(2020, 5, 22)),  # over the 8 May 2020 bank holiday
        (date(2020, 5, 1), date(2020, 5, 26)),  # over 8 May and the spring bank holiday
        (date(2019, 12, 20), date(2020, 1, 15)),  # over Christmas and New Year
    ],
)
def test_the_rapid_review_is_due_15_working_days_after_the_notification(notified, complete_by):
    assert rapid_review_due(notified) == complete_by


def test_an_event_on_the_deadline_is_on_time_and_on_the_next_working_day_1_late():
    due = date(2020, 4, 17)  # a Friday
    on_the_day = Deadline(due, date(2020, 4, 17))
    assert not on_the_day.is_late(date(2020, 6, 1))
    assert on_the_day.describe(date(2020, 6, 1)) == "On time"
    next_working_day = Deadline(due, date(2020, 4, 20))
    assert next_working_day.is_late(date(2020, 6, 1))
    assert next_working_day.working_days_late(date(2020, 6, 1)) == 1
    assert next_working_day.describe(date(2020, 6, 1)) == "1 working day late"


def test_a_running_clock_says_due_and_late_never_breach():
    deadline = Deadline(date(2020, 4, 17))
    assert deadline.describe(date(2020, 4, 15)) == "Due in 2 working days"
    assert deadline.describe(date(2020, 4, 17)) == "Due today"
    assert deadline.describe(date(2020, 4, 21)) == "Late by 2 working days"


def test_an_incident_and_its_rapid_review_carry_their_clocks(partnership, police):
    panel = builders.panel_member(police)
    incident = builders.incident(partnership, aware_on=date(2019, 12, 19))
    assert incident.notification_deadline.due_on == date(2019, 12, 30)
    rapid_review = builders.notified(partnership, panel, aware_on=date(2020, 4, 29), notified_on=date(2020, 4, 30))
    assert rapid_review.deadline.due_on == date(2020, 5, 22)
    assert rapid_review.incident.notification_deadline.describe(date(2020, 6, 1)) == "On time"


def test_an_incident_found_not_to_meet_the_criteria_has_no_clock(partnership, police):
    panel = builders.panel_member(police)
    incident = builders.incident(partnership)
    services.incident_criteria_decide(
        incident=incident,
        criteria=Criteria.NOT_MET,
        reason="No abuse or neglect.",
        decided_on=date(2020, 4, 9),
        by=panel,
    )
    assert incident.notification_deadline is None


def test_the_live_clocks_page_lists_the_most_urgent_first(client, partnership, police):
    panel = builders.panel_member(police)
    older = builders.notified(partnership, panel, aware_on=date(2020, 4, 1), notified_on=date(2020, 4, 2))
    newer = builders.notified(partnership, panel, aware_on=date(2020, 5, 1), notified_on=date(2020, 5, 4))
    waiting = builders.incident(partnership, aware_on=date(2020, 3, 2))
    client.force_login(panel)
    response = client.get(reverse("reviews:clocks"))
    assert response.status_code == 200
    shown = [clock.key for clock in response.context["clocks"]]
    assert shown == [f"incident:{waiting.pk}", f"rapid-review:{older.pk}", f"rapid-review:{newer.pk}"]
    page = response.content.decode()
    assert "Late by" in page and "breach" not in page.lower()
