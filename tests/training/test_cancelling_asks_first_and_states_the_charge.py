"""Cancelling asks "Are you sure?" and states any charge; a waiting-list place is left the same way."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from assure.core.workdays import add_working_days
from assure.training.models import Attendance, BookingStatus


def test_cancelling_inside_the_cut_off_states_the_late_cancellation_charge(
    client, make_course, book, school, charging_policy
):
    course = make_course(on=add_working_days(timezone.localdate(), 2))
    booking = book(course, school, today=course.date - timedelta(days=20))
    client.force_login(booking.delegate)
    url = reverse("training:booking-cancel", args=[booking.pk])
    page = client.get(url).content.decode()
    assert "Are you sure you want to cancel this place?" in page
    assert "Test Academy will be charged £60.00" in page
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED  # asking changes nothing
    assert client.post(url).status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.attendance) == (BookingStatus.CANCELLED, Attendance.CANCELLED_LATE)


def test_cancelling_early_says_there_is_no_charge(client, make_course, book, school, charging_policy):
    booking = book(make_course(days_ahead=60), school)
    client.force_login(booking.delegate)
    page = client.get(reverse("training:booking-cancel", args=[booking.pk])).content.decode()
    assert "There is no charge for cancelling now." in page


def test_leaving_the_waiting_list(client, make_course, book, school):
    course = make_course(capacity=1)
    book(course, school)
    waiting = book(course, school, join_waiting_list=True)
    client.force_login(waiting.delegate)
    detail = client.get(waiting.get_absolute_url()).content.decode()
    assert "Leave the waiting list" in detail
    url = reverse("training:booking-cancel", args=[waiting.pk])
    assert "Leave the waiting list?" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "has left the waiting list" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == BookingStatus.CANCELLED
