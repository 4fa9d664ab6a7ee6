"""People added on /people/new/ get an invitation to set their password; addresses in use are not disclosed."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from assure.core.models import Invitation, User
from assure.core.permissions import Role

NEW_PASSWORD = "a-long-new-password-2020"


def add_person(browser, agency, email, **answers):
    form = {
        "full_name": "Nia Newcomer",
        "email": email,
        "job_title": "Social worker",
        "agency": agency.pk,
        "can_sign_in": "yes",
        "practitioner": "on",
        **answers,
    }
    return browser.post(reverse("core:person-create"), form, follow=True)


def invitation_link(mailoutbox, to: str) -> str:
    message = next(m for m in mailoutbox if m.to == [to])
    return re.search(r"https?://[^/\s]+(/invitation/\S+/)", message.body).group(1)


def test_a_new_person_is_emailed_an_invitation_to_set_their_password(
    admin_client, council, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        added = add_person(admin_client, council, "Nia@Test.example")
    assert "Nia Newcomer added" in added.content.decode()
    person = User.objects.get(email="nia@test.example")
    assert not person.has_usable_password() and person.roles() == {Role.PRACTITIONER}
    link = invitation_link(mailoutbox, "nia@test.example")

    browser = Client()
    assert "Choose your password" in browser.get(link).content.decode()
    short = browser.post(link, {"new_password1": "short", "new_password2": "short"})
    assert short.status_code == 400 and not User.objects.get(pk=person.pk).has_usable_password()
    signed_in = browser.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert signed_in.status_code == 302
    assert browser.get(reverse("core:home")).status_code == 200
    assert User.objects.get(pk=person.pk).check_password(NEW_PASSWORD)

    again = Client().get(link)
    assert again.status_code == 404 and "already been used" in again.content.decode()


def test_an_invitation_works_for_seven_days(admin_client, council, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add_person(admin_client, council, "nia@test.example")
    link = invitation_link(mailoutbox, "nia@test.example")
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    Invitation.objects.update(expires_at=invitation.sent_at)
    expired = Client().get(link)
    assert expired.status_code == 404 and "expired" in expired.content.decode()


def test_sending_the_invitation_again_replaces_the_earlier_link(
    admin_client, council, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_person(admin_client, council, "nia@test.example")
    first = invitation_link(mailoutbox, "nia@test.example")
    person = User.objects.get(email="nia@test.example")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("core:person-invite", args=[person.pk]))
    second = invitation_link(mailoutbox, "nia@test.example")
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_a_person_who_cannot_sign_in_gets_no_invitation(
    admin_client, council, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        added = add_person(admin_client, council, "record.only@test.example", can_sign_in="no")
    assert "They cannot sign in" in added.content.decode()
    assert mailoutbox == [] and not Invitation.objects.exists()
    assert not User.objects.get(email="record.only@test.example").is_active


def _page_without(response, email: str) -> str:
    """The page as anyone would see it for another address (and another form token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", response.content.decode()).replace(email, "EMAIL")


def test_an_agency_lead_adding_an_address_held_elsewhere_sees_the_same_confirmation(
    make_person, council, police, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    """Whether an address exists anywhere in Assure is not something an agency lead can learn."""
    lead = Client()
    lead.force_login(make_person(Role.AGENCY_LEAD, police, full_name="Pat Lead"))
    lado = make_person(Role.LADO, council, email="lado@council.example")
    people_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        new = add_person(lead, police, "brand.new@police.example")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        existing = add_person(lead, police, "LADO@council.example")
    assert existing.redirect_chain == new.redirect_chain
    strip = lambda html, email: re.sub(r"csrfmiddlewaretoken\" value=\"\w+", "", html).replace(email, "EMAIL")  # noqa: E731
    assert strip(existing.content.decode(), "lado@council.example") == strip(
        new.content.decode(), "brand.new@police.example"
    )
    assert User.objects.count() == people_before + 1
    told = {m.to[0]: m.body for m in mailoutbox}
    assert set(told) == {lado.email, admin_user.email}
    assert "Pat Lead" in told[lado.email] and "Nothing was changed" in told[admin_user.email]


def test_an_address_already_in_reach_is_named(admin_client, make_person, council):
    make_person(Role.PRACTITIONER, council, email="kim@council.example", full_name="Kim Practitioner")
    response = admin_client.post(
        reverse("core:person-create"),
        {"full_name": "Kim Again", "email": "kim@council.example", "agency": council.pk, "can_sign_in": "yes"},
    )
    assert response.status_code == 400
    assert "Kim Practitioner already has this email address in Assure." in response.content.decode()


@pytest.mark.parametrize("missing", ["full_name", "email", "agency", "can_sign_in"])
def test_a_person_missing_an_answer_is_not_added(admin_client, council, missing):
    form = {"full_name": "Nia Newcomer", "email": "nia@test.example", "agency": council.pk, "can_sign_in": "yes"}
    del form[missing]
    response = admin_client.post(reverse("core:person-create"), form)
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert not User.objects.filter(full_name="Nia Newcomer").exists()
