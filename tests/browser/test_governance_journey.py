import re

import pytest

from assure.core.demo import DEMO_ACCOUNTS
from assure.core.permissions import Role
from tests.browser.conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser

ADMIN = next(a for a in DEMO_ACCOUNTS if a.role == Role.PARTNERSHIP_ADMIN)
SCRUTINEER = next(a for a in DEMO_ACCOUNTS if a.role == Role.SCRUTINEER)
POLICE_LEAD_PARTNER = next(
    a for a in DEMO_ACCOUNTS if a.role == Role.LEAD_PARTNER and a.agency == "West Midlands Police"
)


def _sign_out(page):
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()


def test_the_business_manager_confirms_a_drafted_judgement_with_a_rationale(page, live_server, demo_partnership):
    sign_in(page, live_server.url, ADMIN.email, demo_partnership)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Governance").click()
    page.get_by_role("heading", level=1, name="Priorities and assurance").wait_for()
    check_accessibility(page, "governance-priorities")

    page.get_by_role("link", name="Early help", exact=True).click()
    page.get_by_role("heading", level=1, name="Early help").wait_for()
    assert "the partners decided to move it to core business" in page.inner_text("main")
    check_accessibility(page, "governance-priority-year")

    page.get_by_role("link", name="Early help at threshold Level 2 is effective").first.click()
    page.get_by_role("heading", level=1, name="Early help at threshold Level 2 is effective").wait_for()
    assert "Cannot be assessed because no rule applies" in page.locator("#explanation").inner_text()
    check_accessibility(page, "governance-statement")
    statement_url = page.url

    page.get_by_role("table", name="Evidence rules, as at 31 March 2020").get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/performance/areas/early-help/\?year=2019$"))
    assert "2019-20" in page.inner_text("main")
    check_accessibility(page, "governance-evidence-dashboard")
    page.go_back()
    page.wait_for_url(statement_url)

    page.get_by_role("link", name="Confirm a new judgement").click()
    page.get_by_role("radio", name="Partly assured").check()
    page.get_by_role("button", name="Confirm the judgement").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Say why you judge this differently from Assure's draft (cannot be assessed)." in summary.inner_text()
    check_accessibility(page, "governance-judgement-errors")
    page.get_by_label(re.compile("Rationale")).fill(
        "The Level 3 family support service is a strength; Level 2 help cannot be seen before referral yet."
    )
    page.get_by_role("button", name="Confirm the judgement").click()
    page.get_by_text("Confirmed: partly assured.").wait_for()
    confirmed = page.locator(".govuk-summary-list").first.inner_text()
    assert "Partly assured" in confirmed and "Level 2 help cannot be seen before referral yet." in confirmed
    assert "Cannot be assessed, confirmed 30 June 2020" in page.inner_text("main")
    check_accessibility(page, "governance-judgement-confirmed")


def test_the_scrutineer_records_a_challenge_and_the_partner_s_response_is_recorded(page, live_server, demo_partnership):
    sign_in(page, live_server.url, SCRUTINEER.email, demo_partnership)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Governance").click()
    page.get_by_role("navigation", name="Governance").get_by_role("link", name="Challenge and scrutiny").click()
    page.get_by_role("heading", level=1, name="Challenges").wait_for()
    check_accessibility(page, "governance-challenges")
    page.get_by_role("link", name="Raise a challenge").click()
    page.get_by_label("Addressed to").select_option(label="West Midlands Police")
    page.get_by_label("Subject").fill("Return home interviews")
    page.get_by_label("The challenge").fill("How many children who went missing were offered a return home interview?")
    page.get_by_role("button", name="Raise the challenge").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter response due by" in summary.inner_text()
    due = page.get_by_role("group", name="Response due by")
    due.get_by_label("Day").fill("30")
    due.get_by_label("Month").fill("4")
    due.get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Raise the challenge").click()
    page.get_by_text("West Midlands Police has been told.").wait_for()
    assert "Awaiting a response" in page.inner_text("main")
    check_accessibility(page, "governance-challenge-raised")
    challenge_url = page.url
    _sign_out(page)

    sign_in(page, live_server.url, POLICE_LEAD_PARTNER.email, demo_partnership)
    page.get_by_role("link", name=re.compile("challenges? awaiting your response")).click()
    page.get_by_role("row").filter(has_text="Return home interviews").get_by_role("link").click()
    page.get_by_role("link", name="Respond for West Midlands Police").click()
    check_accessibility(page, "governance-challenge-respond")
    page.get_by_label("Response").fill("Every child is offered one within 72 hours; 81% took it up in 2020-21.")
    page.get_by_role("button", name="Record the response").click()
    page.get_by_text("Recorded the response.").wait_for()
    assert page.url == challenge_url
    assert "Every child is offered one within 72 hours" in page.inner_text("main")
    assert "Responded" in page.inner_text("main")
    check_accessibility(page, "governance-challenge-responded")
    _sign_out(page)

    sign_in(page, live_server.url, SCRUTINEER.email, demo_partnership)
    page.goto(challenge_url)
    page.get_by_role("link", name="Accept the response or escalate").click()
    page.get_by_role("radio", name="Accept the response").check()
    page.get_by_role("button", name="Close the challenge").click()
    page.get_by_text("Closed the challenge.").wait_for()
    assert "Closed: response accepted" in page.inner_text("main")
