from django.urls import reverse
from django.utils import timezone

from assure.core.models import EmailChange, Invitation, PrivilegedGrant, RoleAssignment, TwoFactorEnrolment, User
from assure.core.permissions import Role
from assure.core.services import email_change_request, invitation_send
from tests.agency_scoped import register

register(
    User,
    make=lambda agency, make_person: make_person(Role.PRACTITIONER, agency),
    urls=lambda person: [
        reverse("core:person-detail", args=[person.pk]),
        reverse("core:person-edit", args=[person.pk]),
    ],
)
register(
    RoleAssignment,
    make=lambda agency, make_person: make_person(Role.PRACTITIONER, agency).role_assignments.get(),
    urls=lambda assignment: [reverse("core:person-detail", args=[assignment.user_id])],
)


def _person_page(record):
    return [reverse("core:person-detail", args=[record.user_id])]


def _requested_grant(agency, make_person):
    return PrivilegedGrant.objects.create(
        user=make_person(Role.PRACTITIONER, agency),
        role=Role.ANALYST,
        requested_by=make_person(Role.PARTNERSHIP_ADMIN, agency),
    )


def _invitation(agency, make_person):
    person = make_person(None, agency)
    person.set_unusable_password()
    person.save()
    return invitation_send(person=person, sent_by=None)


def _email_change(agency, make_person):
    person = make_person(Role.PRACTITIONER, agency)
    email_change_request(person=person, new_email=f"new.{person.pk}@test.example", requested_by=person)
    return person.email_changes.get()


def _two_factor_enrolment(agency, make_person):
    return TwoFactorEnrolment.objects.create(
        user=make_person(Role.PRACTITIONER, agency),
        reason=TwoFactorEnrolment.Reason.INVITATION,
        expires_at=timezone.now() + TwoFactorEnrolment.VALID_FOR,
    )


register(PrivilegedGrant, make=_requested_grant, urls=_person_page)
register(Invitation, make=_invitation, urls=_person_page)
register(EmailChange, make=_email_change, urls=_person_page)
register(TwoFactorEnrolment, make=_two_factor_enrolment, urls=_person_page)
