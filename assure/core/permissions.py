"""Who may do what, where: the one permission check, and the one vocabulary views use.

Permissions have two axes. *What*: an action (view, edit, export, approve, view
history) on an area of the product. *Where*: the scope of records it reaches (the
person's own records, their agency's, or the whole partnership). A role grants a scope
per area and action; a person's scope is the widest their roles give. ``GRANTS`` is that
table, and every check reads it.

A record outside a person's scope does not exist for them: lookups raise 404, never
403, so nobody can learn that another agency's record is there. A person with no scope
at all for an area gets 403 on its pages, except in a compartment (LADO, reviews), whose
pages do not exist for anyone outside it (404). A per-record grant (a share) lets one
person read one record until the end of a day, and nothing more.

Views ask in these words only, never by comparing scopes: ``can``, ``is_partnership_wide``,
``acts_for_agencies``, ``agencies_for``, ``may``, ``scoped``, ``get_scoped_object_or_404``,
``require`` and ``@permission_required``. Refusals are worded here, in ``refusal``.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from enum import IntEnum
from functools import wraps

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import CharField, Q
from django.db.models.functions import Cast
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
        # Governance, narrowly: the challenges addressed to their own agency, which they may answer.
        **_grant(Scope.AGENCY, (Action.VIEW, Action.EDIT), Area.GOVERNANCE),
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
        # The panel recommends; the lead partners decide on rapid reviews and referrals, and sign reviews off.
        **_grant(Scope.PARTNERSHIP, (Action.VIEW, Action.APPROVE), Area.REVIEWS),
        # Approving people's privileged grants is the second pair of eyes the business unit does not have alone.
        **_grant(Scope.PARTNERSHIP, (Action.APPROVE,), Area.GOVERNANCE, Area.REPORTS, Area.PEOPLE),
        # Challenges between partners: raising them, and answering those addressed to the partner they head.
        **_grant(Scope.AGENCY, (Action.EDIT,), Area.GOVERNANCE),
    },
    Role.SCRUTINEER: {
        **_grant(Scope.PARTNERSHIP, READ_EXPORT, *_PUBLISHED_AREAS, Area.LADO_FIGURES, Area.REVIEW_FIGURES),
        # Independent scrutiny is recorded, never approved: their own challenges and annual assessments only.
        **_grant(Scope.OWN, (Action.EDIT,), Area.GOVERNANCE),
    },
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
    if not _signed_in(user):
        return Reach(Scope.NONE, frozenset())
    scope, agency_ids = Scope.NONE, set()
    for assignment in user.active_role_assignments():
        granted = GRANTS[Role(assignment.role)].get((area, action), Scope.NONE)
        scope = max(scope, granted)
        if granted == Scope.AGENCY:
            agency_ids.add(assignment.agency_id)
    return Reach(scope, frozenset(agency_ids))


def can(user, area: Area, action: Action) -> bool:
    """Whether the person may do ``action`` to any records of ``area`` at all (their own, at least)."""
    return bool(reach(user, area, action))


def is_partnership_wide(user, area: Area, action: Action) -> bool:
    """Whether the person may do ``action`` to every agency's records of ``area`` (the business unit, an analyst…)."""
    return reach(user, area, action).scope == Scope.PARTNERSHIP


def acts_for_agencies(user, area: Area, action: Action) -> bool:
    """Whether the person acts for at least one whole agency (an agency's lead) or the whole partnership in
    ``area``, rather than for their own records only."""
    return reach(user, area, action).scope >= Scope.AGENCY


def leads_agencies_only(user, area: Area, action: Action) -> bool:
    """Whether the person acts for whole agencies (an agency's lead) but not for the whole partnership."""
    return reach(user, area, action).scope == Scope.AGENCY


def own_records_only(user, area: Area, action: Action) -> bool:
    """Whether the person may act in ``area``, but only on their own records (a practitioner's bookings)."""
    return reach(user, area, action).scope == Scope.OWN


def reaches(user, area: Area, action: Action, scope: Scope) -> bool:
    """Whether the person's reach for ``action`` in ``area`` extends at least to ``scope``."""
    granted = reach(user, area, action)
    return bool(granted) and granted.scope >= scope


def agencies_for(user, area: Area, action: Action) -> models.QuerySet:
    """The agencies this person may do ``action`` for in ``area``: every agency for the business unit, an agency
    lead's own agencies, none for a person who acts for their own records only."""
    agency = apps.get_model("core", "Agency")
    granted = reach(user, area, action)
    if granted.scope == Scope.PARTNERSHIP:
        return agency.objects.all()
    return agency.objects.filter(pk__in=granted.agency_ids)


def get_agency_or_404(user, area: Area, action: Action, pk):
    """The agency ``pk`` if this person may do ``action`` for it in ``area``; otherwise a 404, logged as refused."""
    agency = agencies_for(user, area, action).filter(pk=pk).first()
    if agency is None:
        raise OutOfReach("No agency matches the given query.", record_type="core.Agency", object_id=pk)
    return agency


