"""Second factor: for the privileged roles, set up only from an invitation or an admin's reset, with backup codes."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.core import services
from assure.core.models import AuditEntry, TwoFactorEnrolment
from assure.core.permissions import Role
from tests.conftest import PASSWORD


@pytest.fixture
def production_two_factor(settings):
    settings.ASSURE_TWO_FACTOR_REQUIRED = True
    settings.ASSURE_ENV = "production"


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def allow_enrolment(person, reason=TwoFactorEnrolment.Reason.INVITATION):
    return TwoFactorEnrolment.objects.create(
        user=person, reason=reason, expires_at=timezone.now() + TwoFactorEnrolment.VALID_FOR
    )


def set_up_device(client, person) -> list[str]:
    """Walk the set-up pages as ``person`` (signed in on ``client``) and return the backup codes shown."""
    client.get(reverse("core:two-factor-setup"))
    device = TOTPDevice.objects.get(user=person, confirmed=False)
    response = client.post(reverse("core:two-factor-setup"), {"token": current_code(device)}, follow=True)
    return re.findall(r"<li><code>(\w+)</code></li>", response.content.decode())


@pytest.mark.parametrize(
    "role", [Role.PARTNERSHIP_ADMIN, Role.ANALYST, Role.LADO, Role.REVIEW_PANEL, Role.LEAD_PARTNER, Role.AGENCY_LEAD]
)
def test_privileged_roles_need_a_second_factor(production_two_factor, make_person, council, role):
    assert make_person(role, council).needs_two_factor()


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.SCRUTINEER])
def test_other_roles_do_not(production_two_factor, client, make_person, council, role):
    person = make_person(role, council)
    assert not person.needs_two_factor()
    client.force_login(person)
    assert client.get(reverse("core:home")).status_code == 200


def test_an_invited_analyst_sets_up_an_authenticator_and_is_shown_backup_codes_once(
    production_two_factor, client, make_person, council
):
    analyst = make_person(Role.ANALYST, council)
    allow_enrolment(analyst)
    client.force_login(analyst)
    response = client.get(reverse("core:agency-list"))
    assert response.url.startswith(reverse("core:two-factor-setup"))
    setup = client.get(response.url)
    assert "Set up two-factor sign-in" in setup.content.decode()
    device = TOTPDevice.objects.get(user=analyst, confirmed=False)
    wrong = client.post(
        reverse("core:two-factor-setup"), {"token": "000000" if current_code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "That code is wrong or has expired" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code makes the next attempt wait
    codes = set_up_device(client, analyst)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "shown only once" in client.get(reverse("core:backup-codes")).content.decode()
    assert not set(codes) & set(re.findall(r"\w{8}", client.get(reverse("core:backup-codes")).content.decode()))
    assert client.get(reverse("core:agency-list")).status_code == 200
    assert analyst.two_factor_enrolments.get().used_at is not None


def test_without_an_invitation_or_a_reset_nobody_can_add_an_authenticator(
    production_two_factor, client, make_person, council
):
    """Trust on first use would let whoever learned the password add their own phone."""
    lado = make_person(Role.LADO, council)
    client.force_login(lado)
    response = client.get(reverse("core:two-factor-setup"))
    assert response.status_code == 403
    assert "cannot set it up from here" in response.content.decode()
    assert client.post(reverse("core:two-factor-setup"), {"token": "123456"}).status_code == 403
    assert not TOTPDevice.objects.filter(user=lado).exists()
    assert client.get(reverse("core:home")).url.startswith(reverse("core:two-factor-setup"))


def test_a_password_reset_never_opens_enrolment(
    production_two_factor, client, make_person, council, mailoutbox, django_capture_on_commit_callbacks
):
    lado = make_person(Role.LADO, council)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": lado.email})
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    new_password = "a-brand-new-password-2021"
    client.post(form.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    client.post(reverse("core:sign-in"), {"username": lado.email, "password": new_password})
    assert client.get(reverse("core:two-factor-setup")).status_code == 403
    assert not lado.two_factor_enrolments.exists()


def test_an_analyst_with_a_device_is_asked_for_a_code(production_two_factor, client, make_person, council):
    analyst = make_person(Role.ANALYST, council)
    TOTPDevice.objects.create(user=analyst, name="app", confirmed=True)
    client.force_login(analyst)
    response = client.get(reverse("core:home"))
    assert response.url.startswith(reverse("core:two-factor-verify"))


def test_each_backup_code_signs_in_once(production_two_factor, client, make_person, council):
    analyst = make_person(Role.ANALYST, council)
    allow_enrolment(analyst)
    client.force_login(analyst)
    first, *_ = set_up_device(client, analyst)
    client.post(reverse("core:sign-out"))
    for attempt, expected in (("first", 302), ("again", 400)):
        client.post(reverse("core:sign-in"), {"username": analyst.email, "password": PASSWORD})
        response = client.post(reverse("core:two-factor-backup-code"), {"code": first})
        assert response.status_code == expected, attempt
        if expected == 302:
            assert client.get(reverse("core:agency-list")).status_code == 200
            client.post(reverse("core:sign-out"))
        StaticDevice.objects.get(user=analyst).throttle_reset()
    assert "wrong or has been used" in response.content.decode()


def verified_client(person) -> Client:
    """A browser where ``person`` has signed in with their password and a code from their authenticator."""
    browser = Client()
    browser.force_login(person)
    device = TOTPDevice.objects.create(user=person, name="app", confirmed=True)
    browser.post(reverse("core:two-factor-verify"), {"token": current_code(device)})
    return browser


def test_an_admin_reset_of_a_lost_device_is_audited_tells_the_person_and_ends_their_sessions(
    production_two_factor, client, admin_user, make_person, council, mailoutbox, django_capture_on_commit_callbacks
):
    lado = make_person(Role.LADO, council, full_name="Lee Officer")
    allow_enrolment(lado)
    client.force_login(lado)
    set_up_device(client, lado)
    assert client.get(reverse("core:agency-list")).status_code == 200
    admin = verified_client(admin_user)
    reset_page = reverse("core:two-factor-reset", args=[lado.pk])
    assert "Reset Lee Officer" in admin.get(reset_page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(reset_page).status_code == 302
    assert not TOTPDevice.objects.filter(user=lado).exists() and not StaticDevice.objects.filter(user=lado).exists()
    assert client.get(reverse("core:agency-list")).url.startswith(reverse("core:sign-in"))
    [message] = [m for m in mailoutbox if m.to == [lado.email]]
    assert admin_user.full_name in message.body and "reset your two-factor sign-in" in message.body
    entry = AuditEntry.objects.get(record_type="core.TwoFactorEnrolment", action="create", actor=admin_user)
    assert entry.changes["reason"][1] == "reset" and entry.changes["user"][1] == "Lee Officer"
    client.post(reverse("core:sign-in"), {"username": lado.email, "password": PASSWORD})
    assert set_up_device(client, lado)


def test_nobody_resets_their_own_second_factor(admin_client, admin_user):
    assert admin_client.get(reverse("core:two-factor-reset", args=[admin_user.pk])).status_code == 404
    with pytest.raises(Exception, match="cannot reset your own"):
        services.two_factor_reset(person=admin_user, reset_by=admin_user)


def test_demo_accounts_are_excused_only_in_demo_mode(settings, make_person, council):
    settings.ASSURE_TWO_FACTOR_REQUIRED = True
    analyst = make_person(Role.ANALYST, council)
    analyst.is_demo_account = True
    settings.ASSURE_ENV = "demo"
    assert analyst.needs_two_factor() is False
    settings.ASSURE_ENV = "production"
    assert analyst.needs_two_factor() is True


def test_the_sign_in_page_says_demo_accounts_skip_two_factor(settings, client, partnership):
    settings.ASSURE_ENV = "demo"
    assert "sign in without a two-factor code" in client.get(reverse("core:sign-in")).content.decode()
