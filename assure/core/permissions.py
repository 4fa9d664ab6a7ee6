"""Who may do what, where: the one permission check.

Permissions have two axes. *What*: an action (view, edit, export, approve, view
history) on an area of the product. *Where*: the scope of records it reaches (the
person's own records, their agency's, or the whole partnership). A role grants a scope
per area and action; a person's scope is the widest their roles give.

A record outside a person's scope does not exist for them: lookups raise 404, never
403, so nobody can learn that another agency's record is there. A person with no scope
at all for an area gets 403 on its pages.
"""

from dataclasses import dataclass
from enum import IntEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404


class Role(models.TextChoices):
    PARTNERSHIP_ADMIN = "partnership_admin", "Partnership admin (business unit)"
    ANALYST = "analyst", "Performance analyst"
    AGENCY_LEAD = "agency_lead", "Agency safeguarding lead"
    LADO = "lado", "LADO (designated officer)"
    REVIEW_PANEL = "review_panel", "Review panel member"
    LEAD_PARTNER = "lead_partner", "Lead safeguarding partner"
    SCRUTINEER = "scrutineer", "Independent scrutineer"
    PRACTITIONER = "practitioner", "Practitioner"


# Roles that see sensitive records, manage people, approve or sign off sign in with a second factor.
TWO_FACTOR_ROLES = frozenset(
    {Role.PARTNERSHIP_ADMIN, Role.ANALYST, Role.LADO, Role.REVIEW_PANEL, Role.LEAD_PARTNER, Role.AGENCY_LEAD}
)


class Action(models.TextChoices):
    VIEW = "view", "View"
    EDIT = "edit", "Create and edit"
    EXPORT = "export", "Export"
    APPROVE = "approve", "Approve"
    VIEW_HISTORY = "view_history", "View history"


class Scope(IntEnum):
    NONE = 0
    OWN = 1
    AGENCY = 2
    PARTNERSHIP = 3


class Area(models.TextChoices):
    PARTNERSHIP = "partnership", "Partnership, agencies and priorities"
    PEOPLE = "people", "People and roles"
    AUDIT_TRAIL = "audit_trail", "Audit trail and access log"
    CHILD_LEVEL = "child_level", "Child-level data"
    PERFORMANCE = "performance", "Performance dashboards"
    AGENCY_RETURNS = "agency_returns", "Quarterly returns"
    TRAINING = "training", "Training"
    AUDITS = "audits", "Audits and inspections"
    ACTIONS = "actions", "Action register"
    LADO = "lado", "Allegations (LADO)"
    LADO_FIGURES = "lado_figures", "LADO figures"
    REVIEWS = "reviews", "Case reviews"
    REVIEW_FIGURES = "review_figures", "Review figures"
    GOVERNANCE = "governance", "Governance"
    REPORTS = "reports", "Annual report"


# Areas whose records exist only for the people inside them: outside, every page of the area is a
# 404, and core's shared pages (audit trail, history, access log, search, home, navigation) show
# nothing of them. Their aggregate figures are separate areas, read through the area's own selectors.
COMPARTMENTS = frozenset({Area.LADO, Area.REVIEWS})

ALL_ACTIONS = tuple(Action)
READ = (Action.VIEW,)
READ_EXPORT = (Action.VIEW, Action.EXPORT)


def _grant(scope: Scope, actions, *areas) -> dict:
    return {(area, action): scope for area in areas for action in actions}


_FIGURES = {Area.LADO_FIGURES, Area.REVIEW_FIGURES}

_PUBLISHED_AREAS = (
    Area.PARTNERSHIP,
    Area.PERFORMANCE,
    Area.TRAINING,
    Area.AUDITS,
    Area.ACTIONS,
    Area.GOVERNANCE,
    Area.REPORTS,
)

