"""The register's workflows: each runs as of the day it happened (``today``), and only a person closes an action."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assure.actions.models import SourceKind, Status
from assure.actions.services import (
    action_approve_closure,
    action_create_from_source,
    action_progress_record,
    action_request_closure,
)

from .builders import action


def test_each_step_is_dated_the_day_it_happened(police, admin_user, make_person):
    lead = make_person("agency_lead", police)
    record = action_create_from_source(
        source=None,
        source_kind=SourceKind.STRATEGIC_PLAN,
        source_label="Strategic plan 2020-21",
        text="Launch the exploitation strategy.",
        agency=police,
        due_date=date(2020, 9, 30),
        today=date(2020, 4, 1),
    )
    update = action_progress_record(action=record, by=lead, text="Pathways drafted.", today=date(2020, 5, 1))
    action_request_closure(action=record, by=lead, evidence="Strategy launched.", today=date(2020, 6, 1))
    assert record.status_on(date(2020, 6, 2)) == Status.AWAITING_CLOSURE
    action_approve_closure(action=record, by=admin_user, today=date(2020, 6, 8))

    record.refresh_from_db()
    assert (record.created_on, update.date, record.closure_requested_on, record.closed_on) == (
        date(2020, 4, 1),
        date(2020, 5, 1),
        date(2020, 6, 1),
        date(2020, 6, 8),
    )
    assert (record.closure_requested_by, record.closure_approved_by) == (lead, admin_user)
    assert record.status_on(date(2020, 6, 9)) == Status.CLOSED


def test_a_closure_is_approved_by_a_person(police):
    record = action(police)
    action_request_closure(action=record, by=None, evidence="Dashboard published.")
    with pytest.raises(ValidationError, match="approved by a person"):
        action_approve_closure(action=record, by=None)
    record.refresh_from_db()
    assert record.closed_on is None


def test_the_database_refuses_a_closed_action_without_an_approver(police):
    record = action(police)
    record.closure_requested_on = record.closed_on = date(2020, 3, 2)
    record.closure_evidence = "Dashboard published."
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()


def test_no_progress_is_recorded_on_a_closed_action(police, admin_user):
    record = action(police)
    action_request_closure(action=record, by=admin_user, evidence="Dashboard published.")
    action_approve_closure(action=record, by=admin_user)
    with pytest.raises(ValidationError, match="closed"):
        action_progress_record(action=record, by=admin_user, text="More work.")
    assert not record.updates.exists()
