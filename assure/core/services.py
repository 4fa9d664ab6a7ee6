"""People, roles and sign-in workflows: each a keyword-only function, in one transaction.

The rules are decisions.md section 1: who edits whom, privileged grants approved by a second
person, email changes confirmed from the new address, invitations, second-factor enrolment only
through an invitation or an admin's reset.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from .lockout import forget_failures
from .models import (
    Agency,
    EmailChange,
    Invitation,
    PrivilegedGrant,
    RoleAssignment,
    TwoFactorEnrolment,
    User,
    link_token_hash,
    new_link_token,
)
from .notify import notify
from .permissions import Action, Area, Role, can, scoped
from .selectors import has_second_factor, needs_approval, partnership_admins, people_editable_by, roles_grantable_by

BACKUP_CODE_COUNT = 10


def _date(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y at %-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def _in_reach(user, person: User) -> bool:
    return scoped(User.objects.filter(pk=person.pk), user).exists()


def _tell_about_address_in_use(*, address: str, holder: User, attempted_by) -> None:
    """Someone tried to use an address that belongs to a person outside their reach: tell the holder and the business unit."""
    notify(
        to=[holder],
        subject="Someone tried to use your email address in Assure",
        body=(
            f"{attempted_by.full_name} ({attempted_by.agency or 'no agency'}) tried to add your email address, {address}, "
            "to another person in Assure. Nothing was changed and you do not need to do anything.\n\n"
            "If you did not expect this, tell your partnership's business unit."
        ),
    )
    notify(
        to=partnership_admins(),
        subject="An email address already in use was entered in Assure",
        body=(
            f"{attempted_by.full_name} ({attempted_by.agency or 'no agency'}) tried to use {address}, which belongs to "
            f"{holder.full_name} ({holder.agency or 'no agency'}). Nothing was changed; they were not told the address "
            "is in use. Check whether this person has moved agency."
        ),
        path=holder.get_absolute_url(),
    )


# People and invitations


@dataclass(frozen=True)
class PersonAdded:
    """What the person who added someone is told: the same whether or not the address was already in use."""

    full_name: str
    email: str
    invited: bool
    practitioner: bool


def person_create(
    *,
    created_by,
    full_name: str,
    email: str,
    job_title: str,
    agency: Agency,
    can_sign_in: bool,
    practitioner: bool,
) -> PersonAdded:
    """Add a person; if they can sign in, email them an invitation to set their password.

    An address that already belongs to someone the creator cannot see is not disclosed: the creator
    sees the usual confirmation, and the holder and the business unit are told instead.
    """
    email = email.strip().lower()
    added = PersonAdded(full_name=full_name, email=email, invited=can_sign_in, practitioner=practitioner)
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            if _in_reach(created_by, existing):
                raise ValidationError({"email": f"{existing.full_name} already has this email address in Assure."})
            _tell_about_address_in_use(address=email, holder=existing, attempted_by=created_by)
            return added
        person = User(full_name=full_name, email=email, job_title=job_title, agency=agency, is_active=can_sign_in)
        person.set_unusable_password()
        person.full_clean()
        person.save()
        if practitioner:
            RoleAssignment.objects.create(user=person, role=Role.PRACTITIONER)
        if can_sign_in:
            invitation_send(person=person, sent_by=created_by)
    return added


def invitation_send(*, person: User, sent_by, now: datetime | None = None) -> Invitation:
    """Email ``person`` a single-use link to set their password, valid 7 days; earlier links stop working."""
    now = now or timezone.now()
    if not person.is_active:
        raise ValidationError(f"{person} cannot sign in. Change ‘Can sign in’ to yes first.")
    if person.has_usable_password():
        raise ValidationError(
            f"{person} has already set a password. If they have forgotten it, they can use ‘Forgotten your password?’."
        )
    token, token_hash = new_link_token()
    with transaction.atomic():
        person.invitations.filter(accepted_at__isnull=True, withdrawn_at__isnull=True).update(withdrawn_at=now)
        invitation = Invitation.objects.create(
            user=person, token_hash=token_hash, sent_by=sent_by, sent_at=now, expires_at=now + Invitation.VALID_FOR
        )
        notify(
            to=[person],
            subject="Set up your Assure account",
            body=(
                f"{sent_by.full_name if sent_by else 'Your partnership'} has added you to Assure, the safeguarding "
                f"children partnership's system.\n\nOpen the link below to choose your password. It works once, until "
                f"{_date(invitation.expires_at)}. If it has expired, ask {sent_by.full_name if sent_by else 'the business unit'} "
                "to send a new one."
            ),
            path=reverse("core:invitation", args=[token]),
        )
    return invitation


def invitation_for(token: str) -> Invitation:
    """The invitation a link stands for, if it can still be used; otherwise a ValidationError that says why."""
    invitation = Invitation.objects.select_related("user").filter(token_hash=link_token_hash(token)).first()
    if invitation is None or invitation.withdrawn_at is not None:
        raise ValidationError(
            "This invitation link does not work. Check you used the latest email; a new invitation replaces older ones."
        )
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used. Sign in with the password you chose.")
    if not invitation.is_usable():
        raise ValidationError("This invitation has expired. Ask the person who added you to send a new one.")
    if not invitation.user.is_active:
        raise ValidationError("This account cannot sign in. Ask your partnership's business unit.")
    return invitation


def invitation_accept(*, invitation: Invitation, password: str, now: datetime | None = None) -> User:
    """Set the invited person's password; they may then set up a second factor (for 7 days)."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable(now):
            raise ValidationError("This invitation has already been used or has expired.")
        person = invitation.user
        validate_password(password, person)
        person.set_password(password)
        person.save()
        invitation.accepted_at = now
        invitation.save()
        TwoFactorEnrolment.objects.create(
            user=person,
            reason=TwoFactorEnrolment.Reason.INVITATION,
            given_at=now,
            expires_at=now + TwoFactorEnrolment.VALID_FOR,
        )
    forget_failures(person.email)
    return person


