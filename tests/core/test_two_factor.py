import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.core.permissions import Role


@pytest.fixture
def production_two_factor(settings):
    settings.ASSURE_TWO_FACTOR_REQUIRED = True
    settings.ASSURE_ENV = "production"


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_an_analyst_must_set_up_two_factor_in_production(production_two_factor, client, make_person, council):
    analyst = make_person(Role.ANALYST, council)
    client.force_login(analyst)
    response = client.get(reverse("core:agency-list"))
    assert response.status_code == 302
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
    assert client.post(reverse("core:two-factor-setup"), {"token": current_code(device)}).status_code == 302
    assert client.get(reverse("core:agency-list")).status_code == 200


def test_an_analyst_with_a_device_is_asked_for_a_code(production_two_factor, client, make_person, council):
    analyst = make_person(Role.ANALYST, council)
    TOTPDevice.objects.create(user=analyst, name="app", confirmed=True)
    client.force_login(analyst)
    response = client.get(reverse("core:home"))
    assert response.url.startswith(reverse("core:two-factor-verify"))


def test_a_practitioner_does_not_need_two_factor(production_two_factor, client, make_person, council):
    client.force_login(make_person(Role.PRACTITIONER, council))
    assert client.get(reverse("core:home")).status_code == 200


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
