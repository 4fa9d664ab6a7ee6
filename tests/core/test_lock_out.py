"""Lock-out behind the documented proxy: per account and address, progressively, never the real person from elsewhere."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse

from assure import settings as assure_settings
from assure.core.lockout import refusal_for
from assure.core.models import AccessLogEntry
from assure.core.permissions import Role
from tests.conftest import PASSWORD

HOME = "203.0.113.10"  # the account holder's office
ATTACKER = "198.51.100.66"


@pytest.fixture
def behind_one_proxy(settings):
    """The deploy settings: django-ipware, one proxy (nginx) setting X-Forwarded-For to the client's address."""
    settings.ASSURE_PROXY_COUNT = 1
    for name, value in assure_settings.proxy_settings(1).items():
        setattr(settings, name, value)
    settings.AXES_FAILURE_LIMIT = 5


def sign_in(client, email, password, forwarded_for):
    # gunicorn sees nginx (127.0.0.1); nginx passes on the address it saw.
    return client.post(
        reverse("core:sign-in"),
        {"username": email, "password": password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def wait(minutes: float) -> None:
    """Let time pass for the lock-out, without sleeping: every remembered failure becomes older."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_five_wrong_passwords_from_one_address_do_not_lock_out_the_account_elsewhere(
    client, behind_one_proxy, make_person, council
):
    lado = make_person(Role.LADO, council)
    for _ in range(4):
        assert sign_in(client, lado.email, "wrong-password", ATTACKER).status_code == 200
    assert sign_in(client, lado.email, "wrong-password", ATTACKER).status_code == 429
    assert sign_in(client, lado.email, PASSWORD, ATTACKER).status_code == 429
    from_home = sign_in(client, lado.email, PASSWORD, HOME)
    assert from_home.status_code == 302
    assert client.session["_auth_user_id"] == str(lado.pk)
    assert AccessLogEntry.objects.filter(event="sign_in", user=lado).get().ip_address == HOME


def test_an_extra_forwarded_for_entry_sent_by_the_client_is_ignored(client, behind_one_proxy, make_person, council):
    lado = make_person(Role.LADO, council)
    for spoofed in ("10.0.0.1", "192.0.2.7", HOME, "192.0.2.8", "192.0.2.9"):
        # A client's own X-Forwarded-For, passed along with the address the proxy saw appended.
        sign_in(client, lado.email, "wrong-password", f"{spoofed}, {ATTACKER}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert set(AccessLogEntry.objects.filter(event="sign_in_failed").values_list("ip_address", flat=True)) == {ATTACKER}
    assert sign_in(client, lado.email, PASSWORD, f"{HOME}, {ATTACKER}").status_code == 429
    assert sign_in(client, lado.email, PASSWORD, HOME).status_code == 302


def test_the_same_account_typed_differently_is_one_account(client, behind_one_proxy, make_person, council):
    lado = make_person(Role.LADO, council)
    for typed in (lado.email.upper(), f" {lado.email}", lado.email.title(), lado.email, lado.email.upper()):
        sign_in(client, typed, "wrong-password", ATTACKER)
    assert sign_in(client, lado.email, PASSWORD, ATTACKER).status_code == 429


def test_each_further_failure_doubles_the_refusal_up_to_an_hour():
    assert [refusal_for(n) for n in (0, 4)] == [None, None]
    assert [refusal_for(n) for n in (5, 6, 7, 8, 9, 10)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32)]
    assert refusal_for(11) == refusal_for(10_000) == timedelta(hours=1)


def test_the_refusal_lifts_by_itself_and_grows_with_each_failure(client, behind_one_proxy, make_person, council):
    person = make_person(Role.PRACTITIONER, council)
    for _ in range(5):
        sign_in(client, person.email, "wrong-password", ATTACKER)
    refused = sign_in(client, person.email, PASSWORD, ATTACKER)
    assert refused.status_code == 429
    assert re.search(r"You can try again at \d{1,2}:\d\d [ap]\.?m", refused.content.decode())
    wait(1.1)
    assert sign_in(client, person.email, "wrong-password", ATTACKER).status_code == 429  # the sixth failure: 2 minutes
    wait(1.1)
    assert sign_in(client, person.email, PASSWORD, ATTACKER).status_code == 429
    wait(1)
    assert sign_in(client, person.email, PASSWORD, ATTACKER).status_code == 302


def test_a_completed_password_reset_lifts_the_lock(
    client, behind_one_proxy, make_person, council, mailoutbox, django_capture_on_commit_callbacks
):
    person = make_person(Role.PRACTITIONER, council)
    for _ in range(5):
        sign_in(client, person.email, "wrong-password", HOME)
    assert sign_in(client, person.email, PASSWORD, HOME).status_code == 429
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": person.email})
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    new_password = "a-brand-new-password-2021"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert sign_in(client, person.email, new_password, HOME).status_code == 302


def test_fifty_failures_in_a_day_from_any_addresses_email_the_holder_and_the_business_unit(
    client, behind_one_proxy, make_person, council, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    lado = make_person(Role.LADO, council)
    # 49 failures already logged from many addresses; axes refuses each address after five.
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(user_label=lado.email, event="sign_in_failed", ip_address=f"192.0.2.{n}") for n in range(49)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, lado.email, "wrong-password", ATTACKER)
    assert sorted(message.to[0] for message in mailoutbox) == sorted([lado.email, admin_user.email])
    assert "50 failed attempts" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(client, lado.email, "wrong-password", ATTACKER)
    assert len(mailoutbox) == 2
