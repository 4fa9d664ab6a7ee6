"""The review panel records a serious incident, watches its clocks on the panel page, records the lead partners'
decision for a local child safeguarding practice review, adds a recommendation and finds its action on the register."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assure.core.demo import DEMO_ACCOUNTS
from assure.core.permissions import Role
from tests.browser.conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser

PANEL = next(a for a in DEMO_ACCOUNTS if a.role == Role.REVIEW_PANEL)
LEAD_PARTNERS = [a.full_name for a in DEMO_ACCOUNTS if a.role == Role.LEAD_PARTNER]
RECOMMENDATION = "Make sure every agency hears when Child D misses a health appointment."


def _date(page, label: str, day) -> None:
    group = page.get_by_role("group", name=label)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_the_panel_takes_an_incident_to_a_practice_review_and_its_action(page, live_server, demo_partnership):
    today = timezone.localdate()
    sign_in(page, live_server.url, PANEL.email, demo_partnership)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Assurance").click()
    page.get_by_role("link", name="Case reviews").click()
    page.get_by_role("heading", name="Standing panel", level=1).wait_for()
    check_accessibility(page, "reviews-panel")

    page.get_by_role("link", name="Incidents").first.click()
    page.get_by_role("link", name="Record a serious incident").click()
    page.get_by_role("button", name="Save").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "Enter date the local authority became aware" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page, "reviews-incident-errors")
    page.get_by_label("A child was seriously harmed").check()
    _date(page, "Date the local authority became aware", today)
    _date(page, "Date the partnership learned of it", today)
    page.get_by_label("West Midlands Police").check()
    page.get_by_label("What is known").fill("Admitted to hospital with injuries that do not match the account given.")
    page.get_by_label("Child's full name").fill("Dana Testchild")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The notification clock is running.").wait_for()
    check_accessibility(page, "reviews-incident")

    page.get_by_role("link", name="Standing panel").click()
    assert "Notify the national panel" in page.inner_text("main")

    page.get_by_role("link", name="Incidents").first.click()
    page.locator("main tbody a").first.click()
    page.get_by_role("link", name="Record the criteria decision").click()
    page.get_by_label("Meets the criteria: notify the national panel").check()
    page.get_by_label("Why").fill("Serious harm where abuse is suspected.")
    _date(page, "Date of the decision", today)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record the notification").click()
    _date(page, "Date the notification was submitted", today)
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Recorded the notification.").wait_for()
    check_accessibility(page, "reviews-rapid-review")
    rapid_review_url = page.url

    page.get_by_role("link", name="Standing panel").click()
    main = page.inner_text("main")
    assert "Send the rapid review to the national panel" in main
    assert "Notify the national panel" not in main

    page.goto(rapid_review_url)
    page.get_by_role("link", name="Record the panel's recommendation").click()
    _date(page, "Date of the rapid review meeting", today)
    page.get_by_label("A local child safeguarding practice review").check()
    page.get_by_label("Why the panel recommends it").fill("Learning for several agencies.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Recorded the panel's recommendation.").wait_for()
    for lead_partner in LEAD_PARTNERS:
        page.get_by_role("link", name="Record a lead partner's decision").click()
        whose = page.get_by_label("Whose decision")
        whose.select_option(label=next(o for o in whose.locator("option").all_inner_texts() if lead_partner in o))
        _date(page, "Date of the decision", today)
        page.get_by_label("A local child safeguarding practice review").check()
        page.get_by_label("Reasons").fill("As the panel recommends.")
        page.get_by_role("button", name="Record the decision").click()
        page.get_by_text("Recorded the decision in the decisions log.").wait_for()
    assert "A local child safeguarding practice review, decided" in page.inner_text("main")
    check_accessibility(page, "reviews-rapid-review-decided")

    page.locator("main dl a", has_text="Case review").click()
    page.get_by_role("link", name="Add a recommendation").click()
    page.get_by_label("Recommendation").fill(RECOMMENDATION)
    page.get_by_label("For which agency").select_option(label="West Midlands Police")
    _date(page, "Action due by", today + timedelta(days=365))
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Its actions are on the action register.").wait_for()
    check_accessibility(page, "reviews-case-review")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Assurance").click()
    page.get_by_role("link", name="Action register").first.click()
    page.get_by_label("Search").fill("Child D")
    page.get_by_role("button", name="Apply").click()
    row = page.get_by_role("row").filter(has_text=RECOMMENDATION)
    row.wait_for()
    assert "West Midlands Police" in row.inner_text()
    assert "recommendation 1" in row.inner_text()
    check_accessibility(page, "reviews-action-on-the-register")
