import re

import pytest

from assure.core.demo import DEMO_ACCOUNTS
from assure.core.permissions import Role
from tests.audits.builders import PDF_BYTES
from tests.browser.conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser

ADMIN = next(a for a in DEMO_ACCOUNTS if a.role == Role.PARTNERSHIP_ADMIN)
POLICE_LEAD = next(a for a in DEMO_ACCOUNTS if a.role == Role.AGENCY_LEAD)


def test_an_agency_lead_submits_a_return_and_the_business_manager_moderates_it(
    page, live_server, demo_partnership, tmp_path
):
    sign_in(page, live_server.url, POLICE_LEAD.email, demo_partnership)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Assurance").click()
    check_accessibility(page, "audits-home-agency-lead")
    page.get_by_role("link", name="Section 11 audit", exact=True).click()
    check_accessibility(page, "s11-returns-agency-lead")
    page.get_by_role("row").filter(has_text="Section 11 audit 2021-22").get_by_role("link").click()
    page.get_by_role("heading", level=1, name="West Midlands Police").wait_for()
    check_accessibility(page, "s11-return-in-progress")

    page.get_by_role("link", name="Answer standard 7.5").click()
    page.get_by_role("radio", name="Not applicable").check()
    page.get_by_role("button", name="Save answer").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Say why the standard does not apply" in summary.inner_text()
    check_accessibility(page, "s11-answer-errors")

    page.get_by_role("radio", name="Requires improvement").check()
    page.get_by_label("Narrative").fill("Outcome measures do not yet include what children tell us.")
    page.get_by_label("What you will do to improve").fill("Add children's feedback to the custody outcomes survey.")
    page.get_by_role("button", name="Save answer").click()
    page.get_by_text("Saved your answer to standard 7.5.").wait_for()

    page.get_by_role("link", name="Add evidence for standard 7.5").click()
    check_accessibility(page, "s11-evidence-upload")
    fake = tmp_path / "survey.pdf"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 64)
    page.get_by_label("Evidence file").set_input_files(str(fake))
    page.get_by_role("button", name="Save").click()
    assert "is not a real PDF" in page.locator(".govuk-error-summary").inner_text()
    real = tmp_path / "outcomes-survey.pdf"
    real.write_bytes(PDF_BYTES)
    page.get_by_label("Evidence file").set_input_files(str(real))
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="outcomes-survey.pdf").wait_for()

    page.get_by_role("button", name="Submit the return").click()
    page.get_by_text("Submitted the return. 1 standards needing improvement").wait_for()
    assert page.get_by_role("link", name="Answer standard 7.5").count() == 0
    check_accessibility(page, "s11-return-submitted")
    return_url = page.url

    page.goto(f"{live_server.url}/actions/mine/")
    assert "Add children's feedback to the custody outcomes survey." in page.inner_text("main")
    check_accessibility(page, "my-actions-agency-lead")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, ADMIN.email, demo_partnership)
    page.goto(return_url)
    page.get_by_role("link", name="Moderate standard 1.1").click()
    check_accessibility(page, "s11-moderation")
    page.get_by_role("radio", name="Requires improvement").check()
    page.get_by_label("Challenge and reasons").fill("The policy is sound but no audit shows it is followed.")
    page.get_by_label("Action for the agency").fill("Audit compliance with the safeguarding policy in every district.")
    due_by = page.get_by_role("group", name="Action due by")
    due_by.get_by_label("Day").fill("31")
    due_by.get_by_label("Month").fill("3")
    due_by.get_by_label("Year").fill("2022")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Recorded the agreed rating for standard 1.1.").wait_for()
    card = page.locator("#standard-1\\.1")
    assert "1 grade lower than self-rated" in card.inner_text() or "2 grades lower" in card.inner_text()
    check_accessibility(page, "s11-return-moderated")

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Assurance").click()
    page.get_by_role("navigation", name="Assurance").get_by_role("link", name="Action register").click()
    page.get_by_label("Search").fill("Audit compliance with the safeguarding policy")
    page.get_by_role("button", name="Apply").click()
    row = page.get_by_role("row").filter(has_text="Audit compliance with the safeguarding policy in every district.")
    assert "West Midlands Police" in row.inner_text()
    assert "Section 11 audit" in row.inner_text()
    check_accessibility(page, "action-register")
    row.get_by_role("link").click()
    page.get_by_role("link", name=re.compile("Section 11 audit 2021-22, standard 1.1")).wait_for()
    check_accessibility(page, "action-detail")

    page.goto(f"{live_server.url}/audits/section-11/movement/")
    assert "Of the" in page.inner_text("main")
    check_accessibility(page, "s11-movement")


def test_the_business_manager_reads_the_other_audits(page, live_server, demo_partnership):
    sign_in(page, live_server.url, ADMIN.email, demo_partnership)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Assurance").click()
    check_accessibility(page, "audits-home")
    page.get_by_role("link", name="Education safeguarding audit 2019-20").click()
    assert "91 of 91 providers" in page.inner_text("main")
    check_accessibility(page, "education-audit")
    page.goto(f"{live_server.url}/audits/")
    page.get_by_role("link", name="Multi-agency case file audit 2019-20").click()
    assert "3 exploitation" in page.inner_text("main")
    check_accessibility(page, "case-audit-programme")
    page.get_by_role("link", name="CA-2019-18").click()
    check_accessibility(page, "case-audit-case")
    page.goto(f"{live_server.url}/audits/section-11/")
    page.get_by_role("link", name="Section 11 audit 2018-19").click()
    page.get_by_role("heading", name="Standards most often needing improvement").wait_for()
    check_accessibility(page, "s11-round")
    page.goto(f"{live_server.url}/audits/inspections/")
    check_accessibility(page, "inspections")
    page.get_by_role("link", name="Inspection of local authority children's services (ILACS)").click()
    check_accessibility(page, "inspection-ofsted")
    page.goto(f"{live_server.url}/audits/frameworks/")
    page.get_by_role("link", name="West Midlands Section 11 standards with Solihull local standards").click()
    check_accessibility(page, "framework-section-11")
