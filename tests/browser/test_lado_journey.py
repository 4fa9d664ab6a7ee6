"""The LADO's journey: records a consultation, turns a second one into an allegation, holds a meeting and records the
outcome; the business manager opens the aggregate LADO figures and cannot reach the record."""

import re

import pytest
from django.utils import timezone

from assure.core.permissions import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db, make_person, council, police):
    return (
        make_person(Role.LADO, council, email="lado@test.example", full_name="Lee Designated"),
        make_person(Role.PARTNERSHIP_ADMIN, council, email="manager@test.example", full_name="Bea Manager"),
    )


def fill_date(page, legend: str, day) -> None:
    group = page.get_by_role("group", name=re.compile(legend))
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def choose(page, legend: str, option: str) -> None:
    page.get_by_role("group", name=re.compile(legend)).get_by_label(option, exact=True).check()


def record_consultation(page, base_url, today, adult: str) -> None:
    page.goto(f"{base_url}/lado/consultations/new/")
    fill_date(page, "Date of the enquiry", today)
    choose(page, "Enquirer's sector", "Education")
    page.get_by_label("Enquirer's role").fill("Headteacher")
    page.get_by_label("Adult's full name").fill(adult)
    page.get_by_label("The concern in brief").fill("A teaching assistant shouted at a pupil.")
    page.get_by_label("Advice given").fill("Talk to the LADO again if it happens again.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved consultation C-").wait_for()


def test_the_lado_works_a_case_and_the_business_manager_sees_only_figures(browser, live_server, people):
    lado, manager = people
    today = timezone.localdate()
    page = browser.new_context(bypass_csp=True).new_page()
    sign_in(page, live_server.url, lado.email, PASSWORD)

    page.goto(f"{live_server.url}/lado/consultations/new/")
    page.get_by_role("button", name="Save").click()
    page.locator(".govuk-error-summary").wait_for()
    check_accessibility(page, "lado-consultation-errors")
    record_consultation(page, live_server.url, today, "Alex Ashdown")
    check_accessibility(page, "lado-consultation")

    record_consultation(page, live_server.url, today, "Sam Birchley")
    page.get_by_role("link", name="Refer as an allegation").click()
    choose(page, "Who referred", "The employer or volunteer organisation")
    page.get_by_label("Adult's role").fill("Teaching assistant")
    page.get_by_label("Employer", exact=True).fill("Elmdon Primary School")
    choose(page, "Employment sector", "Education")
    choose(page, "Category of abuse", "Emotional")
    page.get_by_label(re.compile("^Behaved towards a child or children")).check()
    choose(page, "Age band of the child", "5 to 10")
    check_accessibility(page, "lado-allegation-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved allegation L-").wait_for()
    allegation_url = page.url

    page.get_by_role("link", name="Record the initial consideration").click()
    fill_date(page, "Date of initial consideration", today)
    choose(page, "Decision", "Hold an allegation management meeting")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Recorded the initial consideration.").wait_for()

    page.get_by_role("link", name="Record a meeting").click()
    fill_date(page, "Date of the meeting", today)
    page.get_by_role("group", name=re.compile("Agencies attending")).get_by_label("Test Police").check()
    page.get_by_label("Decisions").fill("The school to complete its investigation.")
    check_accessibility(page, "lado-meeting-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Recorded the meeting.").wait_for()

    page.get_by_role("link", name="Record the outcome").click()
    page.get_by_text("There is sufficient evidence to prove the allegation.").wait_for()
    check_accessibility(page, "lado-outcome-form")
    choose(page, "Outcome", "Unsubstantiated")
    fill_date(page, "Date the outcome was agreed", today)
    page.get_by_role("button", name="Save the outcome").click()
    page.get_by_text("Recorded the outcome.").wait_for()
    assert "Unsubstantiated, agreed" in page.content()
    check_accessibility(page, "lado-allegation")

    manager_page = browser.new_context(bypass_csp=True).new_page()
    sign_in(manager_page, live_server.url, manager.email, PASSWORD)
    manager_page.get_by_role("link", name="Assurance").first.click()
    manager_page.get_by_role("link", name="LADO figures").first.click()
    manager_page.get_by_role("heading", name="LADO figures", level=1).wait_for()
    check_accessibility(manager_page, "lado-figures")
    assert "Sam Birchley" not in manager_page.content()
    manager_page.goto(allegation_url)
    manager_page.get_by_role("heading", name="Page not found").wait_for()
    assert "Sam Birchley" not in manager_page.content()
