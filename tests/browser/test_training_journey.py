import re

import pytest
from django.core import mail
from django.utils import timezone

from assure.core.demo import DEMO_ACCOUNTS
from assure.core.permissions import Role
from assure.training.models import Booking, EvaluationResponse
from tests.browser.conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser

COORDINATOR = next(a for a in DEMO_ACCOUNTS if a.role == Role.PARTNERSHIP_ADMIN)
PRACTITIONER = next(a for a in DEMO_ACCOUNTS if a.role == Role.PRACTITIONER)


def test_a_practitioner_books_attends_and_evaluates_a_course(browser, page, live_server, demo_partnership, settings):
    settings.ASSURE_BASE_URL = live_server.url  # where the links in emails lead
    sign_in(page, live_server.url, PRACTITIONER.email, demo_partnership)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Training").click()
    page.get_by_role("heading", name="Multi-agency training programme").wait_for()
    check_accessibility(page, "training-programme")

    page.get_by_role("link", name="6c", exact=True).click()
    page.get_by_role("heading", name="Neglect – GCP2").wait_for()
    check_accessibility(page, "training-module")
    page.locator("main ul.govuk-list a").first.click()
    page.get_by_role("link", name="Book a place").wait_for()
    check_accessibility(page, "training-course")

    page.get_by_role("link", name="Book a place").click()
    page.get_by_role("button", name="Book the place").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "Select your role in safeguarding" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page, "training-booking-errors")
    page.get_by_label("Regularly makes child protection referrals").check()
    page.get_by_label("Your line manager").select_option(index=1)
    page.get_by_role("button", name="Book the place").click()
    page.get_by_role("heading", name="My training").wait_for()
    assert "Booked" in page.inner_text("main")
    check_accessibility(page, "training-my-training")

    booking = Booking.objects.get(delegate__email=PRACTITIONER.email)
    # The course day comes: the register opens on the day of the course.
    type(booking.course).objects.filter(pk=booking.course_id).update(date=timezone.localdate())
    mail.outbox.clear()

    coordinator_context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    coordinator = coordinator_context.new_page()
    sign_in(coordinator, live_server.url, COORDINATOR.email, demo_partnership)
    coordinator.get_by_role("heading", name="Solihull Safeguarding Children Partnership").wait_for()
    coordinator.goto(f"{live_server.url}/training/courses/{booking.course_id}/")
    coordinator.get_by_role("link", name="Attendance register").click()
    coordinator.get_by_role("heading", name="Attendance register").wait_for()
    check_accessibility(coordinator, "training-register")
    coordinator.get_by_role("group", name=re.compile("Kim Practitioner")).get_by_label("Attended").check()
    coordinator.get_by_role("button", name="Save the register").click()
    coordinator.get_by_text("Saved the register.").wait_for()
    check_accessibility(coordinator, "training-course-after-register")
    coordinator_context.close()

    (email,) = [message for message in mail.outbox if message.to == [PRACTITIONER.email]]
    address = re.search(rf"{re.escape(live_server.url)}/training/evaluate/\S+/", email.body).group(0)
    page.goto(address)
    page.get_by_role("heading", name="Module 6c: Neglect – GCP2").wait_for()
    check_accessibility(page, "training-evaluation")
    page.get_by_role("group", name="Your skills in this area of practice, out of 10").get_by_label(
        "7", exact=True
    ).check()
    page.get_by_role("button", name="Send the evaluation").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "Select your knowledge of the subject, out of 10" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page, "training-evaluation-errors")
    page.get_by_role("group", name="Your knowledge of the subject, out of 10").get_by_label("8", exact=True).check()
    page.get_by_role("group", name="Your confidence in applying it, out of 10").get_by_label("9", exact=True).check()
    page.get_by_label("How have you used this in practice?").fill("I used the GCP2 with a family the next week.")
    page.get_by_role("button", name="Send the evaluation").click()
    page.get_by_role("heading", name="Evaluation sent").wait_for()
    check_accessibility(page, "training-evaluation-sent")

    response = EvaluationResponse.objects.get(booking=booking)
    assert (response.stage, response.knowledge, response.skills, response.confidence) == ("post", 8, 7, 9)
    page.goto(address)
    assert "You have already given this evaluation" in page.inner_text("main")


def test_the_coordinator_reads_the_training_reports(page, live_server, demo_partnership):
    sign_in(page, live_server.url, COORDINATOR.email, demo_partnership)
    page.get_by_role("heading", name="Solihull Safeguarding Children Partnership").wait_for()
    for path, name, heading in [
        ("reports/attendance/", "training-report-attendance", "Attendance by agency, 2019-20"),
        (
            "reports/evaluation/?priority=&since=01/09/2017",
            "training-report-evaluation",
            "Courses, attendance and evaluation, 2019-20",
        ),
        ("reports/workforce/", "training-report-workforce", "Workforce development strategy, 2019-20"),
        ("reports/needs/", "training-report-needs", "Training needs analysis, 2019-20"),
        ("reports/take-up/", "training-report-take-up", "Tool take-up after training, 2019-20"),
        ("reports/impact/", "training-report-impact", "Impact statements, 2019-20"),
        ("charging/", "training-charging", "Charging and invoices"),
    ]:
        page.goto(f"{live_server.url}/training/{path}")
        page.get_by_role("heading", name=heading).wait_for()
        check_accessibility(page, name)
    page.goto(f"{live_server.url}/training/reports/attendance/")
    assert "493 practitioners trained in 2019-20." in page.inner_text("main")
