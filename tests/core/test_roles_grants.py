"""Privileged grants wait for a second person; agency leads give and end only the Practitioner role."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assure.core import services
from assure.core.models import PrivilegedGrant, RoleAssignment, User
from assure.core.permissions import Action, Area, Role, can


def signed_in(person) -> Client:
    browser = Client()
    browser.force_login(person)
    return browser


def ask_for(browser, person, role, **answers):
    """Fill in the role form, then confirm on the check-answers page."""
    form = {"role": role, "started_on": timezone.localdate().strftime("%d/%m/%Y"), **answers}
    to_check = browser.post(reverse("core:role-add", args=[person.pk]), form)
    assert to_check.status_code == 302 and to_check.url == reverse("core:role-check", args=[person.pk])
    return browser.post(to_check.url)


@pytest.fixture
def second_admin(make_person, council):
    return make_person(Role.PARTNERSHIP_ADMIN, council, full_name="Second Admin")


def test_a_grant_asked_for_and_approved_by_the_same_admin_is_refused_and_by_another_becomes_active(
    admin_client, admin_user, second_admin, make_person, council, mailoutbox, django_capture_on_commit_callbacks
):
    person = make_person(Role.PRACTITIONER, council, full_name="Ann Analyst")
    check = admin_client.get(reverse("core:role-add", args=[person.pk]))
    assert check.status_code == 200
    admin_client.post(
        reverse("core:role-add", args=[person.pk]),
        {"role": Role.ANALYST, "started_on": timezone.localdate().strftime("%d/%m/%Y")},
    )
    check_page = admin_client.get(reverse("core:role-check", args=[person.pk])).content.decode()
    assert "Check the role before asking for approval" in check_page and "Performance analyst" in check_page
    with django_capture_on_commit_callbacks(execute=True):
        requested = admin_client.post(reverse("core:role-check", args=[person.pk]))
    grant = PrivilegedGrant.objects.get()
    assert requested.url == reverse("core:grant-requested", args=[grant.pk])
    assert "Approval asked for" in admin_client.get(requested.url).content.decode()
    assert sorted(to for m in mailoutbox for to in m.to) == sorted([person.email, admin_user.email, second_admin.email])
    assert not can(person, Area.CHILD_LEVEL, Action.VIEW)

    detail = reverse("core:grant-detail", args=[grant.pk])
    assert "You asked for this role" in admin_client.get(detail).content.decode()
    refused = admin_client.post(detail, {"decision": "approve"})
    assert refused.status_code == 400 and "someone else must decide it" in refused.content.decode()
    assert grant.status() == PrivilegedGrant.Status.PENDING and not RoleAssignment.objects.filter(role=Role.ANALYST)

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_in(second_admin).post(detail, {"decision": "approve"}).status_code == 302
    grant.refresh_from_db()
    assert grant.approved_by == second_admin and grant.assignment.role == Role.ANALYST
    person = User.objects.get(pk=person.pk)  # as the next request loads them
    assert can(person, Area.CHILD_LEVEL, Action.VIEW)
    assert person.email in {m.to[0] for m in mailoutbox}
    assert person.two_factor_enrolments.get().reason == "grant"


def test_a_lead_partner_can_approve_a_grant(admin_user, make_person, council):
    person = make_person(Role.PRACTITIONER, council)
    lead_partner = make_person(Role.LEAD_PARTNER, council)
    grant = services.grant_request(person=person, requested_by=admin_user, role=Role.LADO)
    lead = signed_in(lead_partner)
    assert "Lado" in lead.get(reverse("core:grant-list")).content.decode().title()
    assert lead.post(reverse("core:grant-detail", args=[grant.pk]), {"decision": "approve"}).status_code == 302
    assert Role.LADO in person.roles()


def test_a_refused_grant_gives_nothing(admin_user, second_admin, make_person, council):
    person = make_person(Role.PRACTITIONER, council)
    grant = services.grant_request(person=person, requested_by=admin_user, role=Role.LADO)
    signed_in(second_admin).post(reverse("core:grant-detail", args=[grant.pk]), {"decision": "refuse"})
    grant.refresh_from_db()
    assert grant.status() == PrivilegedGrant.Status.REFUSED and Role.LADO not in person.roles()
    with pytest.raises(ValidationError, match="no longer be decided"):
        services.grant_approve(grant=grant, approved_by=second_admin)


def test_nobody_asks_for_a_grant_for_themselves(admin_client, admin_user, second_admin):
    """The finding: a partnership admin gave themselves the analyst role."""
    refused = ask_for(admin_client, admin_user, Role.ANALYST)
    assert refused.status_code == 400 and "cannot ask for a role for yourself" in refused.content.decode()
    with pytest.raises(IntegrityError), transaction.atomic():
        PrivilegedGrant.objects.create(user=admin_user, role=Role.LADO, requested_by=admin_user)
    assert not PrivilegedGrant.objects.exists() and Role.ANALYST not in admin_user.roles()


def test_a_grant_nobody_approves_lapses_after_14_days(admin_user, second_admin, make_person, council):
    person = make_person(Role.PRACTITIONER, council)
    grant = services.grant_request(person=person, requested_by=admin_user, role=Role.ANALYST)
    assert grant.lapses_at - grant.requested_at == timedelta(days=14)
    later = grant.requested_at + timedelta(days=14)
    assert grant.status(later - timedelta(seconds=1)) == PrivilegedGrant.Status.PENDING
    assert grant.status(later) == PrivilegedGrant.Status.LAPSED
    with pytest.raises(ValidationError, match="lapsed"):
        services.grant_approve(grant=grant, approved_by=second_admin, now=later)
    assert Role.ANALYST not in person.roles()
    again = services.grant_request(person=person, requested_by=admin_user, role=Role.ANALYST, now=later)
    assert again.status(later) == PrivilegedGrant.Status.PENDING


def test_privileged_roles_are_never_given_without_approval(admin_user, make_person, council):
    person = make_person(Role.PRACTITIONER, council)
    with pytest.raises(ValidationError, match="needs a second person's approval"):
        services.role_give(person=person, given_by=admin_user, role=Role.LADO)


def test_an_agency_lead_gives_and_ends_only_the_practitioner_role_in_their_agency(make_person, police, council):
    lead_person = make_person(Role.AGENCY_LEAD, police)
    newcomer = make_person(None, police)
    lead = signed_in(lead_person)
    form = lead.get(reverse("core:role-add", args=[newcomer.pk])).content.decode()
    assert 'value="practitioner"' in form and 'value="analyst"' not in form and 'value="agency_lead"' not in form
    today = timezone.localdate().strftime("%d/%m/%Y")
    refused = lead.post(reverse("core:role-add", args=[newcomer.pk]), {"role": Role.ANALYST, "started_on": today})
    assert refused.status_code == 400 and not newcomer.role_assignments.exists()
    given = lead.post(reverse("core:role-add", args=[newcomer.pk]), {"role": Role.PRACTITIONER, "started_on": today})
    assert given.status_code == 302 and newcomer.roles() == {Role.PRACTITIONER}
    assert not PrivilegedGrant.objects.exists()

    assignment = newcomer.role_assignments.get()
    end = reverse("core:role-end", args=[newcomer.pk, assignment.pk])
    assert "End the role Practitioner?" in lead.get(end).content.decode()
    assert newcomer.role_assignments.get().ended_on is None  # the page asks; only the button ends it
    assert lead.post(end).status_code == 302
    newcomer = User.objects.get(pk=newcomer.pk)
    assert newcomer.roles() == set()

    elsewhere = make_person(None, council)
    assert lead.get(reverse("core:role-add", args=[elsewhere.pk])).status_code == 404
    own_role = lead_person.role_assignments.get()
    assert lead.get(reverse("core:role-end", args=[lead_person.pk, own_role.pk])).status_code == 404


def test_a_lead_partner_role_names_a_statutory_partner_and_may_record_a_delegate(
    admin_user, second_admin, make_person, police
):
    chief = make_person(Role.LEAD_PARTNER, police, full_name="Chief Constable")
    deputy = make_person(Role.PRACTITIONER, police)
    grant = services.grant_request(
        person=deputy, requested_by=admin_user, role=Role.LEAD_PARTNER, agency=police, delegate_for=chief
    )
    assignment = services.grant_approve(grant=grant, approved_by=second_admin)
    assert str(assignment) == "Lead safeguarding partner, delegate of Chief Constable (Test Police)"