def may(user, action: Action, record) -> bool:
    """Whether the person may do ``action`` to this one record (a share counts for viewing only)."""
    model = type(record)
    if is_partnership_wide(user, model.permission_area, action):
        return True
    return scoped(model._base_manager.filter(pk=record.pk), user, action).exists()


# Refusals ---------------------------------------------------------------------------------------------------------

_VERBS = {
    Action.VIEW: "see",
    Action.EDIT: "change",
    Action.EXPORT: "download",
    Action.APPROVE: "approve",
    Action.VIEW_HISTORY: "see the history of",
}


def _in_sentence(label: str) -> str:
    # "Training" reads "training" mid-sentence; "LADO figures" keeps its capitals.
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def refusal(area: Area, action: Action, *, needs: Scope = Scope.OWN, holds: Scope = Scope.NONE) -> PermissionDenied:
    """The one wording of a refusal: what the page needs, and how far the person's roles reach."""
    doing = f"{_VERBS[Action(action)]} {_in_sentence(Area(area).label)}"
    if holds == Scope.NONE:
        return PermissionDenied(f"Your roles do not let you {doing}.")
    yours = "your own agency" if holds == Scope.AGENCY else "your own records"
    if needs == Scope.PARTNERSHIP:
        return PermissionDenied(f"This page covers every agency. Your roles let you {doing} for {yours} only.")
    return PermissionDenied(
        f"Only an agency's safeguarding lead or the business unit can do this. Your roles let you {doing} for {yours} only."
    )


class OutOfReach(Http404):
    """A record, or a compartment's page, that does not exist for this person: a 404, logged as a refused attempt."""

    def __init__(self, message: str = "", *, record_type: str = "", object_id="") -> None:
        super().__init__(message or "No such page.")
        self.record_type = record_type
        self.object_id = str(object_id)


def require(user, area: Area, action: Action, *, scope: Scope = Scope.OWN) -> Reach:
    """Refuse unless the person may do ``action`` in ``area`` reaching at least ``scope`` (their own records by
    default; ``Scope.AGENCY`` for an agency's lead; ``Scope.PARTNERSHIP`` for pages that cover every agency)."""
    granted = reach(user, area, action)
    if granted and granted.scope >= scope:
        return granted
    if area in COMPARTMENTS and not can(user, area, Action.VIEW):
        raise OutOfReach()
    raise refusal(area, action, needs=scope, holds=granted.scope)


# The permission matrix's rows: what each page needs ----------------------------------------------------------------


@dataclass(frozen=True)
class PermissionRow:
    """What one page needs: its row of the permission matrix, recorded on the view.

    ``area`` None means no area: any signed-in person may open the page, or, with ``of_record``, the area is that of
    the record the page's URL names (record history). ``open_to_grantees``: a person with a share of one of the
    area's records may open the page, which then shows them that record only.
    """

    area: Area | None
    action: Action = Action.VIEW
    scope: Scope = Scope.OWN
    open_to_grantees: bool = False
    of_record: bool = False


def permission_row(view) -> PermissionRow | None:
    return getattr(view, "permission_row", None)


def require_row(user, row: PermissionRow) -> None:
    """Refuse unless ``user`` may open a page with this row of the permission matrix (a share of one of the area's
    records opens the pages marked ``open_to_grantees``)."""
    if not (row.open_to_grantees and row.action == Action.VIEW and _has_shares_in(user, row.area)):
        require(user, row.area, row.action, scope=row.scope)


def permission_required(
    area: Area, action: Action = Action.VIEW, *, scope: Scope = Scope.OWN, open_to_grantees: bool = False
):
    """View decorator: refuse unless the signed-in person may do ``action`` in ``area``, reaching at least ``scope``.

    Outside a compartment the refusal is a 403; a compartment's pages answer 404 to everyone outside it.
    ``open_to_grantees`` opens a record's page to people with a share of one of the area's records (for viewing).
    """
    row = PermissionRow(area, action, scope, open_to_grantees=open_to_grantees)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require_row(request.user, row)
            return view(request, *args, **kwargs)

        wrapped.permission_row = row
        return wrapped

    return decorator


def open_to_everyone_signed_in(view):
    """Mark a page any signed-in person may open (home, their own account): its row needs no area."""
    view.permission_row = PermissionRow(None)
    return view


def permission_of_record(action: Action):
    """Mark a page whose area is that of the record its URL names; the view looks the record up with
    ``get_scoped_object_or_404`` and ``action``, so a record out of reach is a 404."""

    def decorator(view):
        view.permission_row = PermissionRow(None, action, of_record=True)
        return view

    return decorator


# Scoped reads -----------------------------------------------------------------------------------------------------


