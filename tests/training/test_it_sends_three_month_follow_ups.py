from datetime import date
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from assure.core.periods import add_months
from assure.core.permissions import Role
from assure.training.models import Attendance, EvaluationLink, Stage
from assure.training.services import follow_ups_due, send_follow_ups


def _attended(course, book, school, **options):
    booking = book(course, school, today=date(2019, 10, 1), **options)
    booking.attendance = Attendance.ATTENDED
    booking.save()
    return booking


def test_the_three_month_evaluation_goes_to_the_delegate_and_their_manager(
    make_course, book, school, make_person, settings, django_capture_on_commit_callbacks
):
    manager = make_person(Role.PRACTITIONER, school, email="manager@test.example")
    settings.ASSURE_BASE_URL = "https://assure.test"
    course = make_course(on=date(2019, 11, 26), booking_deadline=date(2019, 11, 26))
    booking = _attended(course, book, school, manager=manager)
    not_yet = _attended(make_course(on=date(2019, 12, 10), booking_deadline=date(2019, 12, 10)), book, school)

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_follow_ups(today=date(2020, 2, 26))

    assert sent == 2
    follow_ups = EvaluationLink.objects.exclude(stage=Stage.PRE)
    assert sorted(follow_ups.values_list("booking_id", "stage", "sent_to")) == [
        (booking.pk, Stage.FOLLOW_UP, booking.delegate.email),
        (booking.pk, Stage.MANAGER, "manager@test.example"),
    ]
    assert sorted(message.to[0] for message in mail.outbox) == sorted([booking.delegate.email, "manager@test.example"])
    assert all("https://assure.test/training/evaluate/" in message.body for message in mail.outbox)
    assert not not_yet.evaluation_links.exclude(stage=Stage.PRE).exists()


def test_running_again_sends_nothing_twice(make_course, book, school):
    course = make_course(on=date(2019, 11, 26), booking_deadline=date(2019, 11, 26))
    _attended(course, book, school)
    assert send_follow_ups(today=date(2020, 2, 26)) == 1
    assert send_follow_ups(today=date(2020, 2, 27)) == 0
    assert follow_ups_due(date(2020, 3, 1)) == []


def test_people_who_did_not_attend_get_no_follow_up(make_course, book, school):
    course = make_course(on=date(2019, 11, 26), booking_deadline=date(2019, 11, 26))
    booking = book(course, school, today=date(2019, 10, 1))
    booking.attendance = Attendance.DID_NOT_ATTEND
    booking.save()
    assert follow_ups_due(date(2020, 2, 26)) == []


def test_the_command_for_cron_sends_what_is_due(make_course, book, school, django_capture_on_commit_callbacks):
    course_day = add_months(timezone.localdate(), -3)
    course = make_course(on=course_day, booking_deadline=course_day)
    _attended(course, book, school)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_training_followups", stdout=out)
    assert "Sent 1 three-month evaluation email." in out.getvalue()
    assert len(mail.outbox) == 1
