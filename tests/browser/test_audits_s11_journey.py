import re

import pytest

from assure.actions.models import Action
from assure.audits import demo as audits_demo
from assure.audits import services
from assure.audits.models import AnswerStatus, ReturnStatus, Section11Return
from assure.core.demo import DEMO_ACCOUNTS
from assure.core.permissions import Role
from tests.audits.builders import PDF_BYTES
from tests.browser.conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser

ADMIN = next(a for a in DEMO_ACCOUNTS if a.role == Role.PARTNERSHIP_ADMIN)
POLICE_LEAD = next(a for a in DEMO_ACCOUNTS if a.role == Role.AGENCY_LEAD)


def _police_return() -> Section11Return:
    return Section11Return.objects.get(round__name=audits_demo.CURRENT_ROUND_NAME, agency__name="West Midlands Police")


def test_an_agency_lead_checks_and_submits_a_return_from_the_home_page(page, live_server, demo_partnership, tmp_path):
    section11_return = _police_return()
    answers = list(section11_return.answers.select_related("standard").order_by("standard__sort_key"))
    confirmed, changed, without_evidence = answers[:3]
    # The lead has already checked every other carried-forward answer; three are left for this visit.
    for answer in answers[3:]:
        services.section11_answer_save(answer=answer)

    sign_in(page, live_server.url, POLICE_LEAD.email, demo_partnership)
    page.get_by_role(
        "link",
        name=re.compile(rf"West Midlands Police's return .* {len(answers) - 3} of {len(answers)} standards checked"),
    ).click()
    page.get_by_role("heading", level=1, name="West Midlands Police").wait_for()
    assert page.locator(".govuk-task-list__status").filter(has_text="Not started").count() == 3
    check_accessibility(page, "s11-task-list")

    page.get_by_role("link", name=re.compile(rf"^{re.escape(confirmed.standard.number)} ")).click()
    assert "Your answer from the last round is filled in as a starting point" in page.inner_text("main")
    check_accessibility(page, "s11-answer-carried-forward")
    page.get_by_role("button", name="Save and go to the next standard").click()
    page.get_by_role("heading", level=1, name=f"Standard {changed.standard.number}").wait_for()

    page.get_by_role("radio", name="Requires improvement").check()
    page.get_by_role("button", name="Save and go to the next standard").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Say what your agency will do to improve" in summary.inner_text()
    check_accessibility(page, "s11-answer-errors")
    page.get_by_label("What you will do to improve").fill("Add children's feedback to the custody outcomes survey.")
    page.get_by_role("button", name="Save and go to the next standard").click()
    page.get_by_role("heading", level=1, name=f"Standard {without_evidence.standard.number}").wait_for()

    page.get_by_label("Evidence held elsewhere").fill("")
    page.get_by_role("button", name="Save and return to the task list").click()
    anchor = "#standard-" + without_evidence.standard.number.replace(".", "\\.")
    item = page.locator(anchor)
    assert "Needs evidence" in item.inner_text()
    item.get_by_role("link").click()
    page.get_by_role("link", name=f"Add evidence for standard {without_evidence.standard.number}").click()
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
    page.get_by_role("button", name="Save and return to the task list").click()
    assert (
        page.locator(".govuk-task-list__status").filter(has_text=re.compile("Not started|Needs evidence")).count() == 0
    )

    page.get_by_role("link", name="Check your answers").click()
    page.get_by_role("heading", name="Check your answers before you submit").wait_for()
    assert "You cannot submit yet" not in page.inner_text("main")
    check_accessibility(page, "s11-check-answers")
    page.get_by_label("Senior leader's name").fill("Sir David Thompson")
    page.get_by_label("Their job title").fill("Chief constable")
    page.get_by_role("button", name="Submit the return").click()
    assert (
        "Confirm that the senior leader approved this return today" in page.locator(".govuk-error-summary").inner_text()
    )
    check_accessibility(page, "s11-declaration-errors")
    page.get_by_label(re.compile("They approved this return on")).check()
    page.get_by_role("button", name="Submit the return").click()
    page.get_by_role("heading", name="Return submitted").wait_for()
    assert "What happens next" in page.inner_text("main")
    check_accessibility(page, "s11-return-submitted")

    section11_return.refresh_from_db()
    assert section11_return.status == ReturnStatus.SUBMITTED
    assert section11_return.senior_leader_name == "Sir David Thompson"
    # Submission creates no action: moderation decides them.
    assert not Action.objects.filter(source_label__startswith=audits_demo.CURRENT_ROUND_NAME).exists()
    page.get_by_role("link", name="View the return").click()
    assert "Sir David Thompson, Chief constable" in page.inner_text("main")
    check_accessibility(page, "s11-return-submitted-view")


