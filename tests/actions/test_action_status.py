"""The status rules in assure/actions/models.py, on fixed dates, by the model method and the SQL annotation alike."""

from datetime import date

import pytest

from assure.actions.models import Action, ActionUpdate, Status

from .builders import action

TODAY = date(2020, 3, 2)


def status_both_ways(record, today=TODAY):
    by_method = record.status_on(today)
    by_query = Action.objects.with_status(today).get(pk=record.pk).derived_status
    assert by_method == by_query
    return by_method


@pytest.fixture
def due_in_two_months(police):
    return action(police, due_date=date(2020, 5, 1))


def test_a_new_action_with_no_progress_is_not_started(due_in_two_months):
    assert status_both_ways(due_in_two_months) == Status.NOT_STARTED


def test_an_action_with_recent_progress_is_on_track(due_in_two_months):
    ActionUpdate.objects.create(action=due_in_two_months, date=date(2020, 2, 20), text="Drafted.")
    assert status_both_ways(due_in_two_months) == Status.ON_TRACK


def test_it_is_at_risk_when_due_within_14_days_and_silent_for_30(police):
    record = action(police, due_date=date(2020, 3, 16))
    ActionUpdate.objects.create(action=record, date=date(2020, 1, 31), text="Started.")
    assert status_both_ways(record) == Status.AT_RISK


def test_recent_progress_keeps_an_action_due_soon_on_track(police):
    record = action(police, due_date=date(2020, 3, 16))
    ActionUpdate.objects.create(action=record, date=date(2020, 2, 1), text="Started.")
    assert status_both_ways(record) == Status.ON_TRACK  # 30 days before 2 March is 1 February


def test_an_action_due_in_15_days_is_not_yet_at_risk(police):
    record = action(police, due_date=date(2020, 3, 17))
    assert status_both_ways(record) == Status.NOT_STARTED


def test_an_action_due_soon_with_no_progress_at_all_is_at_risk(police):
    record = action(police, due_date=date(2020, 3, 2))
    assert status_both_ways(record) == Status.AT_RISK


def test_it_is_overdue_the_day_after_the_due_date_whatever_the_progress(police):
    record = action(police, due_date=date(2020, 3, 1))
    ActionUpdate.objects.create(action=record, date=date(2020, 3, 1), text="Nearly there.")
    assert status_both_ways(record) == Status.OVERDUE


def test_asking_to_close_waits_for_approval_then_closes(police, admin_user):
    record = action(police, due_date=date(2020, 3, 1))
    record.closure_requested_on = date(2020, 2, 28)
    record.closure_evidence = "Dashboard published."
    record.save()
    assert status_both_ways(record) == Status.AWAITING_CLOSURE
    record.closed_on = date(2020, 3, 2)
    record.closure_approved_by = admin_user
    record.save()
    assert status_both_ways(record) == Status.CLOSED


def test_the_register_filters_on_the_derived_status(police):
    overdue = action(police, due_date=date(2020, 1, 1))
    action(police, due_date=date(2020, 6, 1))
    found = Action.objects.with_status(TODAY).filter(derived_status=Status.OVERDUE)
    assert list(found) == [overdue]