# Email addresses


def email_change_request(*, person: User, new_email: str, requested_by, now: datetime | None = None) -> None:
    """Ask ``person``'s new address to confirm the change; the old address is told. Nothing changes until then.

    The person changes their own (from Account); a partnership admin anyone's. An address already
    used by someone outside the requester's reach is not disclosed (see ``person_create``).
    """
    now = now or timezone.now()
    new_email = new_email.strip().lower()
    if new_email == person.email.lower():
        raise ValidationError({"new_email": "That is already the email address. Enter the new address."})
    with transaction.atomic():
        existing = User.objects.filter(email__iexact=new_email).first()
        if existing is not None:
            if _in_reach(requested_by, existing):
                raise ValidationError({"new_email": f"{existing.full_name} already has this email address in Assure."})
            _tell_about_address_in_use(address=new_email, holder=existing, attempted_by=requested_by)
            return
        person.email_changes.filter(confirmed_at__isnull=True, withdrawn_at__isnull=True).update(withdrawn_at=now)
        token, token_hash = new_link_token()
        change = EmailChange.objects.create(
            user=person,
            new_email=new_email,
            token_hash=token_hash,
            requested_by=requested_by,
            requested_at=now,
            expires_at=now + EmailChange.VALID_FOR,
        )
        who = "You" if requested_by == person else f"{requested_by.full_name} (partnership admin)"
        notify(
            to=[new_email],
            subject="Confirm your new email address for Assure",
            body=(
                f"{who} asked to change the email address of {person.full_name}'s Assure account to this one.\n\n"
                f"Open the link below to confirm it. Until then the account keeps its old address. The link works "
                f"once, until {_date(change.expires_at)}. If you did not expect this, ignore this email."
            ),
            path=reverse("core:email-change-confirm", args=[token]),
        )
        notify(
            to=[person.email],
            subject="A change of email address was asked for your Assure account",
            body=(
                f"{who} asked to change the email address of your Assure account to {new_email}. It changes only "
                "when confirmed from that address, and then every session you have open is signed out.\n\n"
                "If you did not expect this, tell your partnership's business unit now."
            ),
        )


def email_change_for(token: str) -> EmailChange:
    change = EmailChange.objects.select_related("user").filter(token_hash=link_token_hash(token)).first()
    if change is None or change.withdrawn_at is not None:
        raise ValidationError(
            "This confirmation link does not work. Check you used the latest email; a newer request replaces older ones."
        )
    if change.confirmed_at is not None:
        raise ValidationError("This email address has already been confirmed. Sign in with it.")
    if not change.is_usable():
        raise ValidationError("This confirmation link has expired. Ask for the change again.")
    return change


def email_change_confirm(*, change: EmailChange, now: datetime | None = None) -> User:
    """Apply a confirmed change: the new address is used from now on, and every session and reset link ends."""
    now = now or timezone.now()
    with transaction.atomic():
        change = EmailChange.objects.select_for_update().select_related("user").get(pk=change.pk)
        if not change.is_usable(now):
            raise ValidationError("This confirmation link has already been used or has expired.")
        if User.objects.filter(email__iexact=change.new_email).exclude(pk=change.user_id).exists():
            raise ValidationError("This address is now used by someone else in Assure, so it cannot be confirmed.")
        person = change.user
        old_email = person.email
        person.email = change.new_email
        person.end_sessions(now=now)
        person.full_clean()
        person.save()
        change.confirmed_at = now
        change.save()
        notify(
            to=[old_email],
            subject="Your Assure email address has changed",
            body=(
                f"The email address of your Assure account is now {person.email}; this address is no longer used. "
                "Every session was signed out.\n\nIf you did not expect this, tell your partnership's business unit now."
            ),
        )
    return person