def test_the_business_manager_moderates_with_the_answer_in_view_and_closes_the_obsolete_action(
    page, live_server, demo_partnership
):
    early = Section11Return.objects.get(round__name=audits_demo.CURRENT_ROUND_NAME, status=ReturnStatus.SUBMITTED)
    improved = [a for a in early.answers.select_related("standard") if a.rating_changed]
    assert improved and all(a.status == AnswerStatus.CHANGED for a in improved)

    sign_in(page, live_server.url, ADMIN.email, demo_partnership)
    page.get_by_role("link", name="1 Section 11 return to moderate").click()
    check_accessibility(page, "s11-returns-to-moderate")
    page.get_by_role("link", name=early.agency.name).click()
    page.get_by_role("link", name="Moderate this return").click()
    page.get_by_role("heading", name=f"Moderation: {early.agency.name}").wait_for()
    check_accessibility(page, "s11-moderation")
    page.get_by_label("Changed ratings").check()
    page.get_by_role("button", name="Apply").click()
    assert page.locator("tbody tr").count() == len(improved)

    open_actions_seen = False
    for _ in improved:
        page.get_by_role("link", name=re.compile("Next standard needing moderation")).click()
        heading = page.get_by_role("heading", level=1, name=re.compile(r"Moderate standard"))
        number = heading.inner_text().rsplit(" ", 1)[1]
        main = page.inner_text("main")
        # The agency's answer is in view above the decision: wording, rating, narrative and evidence.
        answer_at, decision_at = main.index("The agency's answer"), main.index("Your decision")
        assert answer_at < main.index("Now met: the policy is updated") < decision_at
        assert answer_at < main.index("Safeguarding audit report, October 2021") < decision_at
        assert re.search("changed from (Requires improvement|Inadequate|not rated) in the last round", main)
        if not open_actions_seen and "Open actions on this standard" in main:
            open_actions_seen = True
            check_accessibility(page, "s11-moderate-standard")
        page.get_by_role("radio", name="Good", exact=True).check()
        page.get_by_label("Challenge and reasons").fill("The October 2021 audit shows the standard met in practice.")
        page.get_by_role("button", name="Save", exact=True).click()
        page.get_by_text(f"Recorded the agreed rating for standard {number}.").wait_for()
    assert open_actions_seen

    obsolete = page.get_by_role("heading", name="Actions these agreed ratings no longer need")
    obsolete.wait_for()
    check_accessibility(page, "s11-moderation-obsolete-actions")
    page.get_by_role("link", name=re.compile("^Close as resolved")).first.click()
    page.get_by_role("heading", name=re.compile(r"Close action A\d+ as resolved\?")).wait_for()
    assert "That is recorded as the evidence for closing it." in page.inner_text("main")
    check_accessibility(page, "action-close-as-resolved")
    page.get_by_role("button", name="Close as resolved").click()
    page.get_by_text(re.compile("as resolved; whoever answers for it has been told")).wait_for()
    assert "No longer needed:" in page.inner_text("main")
    check_accessibility(page, "action-closed-as-resolved")
    closed = Action.objects.filter(resolved_by_id__isnull=False).get()
    assert closed.closure_approved_by.email == ADMIN.email

    page.goto(f"{live_server.url}/audits/section-11/returns/{early.pk}/moderation/")
    page.get_by_role("link", name="Complete moderation").click()
    check_accessibility(page, "s11-moderation-complete")
    page.get_by_role("button", name="Complete moderation").click()
    page.get_by_text(re.compile("Completed moderation")).wait_for()
    early.refresh_from_db()
    assert early.moderation_complete
    check_accessibility(page, "s11-return-moderated")


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
    assert "14 of 14 returns moderated" in page.inner_text("main")
    check_accessibility(page, "s11-round")
    page.goto(f"{live_server.url}/audits/section-11/movement/")
    assert "Of the" in page.inner_text("main")
    check_accessibility(page, "s11-movement")
    page.goto(f"{live_server.url}/audits/inspections/")
    check_accessibility(page, "inspections")
    page.get_by_role("link", name="Inspection of local authority children's services (ILACS)").click()
    check_accessibility(page, "inspection-ofsted")
    page.goto(f"{live_server.url}/audits/frameworks/")
    page.get_by_role("link", name="West Midlands Section 11 standards with Solihull local standards").click()
    check_accessibility(page, "framework-section-11")
