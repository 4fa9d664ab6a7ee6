"""Reads of the action register shared by views, services and other apps.

Every page that lists actions (the register, an inspection, an audit, a review) reads them through
``visible_actions`` or ``actions_for_sources``, which keep to what the person may see: an agency lead sees
their own agency's actions beside a partnership-wide inspection, and nothing of another agency's.
"""

from collections import Counter
from copy import copy
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, IntegerField, Max, Q, Value, When
from django.utils import timezone

from assure.core.models import Partnership, RoleAssignment
from assure.core.permissions import Action as Permission
from assure.core.permissions import Area, Role, agencies_for, scoped

from .models import AT_RISK_DUE_WITHIN, Action, Status


def register(partnership: Partnership, today: date | None = None):
    """Every action of the partnership, with its derived status; scope it before showing it to anyone."""
    return (
        Action.objects.filter(partnership=partnership)
        .with_status(today)
        .select_related("agency", "owner", "priority", "source_type")
    )


def visible_actions(*, user, partnership: Partnership | None = None, today: date | None = None):
    """The actions ``user`` may see, with their derived status."""
    return scoped(register(partnership or Partnership.current(), today), user, Permission.VIEW)


def in_register_order(actions, today: date | None = None):
    """Open actions first, overdue at the top, each group soonest due first; closed actions last."""
    today = today or timezone.localdate()
    return actions.annotate(
        register_order=Case(
            When(closed_on__isnull=True, closure_requested_on__isnull=True, due_date__lt=today, then=Value(0)),
            When(closed_on__isnull=True, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("register_order", "due_date", "pk")


def actions_for_sources(sources, *, user, today: date | None = None) -> dict[int, list[Action]]:
    """The actions ``user`` may see that come from any of ``sources`` (records of one model), by source pk."""
    sources = list(sources)
    if not sources:
        return {}
    by_source: dict[int, list[Action]] = {}
    found = visible_actions(user=user, today=today).filter(
        source_type=ContentType.objects.get_for_model(sources[0]), source_id__in=[source.pk for source in sources]
    )
    for action in found.order_by("due_date", "pk"):
        by_source.setdefault(action.source_id, []).append(action)
    return by_source


def status_counts_for_sources(sources, *, today: date | None = None) -> dict[str, int]:
    """How many actions, whoever owns them, come from any of ``sources`` (records of one model), by status: for
    aggregate figures (a year's review recommendations), never for listing the actions to a person."""
    sources = list(sources)
    actions = (
        Action.objects.filter(
            source_type=ContentType.objects.get_for_model(sources[0]), source_id__in=[source.pk for source in sources]
        )
        if sources
        else Action.objects.none()
    )
    return {found.label: found.count for found in status_counts(actions.with_status(today))}


def actions_from_source(source):
    """Every action that comes from ``source``, whoever owns it: for workflows (one action per standard), never
    for showing to a person."""
    return Action.objects.for_source(source).order_by("pk")


def resolution_of(action: Action):
    """The record that shows an open action's source no longer needs it, or None.

    A source says so through ``action_resolved_by()`` (a Section 11 answer whose standard is now agreed Good at
    moderation, say), returning that record, which names itself in ``resolution_summary``.
    """
    if action.closed_on:
        return None
    resolved_by = getattr(action.source, "action_resolved_by", None)
    return resolved_by() if callable(resolved_by) else None


def answerable_by(user, partnership: Partnership):
    """The actions a person answers for: their own, and their agencies' if they are an agency lead."""
    return visible_actions(user=user, partnership=partnership).filter(
        Q(agency__in=agencies_for(user, Area.ACTIONS, Permission.EDIT)) | Q(owner=user)
    )


def due_soon(actions, today: date | None = None):
    """Open actions not yet overdue and due within the next 14 days, closure not yet asked for."""
    today = today or timezone.localdate()
    return actions.filter(
        closed_on__isnull=True, closure_requested_on__isnull=True, due_date__range=(today, today + AT_RISK_DUE_WITHIN)
    )


def overdue_actions(*, today: date):
    return (
        Action.objects.open()
        .filter(closure_requested_on__isnull=True, due_date__lt=today)
        .select_related("agency", "owner", "partnership")
    )


@dataclass(frozen=True)
class StatusCount:
    value: str  # what the register's status filter takes, so a count links to the actions it counts
    label: str
    count: int


def status_counts(actions) -> list[StatusCount]:
    """How many of ``actions`` (a ``with_status`` queryset) have each status, in the order statuses are listed."""
    # Counted here, not by GROUP BY: the status is computed from an aggregate, which SQL cannot group on.
    counts = Counter(actions.values_list("derived_status", flat=True))
    return [StatusCount(value, label, counts.get(value, 0)) for value, label in Status.choices]


def business_unit_emails(partnership: Partnership) -> list[str]:
    assignments = RoleAssignment.objects.filter(
        role=Role.PARTNERSHIP_ADMIN, ended_on__isnull=True, user__is_active=True, user__agency__partnership=partnership
    ).select_related("user")
    return sorted({a.user.email for a in assignments})


def answerable_emails(action: Action) -> list[str]:
    """Who is reminded about an action: its owner, or else its agency's safeguarding leads."""
    if action.owner_id and action.owner.is_active:
        return [action.owner.email]
    leads = RoleAssignment.objects.filter(
        role=Role.AGENCY_LEAD, agency=action.agency_id, ended_on__isnull=True, user__is_active=True
    ).select_related("user")
    return sorted({lead.user.email for lead in leads})


def actions_as_at(
    *, partnership: Partnership, day: date, priority=None, source_kind: str = ""
) -> list[tuple[Action, Status]]:
    """Every action that existed on ``day``, with its status as it stood then: updates, closure requests and
    closures dated later are left out, so closing an action afterwards never changes what the register showed on
    ``day`` (governance judges a year as at its last day). For ``priority`` or ``source_kind`` when given."""
    actions = Action.objects.filter(partnership=partnership, created_on__lte=day).select_related("agency", "priority")
    if priority is not None:
        actions = actions.filter(priority=priority)
    if source_kind:
        actions = actions.filter(source_kind=source_kind)
    actions = actions.annotate(last_update_then=Max("updates__date", filter=Q(updates__date__lte=day)))
    found = []
    for action in actions.order_by("due_date", "pk"):
        as_then = copy(action)
        as_then.closed_on = action.closed_on if action.closed_on and action.closed_on <= day else None
        requested = action.closure_requested_on
        as_then.closure_requested_on = requested if requested and requested <= day else None
        found.append((action, as_then.status_on(day, last_update_on=action.last_update_then)))
    return found