# Roles and privileged grants


def _check_may_change(person: User, by) -> None:
    if not people_editable_by(by).filter(pk=person.pk).exists():
        raise ValidationError(f"You cannot change {person}'s roles. Ask your partnership's business unit.")


def _check_role_free(person: User, role: str, agency: Agency | None) -> None:
    open_roles = person.role_assignments.filter(role=role, agency=agency, ended_on__isnull=True)
    if open_roles.exists():
        raise ValidationError(f"{person} already holds this role{f' for {agency}' if agency else ''}.")


def role_give(
    *,
    person: User,
    given_by,
    role: str,
    agency: Agency | None = None,
    delegate_for: User | None = None,
    started_on: date | None = None,
) -> RoleAssignment:
    """Give a role that needs no approval (Practitioner, independent scrutineer)."""
    if needs_approval(role):
        raise ValidationError(f"{Role(role).label} needs a second person's approval: ask for it instead.")
    if role not in roles_grantable_by(given_by):
        raise ValidationError(f"You cannot give the role {Role(role).label}.")
    with transaction.atomic():
        _check_may_change(person, given_by)
        _check_role_free(person, role, agency)
        assignment = RoleAssignment(
            user=person,
            role=role,
            agency=agency,
            delegate_for=delegate_for,
            started_on=started_on or timezone.localdate(),
        )
        assignment.full_clean()
        assignment.save()
    return assignment


def grant_request(
    *,
    person: User,
    requested_by,
    role: str,
    agency: Agency | None = None,
    delegate_for: User | None = None,
    started_on: date | None = None,
    now: datetime | None = None,
) -> PrivilegedGrant:
    """Ask for ``person`` to be given a role that needs a second factor; it waits for another person's approval."""
    now = now or timezone.now()
    if person == requested_by:
        raise ValidationError("You cannot ask for a role for yourself. Ask another partnership admin.")
    if not needs_approval(role):
        raise ValidationError(f"{Role(role).label} does not need approval: give it directly.")
    if role not in roles_grantable_by(requested_by):
        raise ValidationError(f"You cannot ask for the role {Role(role).label}.")
    with transaction.atomic():
        _check_may_change(person, requested_by)
        _check_role_free(person, role, agency)
        if PrivilegedGrant.objects.pending(now).filter(user=person, role=role, agency=agency).exists():
            raise ValidationError(f"{person} already has a request for this role waiting for approval.")
        grant = PrivilegedGrant(
            user=person,
            role=role,
            agency=agency,
            delegate_for=delegate_for,
            started_on=started_on or timezone.localdate(),
            requested_by=requested_by,
            requested_at=now,
        )
        grant.full_clean()
        grant.save()
        notify(
            to=[person],
            subject="You have been put forward for a new role in Assure",
            body=(
                f"{requested_by.full_name} asked for you to be given the role {grant}. It needs the approval of "
                f"another partnership admin or a lead safeguarding partner, and lapses if nobody approves it by "
                f"{_date(grant.lapses_at)}. You will be told when it is decided."
            ),
        )
        notify(
            to=partnership_admins().exclude(pk=person.pk),
            subject="A role is waiting for approval",
            body=(
                f"{requested_by.full_name} asked for {person.full_name} to be given the role {Role(role).label}. "
                f"Another partnership admin or a lead safeguarding partner must approve it by {_date(grant.lapses_at)}."
            ),
            path=grant.get_absolute_url(),
        )
    return grant


def _check_may_decide(grant: PrivilegedGrant, by, now: datetime) -> None:
    if not can(by, Area.PEOPLE, Action.APPROVE):
        raise ValidationError("Only a partnership admin or a lead safeguarding partner can decide a role request.")
    if by == grant.requested_by:
        raise ValidationError(
            "You asked for this role, so someone else must decide it: another partnership admin or a lead partner."
        )
    if by == grant.user:
        raise ValidationError("This role is for you, so someone else must decide it.")
    status = grant.status(now)
    if status != PrivilegedGrant.Status.PENDING:
        raise ValidationError(f"This request can no longer be decided: it is {status.label.lower()}.")


def _tell_about_decision(grant: PrivilegedGrant, decision: str, by) -> None:
    notify(
        to=[grant.user],
        subject=f"Your new role in Assure was {decision}",
        body=f"{by.full_name} {decision} the request for you to have the role {grant}.",
    )
    notify(
        to=partnership_admins().exclude(pk=grant.user_id),
        subject=f"A role request was {decision}",
        body=f"{by.full_name} {decision} the request, made by {grant.requested_by.full_name}, for {grant}.",
        path=grant.get_absolute_url(),
    )


