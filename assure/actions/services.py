"""Workflows on the action register. Other apps create, progress and close actions only through these services,
and read them through ``selectors``. Each workflow takes ``today`` (the real date by default), so the demo can
run it as of its historic dates."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assure.core.models import Agency, Priority, User
from assure.core.notify import notify

from . import selectors
from .models import ESCALATE_AFTER_OVERDUE, REMIND_EVERY, Action, ActionUpdate, SourceKind


@transaction.atomic
def action_create_from_source(
    *,
    source,
    text: str,
    agency: Agency,
    due_date: date,
    source_kind: SourceKind | None = None,
    source_label: str = "",
    owner: User | None = None,
    priority: Priority | None = None,
    today: date | None = None,
) -> Action:
    """Add an action to the register, linked back to the record it comes from.

    ``source`` is any record (a Section 11 answer, a recommendation…), or None for an action with no record
    behind it (a strategic plan's); its class's ``action_source_kind`` and ``str()`` give the source kind and
    label unless they are passed. An action is never created already overdue: its due date is today or later.
    """
    today = today or timezone.localdate()
    if due_date < today:
        raise ValidationError(
            {"due_date": f"Enter a due date on or after {today:%-d %B %Y}: an action cannot start overdue."}
        )
    action = Action(
        partnership=agency.partnership,
        text=text,
        source=source,
        source_kind=source_kind or source.action_source_kind,
        source_label=(source_label or str(source))[:300],
        agency=agency,
        owner=owner,
        priority=priority,
        due_date=due_date,
        created_on=today,
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_progress_record(
    *, action: Action, by: User | None, text: str, evidence_of_impact: str = "", today: date | None = None
) -> ActionUpdate:
    """Record progress on an open action, with the difference it has made."""
    if action.closed_on:
        raise ValidationError("This action is closed, so no more progress can be recorded on it.")
    update = ActionUpdate(
        action=action, by=by, date=today or timezone.localdate(), text=text, evidence_of_impact=evidence_of_impact
    )
    update.full_clean()
    update.save()
    return update


@transaction.atomic
def action_request_closure(*, action: Action, by: User, evidence: str, today: date | None = None) -> Action:
    if not evidence.strip():
        raise ValidationError({"evidence": "Enter the evidence that the action is complete."})
    action.closure_requested_on = today or timezone.localdate()
    action.closure_requested_by = by
    action.closure_evidence = evidence.strip()
    action.save()
    return action


@transaction.atomic
def action_approve_closure(*, action: Action, by: User, today: date | None = None) -> Action:
    if not action.closure_requested_on:
        raise ValidationError("Only an action whose owner has asked to close it, with evidence, can be closed.")
    if by is None:
        raise ValidationError("A closure is approved by a person: the partnership admin who approves it.")
    action.closed_on = today or timezone.localdate()
    action.closure_approved_by = by
    action.save()
    return action


@transaction.atomic
def action_return_for_more_work(*, action: Action, by: User, reason: str, today: date | None = None) -> Action:
    """Refuse a closure request: the action goes back to its owner, and the reason is recorded as an update."""
    ActionUpdate.objects.create(
        action=action, by=by, date=today or timezone.localdate(), text=f"Closure not approved: {reason}"
    )
    action.closure_requested_on = None
    action.closure_requested_by = None
    action.closure_evidence = ""
    action.save()
    return action


@transaction.atomic
def action_close_as_resolved(*, action: Action, by: User, today: date | None = None) -> Action:
    """Close an action its source no longer needs, recording the record that shows it as the evidence, and tell
    whoever answers for the action. Only a person (a partnership admin) closes an action."""
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.closed_on:
        raise ValidationError("This action is already closed.")
    if by is None:
        raise ValidationError("An action is closed as resolved by a person: the partnership admin who closes it.")
    resolution = selectors.resolution_of(action)
    if resolution is None:
        raise ValidationError("Its source still needs this action, so it cannot be closed as resolved.")
    today = today or timezone.localdate()
    action.closure_requested_on = action.closure_requested_on or today
    action.closure_requested_by = action.closure_requested_by or by
    action.closure_evidence = f"No longer needed: {resolution.resolution_summary}."
    action.resolved_by = resolution
    action.closed_on = today
    action.closure_approved_by = by
    action.save()
    notify(
        to=selectors.answerable_emails(action),
        subject=f"Closed as resolved: action {action.reference}",
        body=f"Action {action.reference} ({action.source_label}) is closed: it is no longer needed. "
        f"{resolution.resolution_summary}.",
        path=action.get_absolute_url(),
    )
    return action


@transaction.atomic
def action_escalate(*, action: Action, note: str, today: date | None = None) -> Action:
    action.escalated_on = today or timezone.localdate()
    action.escalation_note = note
    action.save()
    notify(
        to=selectors.business_unit_emails(action.partnership),
        subject=f"Escalated: overdue action {action.reference}",
        body=f"Action {action.reference} ({action.source_label}), owned by {action.agency}, was due on "
        f"{action.due_date:%-d %B %Y}. It has been escalated to the business unit.",
        path=action.get_absolute_url(),
    )
    return action


def send_action_reminders(*, today: date | None = None) -> tuple[int, int]:
    """Remind the owners of overdue actions (at most weekly) and escalate long-overdue ones.

    Returns (reminders sent, actions escalated). Each action is handled in its own transaction,
    so a fault with one action does not undo the reminders already recorded.
    """
    today = today or timezone.localdate()
    reminded = escalated = 0
    for action in selectors.overdue_actions(today=today):
        with transaction.atomic():
            if action.last_reminded_on is None or action.last_reminded_on <= today - REMIND_EVERY:
                recipients = selectors.answerable_emails(action)
                if recipients:
                    notify(
                        to=recipients,
                        subject=f"Overdue action {action.reference}: please update it",
                        body=f"Action {action.reference} ({action.source_label}) was due on "
                        f"{action.due_date:%-d %B %Y}, {action.days_overdue(today)} days ago. "
                        "Record progress, or ask to close it with evidence.",
                        path=action.get_absolute_url(),
                    )
                    action.last_reminded_on = today
                    action.save()
                    reminded += 1
            if action.escalated_on is None and action.due_date <= today - ESCALATE_AFTER_OVERDUE:
                action_escalate(
                    action=action,
                    today=today,
                    note=f"More than {ESCALATE_AFTER_OVERDUE.days} days overdue without closure.",
                )
                escalated += 1
    return reminded, escalated
