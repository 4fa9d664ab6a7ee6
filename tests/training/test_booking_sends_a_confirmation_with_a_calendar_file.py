"""The first email after booking is the confirmation (date, time, venue, cancellation terms, a calendar file); the
pre-course self-rating comes with the reminder two working days before the course."""

from datetime import date, timedelta

from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from assure.core.workdays import add_working_days
from assure.training.models import Booking, BookingStatus, EvaluationLink, Stage
from assure.training.services import course_reminders_send


def _calendar(message) -> Calendar:
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert (filename, mimetype) == ("course.ics", "text/calendar")
    return Calendar.from_ical(content)


def test_the_first_email_after_booking_is_the_confirmation_with_a_calendar_file(
    client, make_course, practitioner, charging_policy, django_capture_on_commit_callbacks
):
    course = make_course()
    client.force_login(practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:course-book", args=[course.pk]),
            {"workforce_roles": ["referrer"], "job_title": "Designated safeguarding lead"},
        )
    booking = Booking.objects.get(delegate=practitioner)
    assert response.url == reverse("training:booking-confirmed", args=[booking.pk])
    assert not EvaluationLink.objects.exists()
    (message,) = mail.outbox
    assert message.to == [practitioner.email]
    assert message.subject.startswith("[Assure] Place booked: Module 6c")
    assert f"When: {course.date:%A %-d %B %Y}, 09:30 to 12:30" in message.body
    assert "Where: Council House" in message.body
    # The school is not a contributing partner: the module's own rule (£75 a place, £60 late) applies.
    assert "Cancelling fewer than 5 working days before the course is a late cancellation" in message.body
    assert "Test Academy is charged £60.00" in message.body
    (event,) = _calendar(message).walk("VEVENT")
    assert event.decoded("dtstart").date() == course.date


def test_the_confirmation_page_says_what_happens_next(client, make_course, practitioner):
    course = make_course()
    client.force_login(practitioner)
    response = client.post(
        reverse("training:course-book", args=[course.pk]), {"workforce_roles": ["referrer"], "job_title": "Teacher"}
    )
    page = client.get(response.url).content.decode()
    assert "Place booked" in page and "What happens next" in page
    assert f"We have sent a confirmation email to {practitioner.email}" in page


def test_joining_the_waiting_list_is_confirmed_without_a_calendar_file_or_an_evaluation(
    client, make_course, book, school, practitioner, django_capture_on_commit_callbacks
):
    course = make_course(capacity=1)
    book(course, school)
    client.force_login(practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("training:course-book", args=[course.pk]),
            {"workforce_roles": ["referrer"], "job_title": "Teacher", "waiting_list": "yes"},
        )
    assert Booking.objects.get(delegate=practitioner).status == BookingStatus.WAITING_LIST
    assert not EvaluationLink.objects.filter(booking__delegate=practitioner).exists()
    (message,) = mail.outbox
    assert "On the waiting list" in message.subject and "number 1" in message.body
    assert message.attachments == []


def test_the_reminder_comes_two_working_days_before_with_the_pre_course_self_rating(
    make_course, book, school, django_capture_on_commit_callbacks
):
    # Friday 3 July 2026: the course on Tuesday 7 July is two working days away; the one on Wednesday is three.
    friday = date(2026, 7, 3)
    tuesday = make_course(on=add_working_days(friday, 2))
    wednesday = make_course(on=add_working_days(friday, 3))
    booked_on = friday - timedelta(days=20)
    soon, later = book(tuesday, school, today=booked_on), book(wednesday, school, today=booked_on)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert course_reminders_send(today=friday) == 1
        assert course_reminders_send(today=friday) == 0  # nobody is reminded twice
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == [
        "[Assure] Evaluation: Module 6c: Neglect – GCP2",
        "[Assure] Reminder: Module 6c: Neglect – GCP2, Tuesday 7 July",
    ]
    assert all(message.to == [soon.delegate.email] for message in mail.outbox)
    link = EvaluationLink.objects.get()
    assert (link.booking, link.stage) == (soon, Stage.PRE)
    later.refresh_from_db()
    assert later.reminded_on is None
