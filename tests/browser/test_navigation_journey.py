import pytest

from assure.core.demo import DEMO_ACCOUNTS
from assure.core.permissions import Role
from tests.browser.conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser

ADMIN = next(a for a in DEMO_ACCOUNTS if a.role == Role.PARTNERSHIP_ADMIN)


def test_the_business_manager_signs_in_and_walks_every_page(page, live_server, demo_partnership):
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")
    check_accessibility(page, "sign-in")

    sign_in(page, live_server.url, ADMIN.email, demo_partnership)
    page.get_by_role("heading", name="Solihull Safeguarding Children Partnership").wait_for()
    assert "46,950" in page.inner_text("main")
    check_accessibility(page, "home")

    navigation = page.get_by_role("navigation", name="Menu")
    labels = [link.inner_text() for link in navigation.get_by_role("link").all()]
    assert labels[:5] == ["Home", "Agencies", "People", "Years and priorities", "Audit trail"]
    for label in labels[1:]:
        page.get_by_role("navigation", name="Menu").get_by_role("link", name=label).click()
        page.get_by_role("heading", level=1).wait_for()
        check_accessibility(page, label.lower().replace(" ", "-"))

    page.goto(f"{live_server.url}/agencies/")
    page.get_by_role("link", name="West Midlands Police").click()
    page.get_by_role("heading", name="West Midlands Police").wait_for()
    check_accessibility(page, "agency-detail")

    page.goto(f"{live_server.url}/agencies/new/")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter name" in summary.inner_text()
    assert page.locator("input[name=sector][value='']").count() == 0
    check_accessibility(page, "agency-form-errors")

    page.goto(f"{live_server.url}/access-log/")
    assert "Signed in" in page.inner_text("main")
    check_accessibility(page, "access-log")


def test_pages_run_under_the_strict_content_security_policy(browser, live_server, demo_partnership):
    context = browser.new_context()  # no CSP bypass: what a real browser enforces
    page = context.new_page()
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    sign_in(page, live_server.url, ADMIN.email, demo_partnership)
    page.get_by_role("heading", name="Solihull Safeguarding Children Partnership").wait_for()
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")
    assert refused == []
    context.close()
