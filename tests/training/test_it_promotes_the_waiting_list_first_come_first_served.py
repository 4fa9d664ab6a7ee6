from datetime import timedelta

from django.core import mail
from django.utils import timezone

from assure.training.models import AgencyTrainingProfile, Attendance, BookingStatus
from assure.training.services import booking_cancel, booking_decide


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list(
    make_course, book, school, django_capture_on_commit_callbacks
):
    course = make_course(capacity=1)
    booked = book(course, school)
    first = book(course, school, join_waiting_list=True)
    second = book(course, school, join_waiting_list=True)

    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=booked, by=booked.delegate)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (BookingStatus.BOOKED, BookingStatus.WAITING_LIST)
    told = {message.to[0]: message for message in mail.outbox}
    assert sorted(told) == sorted([booked.delegate.email, first.delegate.email])
    assert "You have a place" in told[first.delegate.email].subject
    assert "Booking cancelled" in told[booked.delegate.email].subject


def test_cancelling_a_waiting_list_position_frees_no_place(make_course, book, school):
    course = make_course(capacity=1)
    booked = book(course, school)
    first = book(course, school, join_waiting_list=True)
    second = book(course, school, join_waiting_list=True)

    booking_cancel(booking=first, by=first.delegate)

    booked.refresh_from_db()
    second.refresh_from_db()
    assert (booked.status, second.status) == (BookingStatus.BOOKED, BookingStatus.WAITING_LIST)


def test_a_place_declined_by_the_agency_goes_to_the_waiting_list(make_course, book, school, make_person):
    AgencyTrainingProfile.objects.create(agency=school, requires_manager_approval=True)
    course = make_course(capacity=1)
    awaiting = book(course, school)
    assert awaiting.status == BookingStatus.AWAITING_APPROVAL
    waiting = book(course, school, join_waiting_list=True)

    booking_decide(booking=awaiting, approve=False, by=make_person("agency_lead", school))

    waiting.refresh_from_db()
    # The promoted person's own booking still needs their agency's approval.
    assert waiting.status == BookingStatus.AWAITING_APPROVAL


def test_cancelling_inside_the_cut_off_is_a_late_cancellation(make_course, book, school):
    soon = make_course(days_ahead=2, late_cancellation_working_days=5)
    later = make_course(days_ahead=60, late_cancellation_working_days=5)
    late = booking_cancel(booking=book(soon, school), by=None)
    in_time = booking_cancel(booking=book(later, school), by=None)
    assert (late.status, late.attendance) == (BookingStatus.CANCELLED, Attendance.CANCELLED_LATE)
    assert (in_time.status, in_time.attendance) == (BookingStatus.CANCELLED, "")


def test_the_cut_off_counts_working_days(make_course, book, school):
    today = timezone.localdate()
    # Seven calendar days ahead always spans a weekend, so it is five working days at most.
    course = make_course(on=today + timedelta(days=7), late_cancellation_working_days=6)
    assert booking_cancel(booking=book(course, school), by=None).attendance == Attendance.CANCELLED_LATE


def test_the_waiting_list_shows_each_persons_place_in_the_queue(make_course, book, school):
    course = make_course(capacity=1)
    booked = book(course, school)
    first, second = book(course, school, join_waiting_list=True), book(course, school, join_waiting_list=True)
    assert (booked.waiting_list_position(), first.waiting_list_position(), second.waiting_list_position()) == (
        None,
        1,
        2,
    )
    booking_cancel(booking=first, by=first.delegate)
    second.refresh_from_db()
    assert second.waiting_list_position() == 1
