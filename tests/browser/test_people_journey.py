"""The business unit adds a person, asks for a privileged role; a lead partner approves it; the person accepts the
invitation and sets up two-factor sign-in with backup codes. Walked at 1280 and 375 px."""

import re

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from assure.core.demo import DEMO_ACCOUNTS
from assure.core.models import PrivilegedGrant, User
from assure.core.permissions import Role
from tests.browser.conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser

BUSINESS_MANAGER = next(a for a in DEMO_ACCOUNTS if a.role == Role.PARTNERSHIP_ADMIN)
LEAD_PARTNER = next(a for a in DEMO_ACCOUNTS if a.role == Role.LEAD_PARTNER)


def _walk(browser, width: int):
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    return context, context.new_page()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_new_lado_is_added_approved_by_a_lead_partner_and_signs_in_with_two_factor(
    browser, live_server, demo_partnership, settings, width
):
    settings.ASSURE_ENV = "demo"  # demo accounts are excused from two-factor sign-in; the new person is not
    settings.ASSURE_TWO_FACTOR_REQUIRED = True
    settings.ASSURE_BASE_URL = live_server.url
    context, page = _walk(browser, width)
    sign_in(page, live_server.url, BUSINESS_MANAGER.email, demo_partnership)
    page.goto(f"{live_server.url}/people/new/")
    page.get_by_label("Full name").fill("Lou Newcomer")
    page.get_by_label("Email address").fill("lou.newcomer@demo.example")
    page.get_by_label("Agency").select_option(label="Solihull Metropolitan Borough Council")
    page.get_by_label("They can sign in: email them an invitation").check()
    page.get_by_label("Give them the Practitioner role").uncheck()
    check_accessibility(page, f"people-add-{width}")
    page.get_by_role("button", name="Add person").click()
    page.get_by_role("heading", name="Lou Newcomer added").wait_for()
    check_accessibility(page, f"people-added-{width}")

    lou = User.objects.get(email="lou.newcomer@demo.example")
    page.goto(f"{live_server.url}/people/{lou.pk}/roles/new/")
    page.get_by_label("LADO (designated officer) (needs approval)").check()
    check_accessibility(page, f"people-role-{width}")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check the role before asking for approval").wait_for()
    check_accessibility(page, f"people-role-check-{width}")
    page.get_by_role("button", name="Ask for approval").click()
    page.get_by_role("heading", name="Approval asked for").wait_for()
    check_accessibility(page, f"people-role-requested-{width}")
    grant = PrivilegedGrant.objects.get(user=lou)
    page.goto(f"{live_server.url}/role-approvals/{grant.pk}/")
    assert "You asked for this role" in page.inner_text("main")
    assert page.get_by_role("button", name="Approve").count() == 0
    context.close()

    context, page = _walk(browser, width)
    sign_in(page, live_server.url, LEAD_PARTNER.email, demo_partnership)
    if page.get_by_role("button", name="Menu").is_visible():  # a phone shows the menu behind a button
        page.get_by_role("button", name="Menu").click()
    # A lead partner manages nothing but role approvals: Manage opens on them.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Manage").click()
    page.get_by_role("link", name="Lou Newcomer").click()
    page.get_by_role("heading", name="LADO (designated officer) for Lou Newcomer").wait_for()
    check_accessibility(page, f"people-role-approval-{width}")
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved the role LADO (designated officer) for Lou Newcomer").wait_for()
    context.close()

    (invitation,) = [m for m in mail.outbox if m.to == [lou.email] and "/invitation/" in m.body]
    link = re.search(r"https?://\S+/invitation/\S+/", invitation.body).group(0)
    context, page = _walk(browser, width)
    page.goto(link)
    page.get_by_role("heading", name="Choose your password").wait_for()
    check_accessibility(page, f"people-invitation-{width}")
    page.get_by_label("New password", exact=True).fill("lou-chooses-a-long-password")
    page.get_by_label("New password confirmation").fill("lou-chooses-a-long-password")
    page.get_by_role("button", name="Set password and sign in").click()
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    check_accessibility(page, f"people-two-factor-setup-{width}")
    device = TOTPDevice.objects.get(user=lou, confirmed=False)
    page.get_by_label("Security code").fill(f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your backup codes").wait_for()
    assert len(page.locator("main code").all()) == 10
    check_accessibility(page, f"people-backup-codes-{width}")
    page.get_by_role("link", name="I have saved my codes").click()
    page.get_by_role("heading", name="Solihull Safeguarding Children Partnership").wait_for()
    page.goto(f"{live_server.url}/account/")
    assert "10 backup codes left" in page.inner_text("main")
    check_accessibility(page, f"people-account-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()

    context, page = _walk(browser, width)
    sign_in(page, live_server.url, BUSINESS_MANAGER.email, demo_partnership)
    page.goto(f"{live_server.url}/people/{lou.pk}/")
    assert "LADO (designated officer)" in page.inner_text("main")
    check_accessibility(page, f"people-person-{width}")
    context.close()