def scoped(queryset: models.QuerySet, user, action: Action = Action.VIEW) -> models.QuerySet:
    """The records of ``queryset`` that ``user`` may act on (for viewing, with the records shared with them).

    Models declare ``permission_area``, and where their records belong to an agency or a
    person, ``agency_path`` and ``owner_path`` (ORM lookups to an Agency and to a User).
    """
    return _scoped(queryset, user, action, shared=action == Action.VIEW)


def _scoped(queryset: models.QuerySet, user, action: Action, *, shared: bool) -> models.QuerySet:
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
    if shared and _signed_in(user):
        condition |= Q(pk__in=_shared_with(user, model))
    elif not granted:
        return queryset.none()
    return queryset.filter(condition).distinct()


def get_scoped_object_or_404(queryset: models.QuerySet, user, action: Action = Action.VIEW, **lookup):
    """The one record of ``queryset`` matching ``lookup`` that ``user`` may act on, or a 404 (logged as refused).

    A page showing a model with ``access_logged = True`` is written to the access log, and so is every view of a
    record through a share.
    """
    model = queryset.model
    try:
        record = _scoped(queryset, user, action, shared=False).get(**lookup)
    except model.DoesNotExist:
        record = _shared_record(queryset, user, action, lookup)
        if record is None:
            raise OutOfReach(
                f"No {model._meta.verbose_name} matches the given query.",
                record_type=model._meta.label,
                object_id=lookup.get("pk", lookup.get("id", "")),
            ) from None
        _note_viewed(record, shared=True)
        return record
    if getattr(model, "access_logged", False):
        _note_viewed(record, shared=False)
    return record


# Per-record grants (shares) ---------------------------------------------------------------------------------------


def _signed_in(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def _shared_with(user, model) -> models.QuerySet:
    """The ids of ``model``'s records shared with ``user`` today, as a subquery: read afresh on every use, so a
    revoked or lapsed share stops working at once."""
    record_grant = apps.get_model("core", "RecordGrant")
    return record_grant.objects.active().filter(grantee=user, record_type=model._meta.label).values("object_id")


def _has_shares_in(user, area: Area) -> bool:
    if not _signed_in(user):
        return False
    record_grant = apps.get_model("core", "RecordGrant")
    labels = [model._meta.label for model in _models_of(area)]
    return record_grant.objects.active().filter(grantee=user, record_type__in=labels).exists()


def _shared_record(queryset, user, action: Action, lookup: dict):
    if action != Action.VIEW or not _signed_in(user):
        return None
    return queryset.filter(pk__in=_shared_with(user, queryset.model)).filter(**lookup).first()


# Compartments -----------------------------------------------------------------------------------------------------


def _models_of(area: Area) -> list[type]:
    return [model for model in apps.get_models() if getattr(model, "permission_area", None) == area]


def compartment_models() -> list[type]:
    """Every model whose records live in a compartment."""
    return [model for model in apps.get_models() if getattr(model, "permission_area", None) in COMPARTMENTS]


def compartment_of(record) -> Area | None:
    """The compartment a record belongs to, if any: its own area's, or, for a share, the shared record's."""
    model = type(record)
    if model.permission_area in COMPARTMENTS:
        return model.permission_area
    if model._meta.label == "core.RecordGrant":
        shared_model = apps.get_model(record.record_type)
        return shared_model.permission_area if shared_model.permission_area in COMPARTMENTS else None
    return None


def hidden_record_types(user) -> frozenset[str]:
    """The record types (``app.Model`` labels) of the compartments this person is outside."""
    return frozenset(
        model._meta.label for model in compartment_models() if not can(user, model.permission_area, Action.VIEW)
    )


def outside_compartments(entries: models.QuerySet, user) -> models.QuerySet:
    """Audit-trail or access-log entries without those about records of compartments the person is outside:
    neither the records themselves nor the shares of them."""
    hidden = hidden_record_types(user)
    if not hidden:
        return entries
    record_grant = apps.get_model("core", "RecordGrant")
    shares_of_hidden = (
        record_grant._base_manager.filter(record_type__in=hidden)
        .annotate(id_text=Cast("pk", CharField()))
        .values("id_text")
    )
    return entries.exclude(record_type__in=hidden).exclude(
        record_type=record_grant._meta.label, object_id__in=shares_of_hidden
    )


def inside_compartment_of(user, record) -> bool:
    area = compartment_of(record)
    return area is None or can(user, area, Action.VIEW)


# Records viewed while serving a request, for the access log (core.access writes them once the page is sent) --------

_viewed: contextvars.ContextVar[list | None] = contextvars.ContextVar("assure_records_viewed", default=None)


@contextmanager
def noting_records_viewed():
    """Collect the records scoped lookups open while the block runs: (record, through a share) pairs."""
    viewed: list = []
    token = _viewed.set(viewed)
    try:
        yield viewed
    finally:
        _viewed.reset(token)


def _note_viewed(record, *, shared: bool) -> None:
    viewed = _viewed.get()
    if viewed is not None:
        viewed.append((record, shared))
