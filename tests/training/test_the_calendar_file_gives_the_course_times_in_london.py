"""The .ics parses, with DTSTART and DTEND under TZID Europe/London equal to the course's times, in winter and in
British Summer Time; a change to the course sends the event again with a higher SEQUENCE, a cancellation METHOD:CANCEL."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from assure.training.calendar import CANCEL, booking_calendar, event_uid
from assure.training.services import booking_cancel, course_cancelled, course_changed

LONDON = ZoneInfo("Europe/London")


def _event(text: str):
    calendar = Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.mark.parametrize(
    ("day", "utc_offset_hours"), [(date(2027, 1, 12), 0), (date(2027, 7, 13), 1)], ids=["winter", "summer time"]
)
def test_the_event_starts_and_ends_at_the_courses_local_times(make_course, book, school, day, utc_offset_hours):
    course = make_course(on=day)
    calendar, event = _event(booking_calendar(book(course, school, today=date(2026, 12, 1))))
    assert str(calendar["method"]) == "REQUEST"
    assert event["dtstart"].params["TZID"] == "Europe/London" and event["dtend"].params["TZID"] == "Europe/London"
    assert event.decoded("dtstart") == datetime.combine(day, time(9, 30), tzinfo=LONDON)
    assert event.decoded("dtend") == datetime.combine(day, time(12, 30), tzinfo=LONDON)
    assert event.decoded("dtstart").utcoffset().total_seconds() == utc_offset_hours * 3600
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["location"]) == "Council House"


def test_a_changed_course_sends_the_same_event_again_with_a_higher_sequence(
    make_course, book, school, django_capture_on_commit_callbacks
):
    course = make_course()
    booking = book(course, school)
    _, before = _event(booking_calendar(booking))
    mail.outbox.clear()
    course.start_time = time(13, 30)
    course.end_time = time(16, 30)
    course.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert course_changed(course=course) == 1
    (message,) = mail.outbox
    _, after = _event(message.attachments[0][1])
    assert str(after["uid"]) == str(before["uid"]) == event_uid(booking)
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstart").time() == time(13, 30)


def test_changing_the_time_on_the_course_page_tells_everyone_booked(
    admin_client, make_course, book, school, module, django_capture_on_commit_callbacks
):
    course = make_course()
    booking = book(course, school)
    mail.outbox.clear()
    form = {
        "module": module.pk,
        "date": course.date.strftime("%d/%m/%Y"),
        "start_time": "10:00",
        "end_time": "13:00",
        "venue": "Council House",
        "trainer": "Training officer",
        "capacity": 10,
        "booking_deadline": course.booking_deadline.strftime("%d/%m/%Y"),
        "late_cancellation_working_days": 5,
        "status": "scheduled",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(reverse("training:course-edit", args=[course.pk]), form).status_code == 302
    (message,) = mail.outbox
    assert message.to == [booking.delegate.email] and message.subject.startswith("[Assure] Changed:")


def test_cancelling_the_course_or_the_place_cancels_the_event(
    make_course, book, school, django_capture_on_commit_callbacks
):
    course = make_course()
    leaving, staying = book(course, school), book(course, school)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=leaving, by=leaving.delegate)
        course.status, course.cancellation_reason = "cancelled", "Trainer unwell"
        course.save()
        course_cancelled(course=course)
    for message in mail.outbox:
        calendar, event = _event(message.attachments[0][1])
        assert str(calendar["method"]) == CANCEL and str(event["status"]) == "CANCELLED"
    assert sorted(message.to[0] for message in mail.outbox) == sorted([leaving.delegate.email, staying.delegate.email])


def test_a_confirmed_place_downloads_its_calendar_file(client, make_course, book, school):
    booking = book(make_course(), school)
    client.force_login(booking.delegate)
    response = client.get(reverse("training:booking-calendar", args=[booking.pk]))
    assert response["Content-Type"] == "text/calendar"
    _, event = _event(response.content.decode())
    assert str(event["uid"]) == event_uid(booking)
