import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from assure.core.demo import DEMO_ACCOUNTS
from assure.core.permissions import Role
from assure.training.models import Booking, BookingStatus, EvaluationResponse
from tests.browser.conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser

COORDINATOR = next(a for a in DEMO_ACCOUNTS if a.role == Role.PARTNERSHIP_ADMIN)
PRACTITIONER = next(a for a in DEMO_ACCOUNTS if a.role == Role.PRACTITIONER)


def _book_the_first_upcoming_course(page) -> None:
    """From the home page: find an upcoming course, open it and book a place with the charges in view."""
    page.get_by_role("link", name="You have no course booked: find a course").click()
    page.get_by_role("heading", name="Courses").wait_for()
    tags = page.locator("tbody .govuk-tag").all_inner_texts()
    assert tags and all(re.fullmatch(r"\d+ places? left|Full — join the waiting list|Booking closed", t) for t in tags)
    check_accessibility(page, "training-find-a-course")
    page.locator("tbody tr").first.get_by_role("link").click()
    page.get_by_role("link", name="Book a place").click()
    page.get_by_role("heading", name="What Solihull schools and colleges is charged").wait_for()
    main = page.inner_text("main")
    # A contributing partner's staff train free, but an empty place or a late cancellation is charged.
    assert "£50.00, unless you cancel" in main and "£25.00 for cancelling fewer than 5 working days" in main
    page.get_by_role("button", name="Book the place").click()
    assert "Select your roles in safeguarding" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page, "training-booking-errors")
    page.get_by_label("Regularly makes child protection referrals").check()
    page.get_by_label("Manages or supervises practitioners who do").check()
    page.get_by_label("Your line manager").select_option(index=1)
    check_accessibility(page, "training-booking-form")
    page.get_by_role("button", name="Book the place").click()
    page.get_by_role("heading", name="Place booked").wait_for()
    check_accessibility(page, "training-booking-confirmed")


def test_a_practitioner_books_from_the_home_page_gets_the_calendar_file_and_cancels(
    page, live_server, demo_partnership, settings
):
    settings.ASSURE_BASE_URL = live_server.url
    sign_in(page, live_server.url, PRACTITIONER.email, demo_partnership)
    check_accessibility(page, "home-practitioner")
    mail.outbox.clear()
    _book_the_first_upcoming_course(page)

    booking = Booking.objects.get(delegate__email=PRACTITIONER.email, status=BookingStatus.BOOKED)
    course = booking.course
    assert sorted(booking.workforce_roles.values_list("role", flat=True)) == ["referrer", "supervisor"]
    # The first email after booking is the confirmation, with the calendar file.
    (email,) = [message for message in mail.outbox if message.to == [PRACTITIONER.email]]
    assert email.subject.startswith("[Assure] Place booked")
    assert f"When: {course.date:%A %-d %B %Y}, 09:30" in email.body and course.venue in email.body
    (attachment,) = email.attachments
    (event,) = Calendar.from_ical(attachment[1]).walk("VEVENT")
    london = ZoneInfo("Europe/London")
    assert event["dtstart"].params["TZID"] == "Europe/London"
    assert event.decoded("dtstart") == datetime.combine(course.date, time(9, 30), tzinfo=london)
    assert event.decoded("dtend") == datetime.combine(course.date, course.end_time, tzinfo=london)

    page.get_by_role("link", name="My training").first.click()
    page.get_by_role("heading", name="My training").wait_for()
    assert str(course.module) in page.get_by_role("region", name="Your coming courses").inner_text()
    check_accessibility(page, "training-my-training")
    page.get_by_role("region", name="Your coming courses").get_by_role("link").first.click()
    check_accessibility(page, "training-booking")
    page.get_by_role("link", name="Cancel this booking").click()
    page.get_by_role("heading", name="Are you sure you want to cancel this place?").wait_for()
    assert "There is no charge for cancelling now." in page.inner_text("main")
    check_accessibility(page, "training-cancel-are-you-sure")
    page.get_by_role("button", name="Yes, cancel the place").click()
    page.get_by_text(re.compile("Cancelled Kim Practitioner's place")).wait_for()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    cancellation = [m for m in mail.outbox if m.subject.startswith("[Assure] Booking cancelled")]
    assert "METHOD:CANCEL" in cancellation[0].attachments[0][1]

    page.goto(f"{live_server.url}/training/my-training/")
    assert str(course.module) in page.get_by_role("region", name="Your cancelled places and courses").inner_text()
    assert page.get_by_role("region", name="Your coming courses").count() == 0
    check_accessibility(page, "training-my-training-cancelled")


def test_the_coordinator_marks_everyone_attended_and_the_practitioner_evaluates(
    browser, page, live_server, demo_partnership, settings
):
    settings.ASSURE_BASE_URL = live_server.url  # where the links in emails lead
    sign_in(page, live_server.url, PRACTITIONER.email, demo_partnership)
    _book_the_first_upcoming_course(page)
    booking = Booking.objects.get(delegate__email=PRACTITIONER.email)

    coordinator_context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    coordinator = coordinator_context.new_page()
    sign_in(coordinator, live_server.url, COORDINATOR.email, demo_partnership)
    coordinator.get_by_role("heading", name="Solihull Safeguarding Children Partnership").wait_for()
    coordinator.goto(f"{live_server.url}/training/courses/{booking.course_id}/")
    coordinator.get_by_role("link", name="Attendance register").click()
    assert "attendance cannot be recorded before the course has happened" in coordinator.inner_text("main")
    check_accessibility(coordinator, "training-register-before-the-day")

    # The course day comes: the register opens on the day of the course.
    type(booking.course).objects.filter(pk=booking.course_id).update(date=timezone.localdate())
    mail.outbox.clear()
    coordinator.reload()
    check_accessibility(coordinator, "training-register")
    coordinator.get_by_role("button", name=re.compile("Mark all 1 as attended")).click()
    coordinator.get_by_text("Marked all 1 people as attended.").wait_for()
    check_accessibility(coordinator, "training-course-after-register")
    coordinator_context.close()

    (email,) = [message for message in mail.outbox if message.to == [PRACTITIONER.email]]
    address = re.search(rf"{re.escape(live_server.url)}/training/evaluate/\S+/", email.body).group(0)
    page.goto(address)
    page.get_by_role("heading", name=str(booking.course.module)).wait_for()
    check_accessibility(page, "training-evaluation")
    page.get_by_role("group", name="Your skills in this area of practice, out of 10").get_by_label(
        "7", exact=True
    ).check()
    page.get_by_role("button", name="Send the evaluation").click()
    assert "Select your knowledge of the subject, out of 10" in page.locator(".govuk-error-summary").inner_text()
    check_accessibility(page, "training-evaluation-errors")
    page.get_by_role("group", name="Your knowledge of the subject, out of 10").get_by_label("8", exact=True).check()
    page.get_by_role("group", name="Your confidence in applying it, out of 10").get_by_label("9", exact=True).check()
    page.get_by_label("How have you used this in practice?").fill("I used what I learned with a family the next week.")
    page.get_by_role("button", name="Send the evaluation").click()
    page.get_by_role("heading", name="Evaluation sent").wait_for()
    check_accessibility(page, "training-evaluation-sent")

    response = EvaluationResponse.objects.get(booking=booking)
    assert (response.stage, response.knowledge, response.skills, response.confidence) == ("post", 8, 7, 9)


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
    page.goto(f"{live_server.url}/training/reports/workforce/")
    assert "493 people attended at least one course in 2019-20." in page.inner_text("main")
