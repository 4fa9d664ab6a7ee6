import re
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assure.training.models import Attendance, EvaluationLink, Stage
from assure.training.services import booking_cancel


def test_marking_attendance_sends_the_post_course_evaluation(
    admin_client, make_course, book, school, settings, django_capture_on_commit_callbacks
):
    settings.ASSURE_BASE_URL = "https://assure.test"
    course = make_course(days_ahead=3)
    came, missed = book(course, school), book(course, school)
    course.date = timezone.localdate()  # the course day has come
    course.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("training:course-register", args=[course.pk]),
            {f"booking_{came.pk}": "attended", f"booking_{missed.pk}": "did_not_attend"},
        )

    assert response.status_code == 302
    came.refresh_from_db()
    missed.refresh_from_db()
    assert (came.attendance, missed.attendance) == (Attendance.ATTENDED, Attendance.DID_NOT_ATTEND)
    link = EvaluationLink.objects.get(stage=Stage.POST)
    assert (link.booking, link.sent_to) == (came, came.delegate.email)
    assert [message.to for message in mail.outbox] == [[came.delegate.email]]
    address = re.search(r"https://assure\.test(/training/evaluate/\S+/)", mail.outbox[0].body).group(1)
    assert admin_client.get(address).status_code == 403  # the link is the delegate's, not the coordinator's


def test_the_register_must_mark_everyone(admin_client, make_course, book, school):
    course = make_course(days_ahead=3)
    first, second = book(course, school), book(course, school)
    course.date = timezone.localdate()
    course.save()
    response = admin_client.post(
        reverse("training:course-register", args=[course.pk]), {f"booking_{first.pk}": "attended"}
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attendance, second.attendance) == ("", "")


def test_attendance_cannot_be_recorded_before_the_course(admin_client, make_course, book, school):
    course = make_course(days_ahead=3)
    booking = book(course, school)
    response = admin_client.post(
        reverse("training:course-register", args=[course.pk]), {f"booking_{booking.pk}": "attended"}
    )
    assert response.status_code == 400
    assert "Attendance can be recorded from the day of the course, not before." in response.content.decode()
    booking.refresh_from_db()
    assert booking.attendance == ""


def test_the_register_lists_only_confirmed_places(admin_client, make_course, book, school):
    course = make_course(capacity=1, days_ahead=10)
    booked = book(course, school)
    book(course, school, join_waiting_list=True)
    cancelled = book(make_course(days_ahead=10), school)
    booking_cancel(booking=cancelled, by=None)
    form = admin_client.get(reverse("training:course-register", args=[course.pk])).context["form"]
    assert list(form.fields) == [f"booking_{booked.pk}"]


def test_an_attendee_gets_a_certificate_as_a_page_and_a_pdf(client, make_course, book, school, practitioner):
    course = make_course(on=timezone.localdate() - timedelta(days=1))
    booking = book(course, school, delegate=practitioner, today=timezone.localdate() - timedelta(days=5))
    client.force_login(practitioner)
    assert client.get(reverse("training:certificate", args=[booking.pk])).status_code == 404
    booking.attendance = Attendance.ATTENDED
    booking.save()
    page = client.get(reverse("training:certificate", args=[booking.pk]))
    assert "Kim Practitioner" in page.content.decode()
    pdf = client.get(reverse("training:certificate-pdf", args=[booking.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
