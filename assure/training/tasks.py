"""Emails the training programme sends, queued so a slow mail server never holds up a page."""

from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from .models import Booking, EvaluationLink, Stage

_INTRODUCTIONS = {
    Stage.PRE: "Before your course, please rate your knowledge, skills and confidence out of 10.",
    Stage.POST: "Thank you for attending. Please rate your knowledge, skills and confidence now the course is over.",
    Stage.FOLLOW_UP: (
        "Three months have passed since your course. Please rate your knowledge, skills and confidence again, "
        "and tell us how you have used what you learned in practice."
    ),
    Stage.MANAGER: (
        "Three months ago a member of your staff attended this course. Please rate the difference it has made "
        "to their knowledge, skills and confidence, and tell us how they have used it in practice."
    ),
}


@task()
def email_evaluation_link(link_id: int, base_url: str) -> None:
    from .services import EVALUATION_LINK_VALID_DAYS, evaluation_token

    link = EvaluationLink.objects.select_related("booking__course__module", "booking__delegate").get(pk=link_id)
    course = link.booking.course
    address = base_url.rstrip("/") + reverse("training:evaluate", args=[evaluation_token(link)])
    body = "\n\n".join(
        [
            f"{course.module}, {course.date:%-d %B %Y}",
            _INTRODUCTIONS[Stage(link.stage)],
            f"Open this link (it works once, for {EVALUATION_LINK_VALID_DAYS} days, without signing in):\n{address}",
            "If you did not expect this email, you can ignore it.",
        ]
    )
    send_mail(f"Evaluation: {course.module}", body, None, [link.sent_to])


@task()
def email_place_offered(booking_id: int) -> None:
    booking = Booking.objects.select_related("course__module", "delegate").get(pk=booking_id)
    course = booking.course
    body = (
        f"A place has come up on {course.module} on {course.date:%-d %B %Y}, and you were first on the waiting list.\n\n"
        f"Your booking is now: {booking.get_status_display().lower()}. If you can no longer attend, cancel it from "
        "'My training' in Assure so the next person can have the place."
    )
    send_mail(f"You have a place: {course.module}", body, None, [booking.delegate.email])


@task()
def email_course_cancelled(booking_id: int) -> None:
    booking = Booking.objects.select_related("course__module", "delegate").get(pk=booking_id)
    course = booking.course
    body = (
        f"{course.module} on {course.date:%-d %B %Y} is cancelled: {course.cancellation_reason}\n\n"
        "Nothing is charged for it. Look in 'My training' in Assure for another date."
    )
    send_mail(f"Cancelled: {course.module}, {course.date:%-d %B %Y}", body, None, [booking.delegate.email])