GRANTS: dict[Role, dict[tuple[Area, Action], Scope]] = {
    Role.PARTNERSHIP_ADMIN: {
        **_grant(
            Scope.PARTNERSHIP, ALL_ACTIONS, *(a for a in Area if a not in COMPARTMENTS | _FIGURES | {Area.CHILD_LEVEL})
        ),
        **_grant(Scope.PARTNERSHIP, READ_EXPORT, *_FIGURES),
    },
    Role.ANALYST: {
        **_grant(Scope.PARTNERSHIP, ALL_ACTIONS, Area.CHILD_LEVEL, Area.PERFORMANCE, Area.AGENCY_RETURNS),
        **_grant(
            Scope.PARTNERSHIP, READ_EXPORT, Area.PARTNERSHIP, Area.TRAINING, Area.AUDITS, Area.ACTIONS, Area.REPORTS
        ),
    },
    Role.AGENCY_LEAD: {
        **_grant(Scope.PARTNERSHIP, READ, Area.PARTNERSHIP, Area.PERFORMANCE, Area.REPORTS),
        **_grant(
            Scope.AGENCY,
            (Action.VIEW, Action.EDIT, Action.EXPORT),
            Area.AGENCY_RETURNS,
            Area.TRAINING,
            Area.AUDITS,
            Area.ACTIONS,
            Area.PEOPLE,
        ),
    },
    Role.LADO: {
        **_grant(Scope.PARTNERSHIP, ALL_ACTIONS, Area.LADO, Area.LADO_FIGURES),
        **_grant(Scope.PARTNERSHIP, READ, Area.PARTNERSHIP, Area.REPORTS),
        **_grant(Scope.OWN, (Action.VIEW, Action.EDIT), Area.ACTIONS),
    },
    Role.REVIEW_PANEL: {
        **_grant(Scope.PARTNERSHIP, (Action.VIEW, Action.EDIT, Action.EXPORT, Action.VIEW_HISTORY), Area.REVIEWS),
        **_grant(Scope.PARTNERSHIP, ALL_ACTIONS, Area.REVIEW_FIGURES),
        **_grant(Scope.PARTNERSHIP, READ, Area.PARTNERSHIP, Area.ACTIONS, Area.REPORTS),
    },
    Role.LEAD_PARTNER: {
        **_grant(Scope.PARTNERSHIP, READ_EXPORT, *_PUBLISHED_AREAS, Area.LADO_FIGURES, Area.REVIEW_FIGURES),
        **_grant(Scope.PARTNERSHIP, (Action.APPROVE,), Area.GOVERNANCE, Area.REPORTS),
    },
    Role.SCRUTINEER: _grant(Scope.PARTNERSHIP, READ_EXPORT, *_PUBLISHED_AREAS, Area.LADO_FIGURES, Area.REVIEW_FIGURES),
    Role.PRACTITIONER: {
        **_grant(Scope.PARTNERSHIP, READ, Area.PARTNERSHIP),
        **_grant(Scope.OWN, (Action.VIEW, Action.EDIT), Area.TRAINING),
    },
}


@dataclass(frozen=True)
class Reach:
    """How far one person's permission for one area and action reaches."""

    scope: Scope
    agency_ids: frozenset[int]

    def __bool__(self) -> bool:
        return self.scope > Scope.NONE


def reach(user, area: Area, action: Action) -> Reach:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Reach(Scope.NONE, frozenset())
    scope, agency_ids = Scope.NONE, set()
    for assignment in user.active_role_assignments():
        granted = GRANTS[Role(assignment.role)].get((area, action), Scope.NONE)
        scope = max(scope, granted)
        if granted == Scope.AGENCY:
            agency_ids.add(assignment.agency_id)
    return Reach(scope, frozenset(agency_ids))


def can(user, area: Area, action: Action) -> bool:
    return bool(reach(user, area, action))


def scoped(queryset: models.QuerySet, user, action: Action = Action.VIEW) -> models.QuerySet:
    """The records of ``queryset`` that ``user`` may act on.

    Models declare ``permission_area``, and where their records belong to an agency or a
    person, ``agency_path`` and ``owner_path`` (ORM lookups to an Agency and to a User).
    """
    model = queryset.model
    granted = reach(user, model.permission_area, action)
    if granted.scope == Scope.PARTNERSHIP:
        return queryset
    condition = Q(pk__in=[])
    agency_path = getattr(model, "agency_path", None)
    owner_path = getattr(model, "owner_path", None)
    if granted.scope >= Scope.AGENCY and agency_path:
        condition |= Q(**{f"{agency_path}__in": granted.agency_ids})
    if granted.scope >= Scope.OWN and owner_path:
        condition |= Q(**{owner_path: user.pk})
    return queryset.filter(condition).distinct() if granted else queryset.none()


def get_scoped_object_or_404(queryset: models.QuerySet, user, action: Action = Action.VIEW, **lookup):
    try:
        return scoped(queryset, user, action).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from None


def require(user, area: Area, action: Action) -> Reach:
    granted = reach(user, area, action)
    if not granted:
        raise PermissionDenied(
            f"Your roles do not allow you to {Action(action).label.lower()} {Area(area).label.lower()}."
        )
    return granted


def permission_required(area: Area, action: Action = Action.VIEW):
    """View decorator: 403 unless the signed-in person has some reach for ``area`` and ``action``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, area, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
