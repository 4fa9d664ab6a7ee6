"""Workflows on the action register. Other apps create actions only through ``action_create_from_source``."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assure.core.models import Agency, Priority, User

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
) -> Action:
    """Add an action to the register, linked back to the record it comes from.

    ``source`` is any record (a Section 11 answer, a recommendation…); its class's
    ``action_source_kind`` and ``str()`` give the source kind and label unless they are passed.
    """
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
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_request_closure(*, action: Action, by: User, evidence: str) -> Action:
    if not evidence.strip():
        raise ValidationError({"evidence": "Enter the evidence that the action is complete."})
    action.closure_requested_on = timezone.localdate()
    action.closure_requested_by = by
    action.closure_evidence = evidence.strip()
    action.save()
    return action


@transaction.atomic
def action_approve_closure(*, action: Action, by: User) -> Action:
    if not action.closure_requested_on:
        raise ValidationError("Only an action whose owner has asked to close it, with evidence, can be closed.")
    action.closed_on = timezone.localdate()
    action.closure_approved_by = by
    action.save()
    return action


@transaction.atomic
def action_return_for_more_work(*, action: Action, by: User, reason: str) -> Action:
    """Refuse a closure request: the action goes back to its owner, and the reason is recorded as an update."""
    ActionUpdate.objects.create(action=action, by=by, text=f"Closure not approved: {reason}")
    action.closure_requested_on = None
    action.closure_requested_by = None
    action.closure_evidence = ""
    action.save()
    return action


@transaction.atomic
def action_escalate(*, action: Action, note: str, on: date | None = None) -> Action:
    action.escalated_on = on or timezone.localdate()
    action.escalation_note = note
    action.save()
    _email(
        selectors.business_unit_emails(action.partnership),
        f"Escalated: overdue action {action.reference}",
        f"{action.text}\n\nOwner: {action.owner or action.agency}\nDue: {action.due_date:%d/%m/%Y}\n{note}",
        action,
    )
    return action


def send_action_reminders(*, today: date | None = None) -> tuple[int, int]:
    """Remind the owners of overdue actions (at most weekly) and escalate long-overdue ones.

    Returns (reminders sent, actions escalated). Each action is handled in its own transaction,
    so one bad address does not undo the reminders already sent.
    """
    today = today or timezone.localdate()
    reminded = escalated = 0
    for action in selectors.overdue_actions(today=today):
        with transaction.atomic():
            if action.last_reminded_on is None or action.last_reminded_on <= today - REMIND_EVERY:
                recipients = selectors.answerable_emails(action)
                if recipients:
                    _email(
                        recipients,
                        f"Overdue action {action.reference}: please update it",
                        f"{action.text}\n\nIt was due on {action.due_date:%d/%m/%Y} "
                        f"({action.days_overdue(today)} days ago). Record progress, or ask to close it with evidence.",
                        action,
                    )
                    action.last_reminded_on = today
                    action.save()
                    reminded += 1
            if action.escalated_on is None and action.due_date <= today - ESCALATE_AFTER_OVERDUE:
                action_escalate(
                    action=action,
                    on=today,
                    note=f"More than {ESCALATE_AFTER_OVERDUE.days} days overdue without closure.",
                )
                escalated += 1
    return reminded, escalated


def _email(recipients: list[str], subject: str, body: str, action: Action) -> None:
    if not recipients:
        return
    # Links are relative unless the deployment names its address (ASSURE_BASE_URL, not yet a setting).
    link = getattr(settings, "ASSURE_BASE_URL", "") + reverse("actions:action-detail", args=[action.pk])
    send_mail(subject, f"{body}\n\nOpen the action in Assure: {link}\n", None, recipients)
