import time

from django.urls import reverse

from assure.core.middleware import SIGNED_IN_AT
from assure.core.models import AccessLogEntry
from tests.conftest import PASSWORD


def sign_in(client, email, password):
    return client.post(reverse("core:sign-in"), {"username": email, "password": password})


def test_a_person_signs_in_and_reaches_the_home_page(client, admin_user, partnership):
    response = sign_in(client, admin_user.email, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("core:home")
    home = client.get(reverse("core:home"))
    assert partnership.name in home.content.decode()
    assert AccessLogEntry.objects.filter(event="sign_in", user=admin_user).count() == 1


def test_a_wrong_password_is_refused_with_a_message_and_logged(client, admin_user):
    response = sign_in(client, admin_user.email, "not-the-password")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    assert AccessLogEntry.objects.filter(event="sign_in_failed", user_label=admin_user.email).count() == 1


def test_it_locks_the_account_after_five_failures(client, admin_user, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        sign_in(client, admin_user.email, "wrong-password")
    response = sign_in(client, admin_user.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessLogEntry.objects.filter(event="locked_out").exists()


def test_pages_need_a_signed_in_person(client, partnership):
    response = client.get(reverse("core:agency-list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("core:sign-in"))


def test_the_session_lapses_after_the_idle_timeout(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_passwords_are_hashed_with_argon2(admin_user):
    assert admin_user.password.startswith("argon2")


def test_signing_out_needs_a_post(admin_client):
    assert admin_client.get(reverse("core:sign-out")).status_code == 405
    assert admin_client.post(reverse("core:sign-out")).status_code == 302
    assert admin_client.get(reverse("core:home")).status_code == 302


def test_password_reset_sends_a_link_by_email(client, admin_user, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": admin_user.email})
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == [admin_user.email]
    assert "/password-reset/" in message.body and "http://" in message.body


def test_a_session_ends_after_its_absolute_lifetime_however_busy(admin_client, settings):
    settings.ASSURE_SESSION_MAX_HOURS = 12
    assert admin_client.get(reverse("core:home")).status_code == 200
    session = admin_client.session
    session[SIGNED_IN_AT] = time.time() - 11.9 * 3600
    session.save()
    assert admin_client.get(reverse("core:home")).status_code == 200
    session = admin_client.session
    session[SIGNED_IN_AT] = time.time() - 12.1 * 3600
    session.save()
    response = admin_client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:sign-in"))
    assert "_auth_user_id" not in admin_client.session
    assert admin_client.get(reverse("core:home")).status_code == 302


def test_signed_in_pages_and_downloads_are_never_stored(admin_client):
    for url in (reverse("core:home"), reverse("core:person-list") + "?export=csv"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"no-store", "private"}, url
