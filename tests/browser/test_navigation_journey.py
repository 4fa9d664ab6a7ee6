import re

import pytest

from assure.core.demo import DEMO_ACCOUNTS
from assure.core.permissions import Role
from tests.browser.conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser

ADMIN = next(a for a in DEMO_ACCOUNTS if a.role == Role.PARTNERSHIP_ADMIN)
POLICE_LEAD = next(a for a in DEMO_ACCOUNTS if a.role == Role.AGENCY_LEAD)


def _current(page, navigation: str) -> list[str]:
    return page.get_by_role("navigation", name=navigation, exact=True).locator("[aria-current]").all_inner_texts()


def test_the_business_manager_signs_in_and_walks_every_section_and_page(page, live_server, demo_partnership):
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/sign-in/")
    check_accessibility(page, "sign-in")

    sign_in(page, live_server.url, ADMIN.email, demo_partnership)
    page.get_by_role("heading", name="What needs you").wait_for()
    assert "46,950 children aged 0 to 17" in page.inner_text("main")
    check_accessibility(page, "home-business-manager")

    menu = page.get_by_role("navigation", name="Menu")
    sections = menu.get_by_role("link").all_inner_texts()
    assert sections == ["Home", "Performance", "Training", "Assurance", "Governance", "Manage"]
    assert _current(page, "Menu") == ["Home"]
    for section in sections[1:]:
        menu.get_by_role("link", name=section, exact=True).click()
        page.get_by_role("heading", level=1).wait_for()
        assert _current(page, "Menu") == [section]
        subnav = page.get_by_role("navigation", name=section, exact=True)
        for group in subnav.get_by_role("link").all_inner_texts():
            subnav.get_by_role("link", name=group, exact=True).click()
            page.get_by_role("heading", level=1).wait_for()
            assert _current(page, section) == [group]
            pages = page.get_by_role("navigation", name=f"{group} pages")
            for name in pages.get_by_role("link").all_inner_texts() if pages.count() else [group]:
                if pages.count():
                    pages.get_by_role("link", name=name, exact=True).click()
                    page.get_by_role("heading", level=1).wait_for()
                    assert _current(page, f"{group} pages") == [name]
                title = " ".join(dict.fromkeys([section, group, name]))
                check_accessibility(page, re.sub(r"[^a-z0-9]+", "-", title.lower()))

    page.goto(f"{live_server.url}/agencies/")
    page.get_by_role("link", name="West Midlands Police").click()
    page.get_by_role("heading", name="West Midlands Police").wait_for()
    assert _current(page, "Menu") == ["Manage"] and _current(page, "Manage") == ["Agencies"]
    check_accessibility(page, "agency-detail")

    page.goto(f"{live_server.url}/agencies/new/")
    page.get_by_role("link", name="Back to agencies").wait_for()
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter name" in summary.inner_text()
    assert page.locator("input[name=sector][value='']").count() == 0
    check_accessibility(page, "agency-form-errors")

    page.goto(f"{live_server.url}/audit-trail/")
    date_from = page.get_by_role("group", name="Date from")
    date_from.get_by_label("Day").fill("1")
    date_from.get_by_label("Month").fill("April")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name="Date from must include a year").click()
    assert page.evaluate("document.activeElement.name") == "date_from_year"
    check_accessibility(page, "audit-trail-date-errors")

    page.get_by_role("navigation", name="Account").get_by_role("link", name="Your account").click()
    assert _current(page, "Account") == ["Your account"]
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    page.get_by_label("Email address").wait_for()


def test_an_agency_lead_goes_from_a_count_on_the_home_page_to_the_rows_it_counts(
    browser, live_server, demo_partnership
):
    for width in (1280, 375):
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
        page = context.new_page()
        sign_in(page, live_server.url, POLICE_LEAD.email, demo_partnership)
        overdue = page.get_by_role("link", name=re.compile(r"^\d+ actions? overdue$"))
        count = int(overdue.inner_text().split()[0])
        check_accessibility(page, f"home-agency-lead-{width}")
        overdue.click()
        page.get_by_role("heading", name="My actions").wait_for()
        assert page.get_by_text(f"{count} action", exact=False).first.is_visible()
        rows = page.get_by_role("region", name="My actions").locator("tbody tr")
        assert rows.count() == count
        assert all("Overdue" in text for text in rows.all_inner_texts())
        assert _current(page, "Menu") == ["Assurance"] and _current(page, "Assurance") == ["My actions"]
        check_accessibility(page, f"my-actions-overdue-{width}")
        context.close()


def test_pages_run_under_the_strict_content_security_policy(browser, live_server, demo_partnership):
    context = browser.new_context()  # no CSP bypass: what a real browser enforces
    page = context.new_page()
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    sign_in(page, live_server.url, ADMIN.email, demo_partnership)
    page.get_by_role("heading", name="What needs you").wait_for()
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")
    page.goto(f"{live_server.url}/training/courses/new/")
    status = page.get_by_role("group", name="Status")
    reason = page.get_by_label("Cancellation reason")
    assert not reason.is_visible()
    status.get_by_label("Cancelled").check()
    assert reason.is_visible()
    status.get_by_label("Scheduled").check()
    assert not reason.is_visible()
    assert refused == []
    context.close()