def grant_approve(*, grant: PrivilegedGrant, approved_by, now: datetime | None = None) -> RoleAssignment:
    """Approve a pending grant: the role is in force from its start date (today, if that has passed)."""
    now = now or timezone.now()
    with transaction.atomic():
        grant = PrivilegedGrant.objects.select_for_update().select_related("user", "requested_by").get(pk=grant.pk)
        _check_may_decide(grant, approved_by, now)
        _check_role_free(grant.user, grant.role, grant.agency)
        assignment = RoleAssignment(
            user=grant.user,
            role=grant.role,
            agency=grant.agency,
            delegate_for=grant.delegate_for,
            started_on=max(grant.started_on, timezone.localdate(now)),
        )
        assignment.full_clean()
        assignment.save()
        grant.approved_by, grant.approved_at, grant.assignment = approved_by, now, assignment
        grant.save()
        if not has_second_factor(grant.user):
            TwoFactorEnrolment.objects.create(
                user=grant.user,
                reason=TwoFactorEnrolment.Reason.GRANT,
                given_by=approved_by,
                given_at=now,
                expires_at=now + TwoFactorEnrolment.VALID_FOR,
            )
        _tell_about_decision(grant, "approved", approved_by)
    return assignment


def grant_refuse(*, grant: PrivilegedGrant, refused_by, now: datetime | None = None) -> PrivilegedGrant:
    now = now or timezone.now()
    with transaction.atomic():
        grant = PrivilegedGrant.objects.select_for_update().select_related("user", "requested_by").get(pk=grant.pk)
        _check_may_decide(grant, refused_by, now)
        grant.refused_by, grant.refused_at = refused_by, now
        grant.save()
        _tell_about_decision(grant, "refused", refused_by)
    return grant


def role_end(*, assignment: RoleAssignment, ended_by, today: date | None = None) -> RoleAssignment:
    """End a role today: it gives no access from the next request. An agency lead ends only Practitioner roles."""
    today = today or timezone.localdate()
    with transaction.atomic():
        assignment = RoleAssignment.objects.select_for_update().select_related("user").get(pk=assignment.pk)
        _check_may_change(assignment.user, ended_by)
        if assignment.role not in roles_grantable_by(ended_by):
            raise ValidationError(f"You cannot end the role {assignment}.")
        if assignment.ended_on is not None and assignment.ended_on <= today:
            raise ValidationError(f"The role {assignment} has already ended.")
        assignment.ended_on = max(today, assignment.started_on)
        assignment.save()
    return assignment


# Second factor


def two_factor_reset(*, person: User, reset_by, now: datetime | None = None) -> TwoFactorEnrolment:
    """A lost device: remove the person's second factor, sign them out everywhere, and let them set up a new one.

    Recorded in the audit trail (the set-up permission it gives, and who gave it) and told to the person.
    """
    now = now or timezone.now()
    if person == reset_by:
        raise ValidationError("You cannot reset your own two-factor sign-in. Ask another partnership admin.")
    with transaction.atomic():
        _check_may_change(person, reset_by)
        for device in devices_for_user(person, confirmed=None):
            device.delete()
        person.end_sessions(now=now)
        person.save()
        enrolment = TwoFactorEnrolment.objects.create(
            user=person,
            reason=TwoFactorEnrolment.Reason.RESET,
            given_by=reset_by,
            given_at=now,
            expires_at=now + TwoFactorEnrolment.VALID_FOR,
        )
        notify(
            to=[person],
            subject="Your two-factor sign-in for Assure was reset",
            body=(
                f"{reset_by.full_name} reset your two-factor sign-in, so your old authenticator app and backup codes no "
                f"longer work and you were signed out. Next time you sign in, before {_date(enrolment.expires_at)}, you "
                "will set up an authenticator app again.\n\nIf you did not ask for this, tell your partnership's "
                "business unit now."
            ),
        )
    return enrolment


def two_factor_enrol(*, user: User, device, now: datetime | None = None) -> list[str]:
    """Confirm a newly set-up authenticator and return fresh backup codes (shown once, each usable once)."""
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = (
            user.two_factor_enrolments.select_for_update()
            .filter(used_at__isnull=True, expires_at__gt=now)
            .order_by("-given_at")
            .first()
        )
        if enrolment is None:
            raise ValidationError("You can set up two-factor sign-in only from an invitation or after a reset.")
        device.confirmed = True
        device.save()
        enrolment.used_at = now
        enrolment.save()
        return backup_codes_replace(user=user)


def backup_codes_replace(*, user: User) -> list[str]:
    """New backup codes for ``user``; the earlier ones stop working."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes", defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
