"""My training: coming courses soonest first, cancelled ones apart. A register marks everyone attended at once, and
never before the course."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assure.training.models import Attendance, EvaluationLink, Stage
from assure.training.services import BookingRefused, attendance_record, booking_cancel


def test_my_training_shows_coming_courses_soonest_first_and_cancelled_ones_apart(
    client, practitioner, make_course, book, school
):
    later = book(make_course(days_ahead=40), school, delegate=practitioner)
    sooner = book(make_course(days_ahead=10), school, delegate=practitioner)
    dropped = book(make_course(days_ahead=20), school, delegate=practitioner)
    booking_cancel(booking=dropped, by=practitioner)
    client.force_login(practitioner)
    context = client.get(reverse("training:my-training")).context
    assert list(context["upcoming"]) == [sooner, later]
    assert [booking.pk for booking in context["cancelled"]] == [dropped.pk]


def test_the_register_marks_everyone_attended_at_once(admin_client, make_course, book, school):
    course = make_course(days_ahead=0)
    bookings = [book(course, school) for _ in range(3)]
    response = admin_client.post(reverse("training:course-register", args=[course.pk]), {"everyone": "attended"})
    assert response.status_code == 302
    for booking in bookings:
        booking.refresh_from_db()
        assert booking.attendance == Attendance.ATTENDED
    assert EvaluationLink.objects.filter(stage=Stage.POST).count() == 3


def test_attendance_before_the_course_date_is_refused(admin_client, make_course, book, school):
    course = make_course(days_ahead=1)
    booking = book(course, school)
    page = admin_client.get(reverse("training:course-register", args=[course.pk])).content.decode()
    assert "attendance cannot be recorded before the course has happened" in page
    response = admin_client.post(reverse("training:course-register", args=[course.pk]), {"everyone": "attended"})
    assert response.status_code == 400
    with pytest.raises(BookingRefused):
        attendance_record(
            course=course, attendance={booking.pk: Attendance.ATTENDED}, by=None, today=course.date - timedelta(days=1)
        )
    booking.refresh_from_db()
    assert booking.attendance == ""
    assert course.date > timezone.localdate()
