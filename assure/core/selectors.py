"""Reads about people and roles that several views and apps share."""

from django.db.models import QuerySet
from django.utils import timezone
from django_otp import devices_for_user

from .models import Agency, PrivilegedGrant, RoleAssignment, TwoFactorEnrolment, User
from .permissions import TWO_FACTOR_ROLES, Action, Area, Role, can, scoped


def holders_of(role: Role, *, agency: Agency | None = None) -> QuerySet[User]:
    """People who can sign in and hold ``role`` today (for ``agency``, when given)."""
    assignments = RoleAssignment.objects.active_on(timezone.localdate()).filter(role=role)
    if agency is not None:
        assignments = assignments.filter(agency=agency)
    return User.objects.filter(is_active=True, pk__in=assignments.values("user"))


def partnership_admins() -> QuerySet[User]:
    """The business unit: everyone told about grants, attacks on accounts and addresses already in use."""
    return holders_of(Role.PARTNERSHIP_ADMIN)


def people_of_agency(agency: Agency) -> QuerySet[User]:
    """The people of ``agency`` who can sign in, by name: the people a form may offer to pick from."""
    return User.objects.filter(agency=agency, is_active=True).order_by("full_name")


def people_editable_by(user) -> QuerySet[User]:
    """The people ``user`` may change (details, sign-in, roles, second factor).

    Whoever may approve privileged grants (the business unit) changes anyone in their reach. Anyone
    else (an agency lead) only people whose every role, held, pending or held before, is Practitioner,
    so nobody outside the business unit can take over a privileged account through its email address.
    """
    people = scoped(User.objects.all(), user, Action.EDIT)
    if can(user, Area.PEOPLE, Action.APPROVE):
        return people
    others = RoleAssignment.objects.exclude(role=Role.PRACTITIONER).values("user")
    return people.exclude(pk__in=others).exclude(pk__in=PrivilegedGrant.objects.pending().values("user"))


def may_change_email_of(user, person: User) -> bool:
    """Whether ``user`` may change ``person``'s address for them: a partnership admin. Everyone changes their own
    from Account, where their password is asked for."""
    return (
        person != user
        and can(user, Area.PEOPLE, Action.APPROVE)
        and people_editable_by(user).filter(pk=person.pk).exists()
    )


def roles_grantable_by(user) -> list[Role]:
    """The roles ``user`` may give (privileged ones as requests for approval): an agency lead gives Practitioner only."""
    if can(user, Area.PEOPLE, Action.APPROVE) and can(user, Area.PEOPLE, Action.EDIT):
        return list(Role)
    if can(user, Area.PEOPLE, Action.EDIT):
        return [Role.PRACTITIONER]
    return []


def needs_approval(role: str) -> bool:
    return role in TWO_FACTOR_ROLES


def grants_waiting_for(user) -> QuerySet[PrivilegedGrant]:
    """Pending grants ``user`` may decide: none they asked for or would receive themselves."""
    if not can(user, Area.PEOPLE, Action.APPROVE):
        return PrivilegedGrant.objects.none()
    return (
        PrivilegedGrant.objects.pending()
        .exclude(requested_by=user)
        .exclude(user=user)
        .select_related("user", "agency", "requested_by")
    )


def has_second_factor(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def usable_enrolment(user) -> TwoFactorEnrolment | None:
    """The permission ``user`` has now to set up a second factor, if any."""
    now = timezone.now()
    return user.two_factor_enrolments.filter(used_at__isnull=True, expires_at__gt=now).order_by("-given_at").first()
