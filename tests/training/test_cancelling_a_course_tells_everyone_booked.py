from django.core import mail
from django.urls import reverse

from assure.training.models import Attendance, CourseStatus
from assure.training.services import fees_for_booking


def test_cancelling_a_course_emails_everyone_booked_and_charges_nobody(
    admin_client, charging_policy, make_course, book, school, django_capture_on_commit_callbacks
):
    course = make_course(capacity=1, days_ahead=2)
    booked, waiting = book(course, school), book(course, school, join_waiting_list=True)
    form = {
        "module": course.module.pk,
        "date": course.date.strftime("%d/%m/%Y"),
        "start_time": "09:30",
        "end_time": "12:30",
        "venue": course.venue,
        "trainer": course.trainer,
        "capacity": "1",
        "booking_deadline": course.booking_deadline.strftime("%d/%m/%Y"),
        "late_cancellation_working_days": "5",
        "status": "cancelled",
        "cancellation_reason": "Coronavirus restrictions",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("training:course-edit", args=[course.pk]), form)

    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.status, course.cancellation_reason) == (CourseStatus.CANCELLED, "Coronavirus restrictions")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([booked.delegate.email, waiting.delegate.email])
    assert "is cancelled: Coronavirus restrictions" in mail.outbox[0].body
    booked.refresh_from_db()
    booked.attendance = Attendance.CANCELLED_LATE  # even inside the cut-off
    assert fees_for_booking(booked) == []
