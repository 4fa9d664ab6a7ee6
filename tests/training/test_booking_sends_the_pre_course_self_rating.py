from django.core import mail
from django.urls import reverse

from assure.training.models import Booking, BookingStatus, EvaluationLink, Stage


def test_booking_a_place_emails_the_pre_course_self_rating(
    client, make_course, practitioner, django_capture_on_commit_callbacks
):
    course = make_course()
    client.force_login(practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:course-book", args=[course.pk]),
            {"workforce_role": "referrer", "job_title": "Designated safeguarding lead"},
        )
    assert response.status_code == 302
    booking = Booking.objects.get(delegate=practitioner)
    link = EvaluationLink.objects.get()
    assert (link.booking, link.stage, link.sent_to) == (booking, Stage.PRE, practitioner.email)
    (message,) = mail.outbox
    assert message.to == [practitioner.email]
    assert "Before your course, please rate your knowledge, skills and confidence out of 10." in message.body


def test_joining_the_waiting_list_sends_no_evaluation(
    client, make_course, book, school, practitioner, django_capture_on_commit_callbacks
):
    course = make_course(capacity=1)
    book(course, school)
    client.force_login(practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("training:course-book", args=[course.pk]),
            {"workforce_role": "referrer", "job_title": "Teacher", "waiting_list": "yes"},
        )
    assert Booking.objects.get(delegate=practitioner).status == BookingStatus.WAITING_LIST
    assert not EvaluationLink.objects.filter(booking__delegate=practitioner).exists()
    assert mail.outbox == []
