"""The account takeover path, closed: who edits whom, and email changes confirmed from the new address."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from assure.core.models import PrivilegedGrant, User
from assure.core.permissions import Role
from tests.conftest import PASSWORD


@pytest.fixture
def council_lead(make_person, council):
    return make_person(Role.AGENCY_LEAD, council, full_name="Cat Lead")


def signed_in(person) -> Client:
    browser = Client()
    browser.force_login(person)
    return browser


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+/)", message.body).group(1)


def test_an_agency_lead_cannot_change_the_lados_email_or_sign_in(council_lead, make_person, council):
    lado = make_person(Role.LADO, council, full_name="Lee Officer")
    lead = signed_in(council_lead)
    assert lead.get(reverse("core:person-detail", args=[lado.pk])).status_code == 200
    for url in ("core:person-edit", "core:person-email-change", "core:role-add", "core:two-factor-reset"):
        assert lead.get(reverse(url, args=[lado.pk])).status_code == 404, url
    refused = lead.post(
        reverse("core:person-edit", args=[lado.pk]),
        {"full_name": "Lee Officer", "email": council_lead.email, "agency": council.pk, "is_active": "on"},
    )
    assert refused.status_code == 404
    assert (
        lead.post(reverse("core:person-email-change", args=[lado.pk]), {"new_email": "x@test.example"}).status_code
        == 404
    )
    lado.refresh_from_db()
    assert lado.email != council_lead.email and not lado.email_changes.exists()


@pytest.mark.parametrize("history", ["held a privileged role before", "has a privileged role waiting for approval"])
def test_an_agency_lead_cannot_change_someone_whose_roles_were_ever_more_than_practitioner(
    council_lead, make_person, council, admin_user, history
):
    person = make_person(Role.PRACTITIONER, council)
    if history == "held a privileged role before":
        make_person(Role.ANALYST, council).role_assignments.update(user=person, ended_on="2020-01-01")
    else:
        PrivilegedGrant.objects.create(user=person, role=Role.ANALYST, requested_by=admin_user)
    assert signed_in(council_lead).get(reverse("core:person-edit", args=[person.pk])).status_code == 404


def test_an_agency_lead_changes_a_practitioner_of_their_agency_but_not_their_email(council_lead, make_person, council):
    practitioner = make_person(Role.PRACTITIONER, council, full_name="Kim Practitioner")
    lead = signed_in(council_lead)
    page = lead.get(reverse("core:person-edit", args=[practitioner.pk]))
    assert page.status_code == 200 and 'name="email"' not in page.content.decode()
    saved = lead.post(
        reverse("core:person-edit", args=[practitioner.pk]),
        {
            "full_name": "Kim Practitioner-Smith",
            "job_title": "Teacher",
            "agency": council.pk,
            "email": "lead@x.example",
        },
    )
    assert saved.status_code == 302
    practitioner.refresh_from_db()
    assert (practitioner.full_name, practitioner.is_active) == ("Kim Practitioner-Smith", False)
    assert practitioner.email != "lead@x.example"


def test_an_email_change_applies_only_once_confirmed_from_the_new_address_and_ends_sessions_and_reset_links(
    admin_client, make_person, council, mailoutbox, django_capture_on_commit_callbacks
):
    person = make_person(Role.PRACTITIONER, council, email="kim@old.example")
    their_browser = signed_in(person)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("password_reset"), {"email": "kim@old.example"})
    reset_link = link_in(mailoutbox[0])
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        asked = admin_client.post(
            reverse("core:person-email-change", args=[person.pk]), {"new_email": "Kim@New.example"}
        )
    assert asked.status_code == 302
    person.refresh_from_db()
    assert person.email == "kim@old.example"
    to_new, to_old = sorted(mailoutbox, key=lambda m: m.to[0] != "kim@new.example")
    assert to_new.to == ["kim@new.example"] and "/email-change/" in to_new.body
    assert to_old.to == ["kim@old.example"] and "kim@new.example" in to_old.body
    assert their_browser.get(reverse("core:home")).status_code == 200

    confirm = link_in(to_new)
    assert "Confirm your new email address" in Client().get(confirm).content.decode()
    person.refresh_from_db()
    assert person.email == "kim@old.example"  # opening the link changes nothing: the button does
    with django_capture_on_commit_callbacks(execute=True):
        done = Client().post(confirm)
    assert done.status_code == 200 and "Email address changed" in done.content.decode()
    person.refresh_from_db()
    assert person.email == "kim@new.example"
    assert "kim@old.example" in mailoutbox[-1].to and "kim@new.example" in mailoutbox[-1].body
    assert their_browser.get(reverse("core:home")).url.startswith(reverse("core:sign-in"))
    assert "expired or been used" in Client().get(reset_link, follow=True).content.decode()
    assert Client().post(confirm).status_code == 404
    assert (
        Client().post(reverse("core:sign-in"), {"username": "kim@new.example", "password": PASSWORD}).status_code == 302
    )


def test_a_person_changes_their_own_email_with_their_password(
    client, make_person, council, mailoutbox, django_capture_on_commit_callbacks
):
    person = make_person(Role.PRACTITIONER, council)
    client.force_login(person)
    wrong = client.post(reverse("core:account-email-change"), {"new_email": "me@new.example", "password": "not-it"})
    assert wrong.status_code == 400 and "Your password is wrong" in wrong.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(reverse("core:account-email-change"), {"new_email": "me@new.example", "password": PASSWORD})
    assert asked.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == sorted(["me@new.example", person.email])
    assert User.objects.get(pk=person.pk).email == person.email


def test_a_newer_email_change_voids_the_earlier_link(
    admin_client, make_person, council, mailoutbox, django_capture_on_commit_callbacks
):
    person = make_person(Role.PRACTITIONER, council)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("core:person-email-change", args=[person.pk]), {"new_email": "first@new.example"})
        admin_client.post(reverse("core:person-email-change", args=[person.pk]), {"new_email": "second@new.example"})
    first = link_in(next(m for m in mailoutbox if m.to == ["first@new.example"]))
    refused = Client().post(first)
    assert refused.status_code == 404 and "newer request replaces older ones" in refused.content.decode()
    assert User.objects.get(pk=person.pk).email == person.email
