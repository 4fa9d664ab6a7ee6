from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assure.core.models import AuditEntry
from assure.training.models import Booking, BookingStatus
from assure.training.services import BookingRefused, CourseFull


def test_it_books_places_until_the_course_is_full(make_course, book, school):
    course = make_course(capacity=2)
    assert [book(course, school).status for _ in range(2)] == [BookingStatus.BOOKED, BookingStatus.BOOKED]
    with pytest.raises(CourseFull, match="all 2 places are taken"):
        book(course, school)
    assert course.bookings.count() == 2
    assert course.places_left() == 0


def test_a_full_course_offers_the_waiting_list_instead(make_course, book, school):
    course = make_course(capacity=1)
    book(course, school)
    waiting = book(course, school, join_waiting_list=True)
    assert waiting.status == BookingStatus.WAITING_LIST
    assert course.places_taken() == 1


def test_booking_past_capacity_on_the_page_shows_the_error_and_saves_nothing(
    client, make_course, book, school, practitioner
):
    course = make_course(capacity=1)
    book(course, school)
    client.force_login(practitioner)
    before = (Booking.objects.count(), AuditEntry.objects.count())
    response = client.post(
        reverse("training:course-book", args=[course.pk]),
        {"workforce_roles": ["referrer"], "job_title": "Teacher"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "This course is full: all 1 places are taken." in html
    assert "Join the waiting list" in html
    assert (Booking.objects.count(), AuditEntry.objects.count()) == before


def test_the_practitioner_joins_the_waiting_list_from_the_page(client, make_course, book, school, practitioner):
    course = make_course(capacity=1)
    book(course, school)
    client.force_login(practitioner)
    response = client.post(
        reverse("training:course-book", args=[course.pk]),
        {"workforce_roles": ["referrer"], "job_title": "Teacher", "waiting_list": "yes"},
    )
    assert response.status_code == 302
    assert Booking.objects.get(delegate=practitioner).status == BookingStatus.WAITING_LIST


def test_it_refuses_a_second_booking_for_the_same_person(course, book, practitioner, school):
    book(course, school, delegate=practitioner)
    with pytest.raises(BookingRefused, match="is already booked on this course"):
        book(course, school, delegate=practitioner)


def test_it_refuses_bookings_after_the_deadline_or_on_a_cancelled_course(make_course, book, school):
    closed = make_course(booking_deadline=timezone.localdate() - timedelta(days=1))
    with pytest.raises(BookingRefused, match="Booking for this course closed on"):
        book(closed, school)
    cancelled = make_course(status="cancelled", cancellation_reason="Trainer unwell")
    with pytest.raises(BookingRefused, match="This course has been cancelled"):
        book(cancelled, school)
