"""Finding a course: upcoming first, soonest first, with derived tags; module pages list upcoming courses with a Book
link; the booking form shows the charges for the person's agency."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone


def test_the_course_list_shows_upcoming_courses_first_soonest_first(client, practitioner, make_course):
    past, later, sooner = make_course(days_ahead=-30), make_course(days_ahead=40), make_course(days_ahead=10)
    client.force_login(practitioner)
    rows = list(client.get(reverse("training:course-list")).context["table"].rows())
    assert [row[0]["value"] for row in rows] == [
        sooner.date.strftime("%-d %b %Y"),
        later.date.strftime("%-d %b %Y"),
        past.date.strftime("%-d %b %Y"),
    ]
    assert [row[3]["value"] for row in rows] == ["10 places left", "10 places left", "Delivered"]


def test_the_tags_are_derived_from_places_dates_and_status(make_course, book, school):
    today = timezone.localdate()
    full = make_course(capacity=1)
    book(full, school)
    closed = make_course(booking_deadline=today - timedelta(days=1))
    cancelled = make_course(status="cancelled", cancellation_reason="Trainer unwell")
    one_left = make_course(capacity=2)
    book(one_left, school)
    assert full.availability(today) == ("Full — join the waiting list", "yellow")
    assert closed.availability(today)[0] == "Booking closed"
    assert cancelled.availability(today)[0] == "Cancelled"
    assert one_left.availability(today)[0] == "1 place left"
    assert make_course(days_ahead=-1).availability(today)[0] == "Delivered"


def test_a_module_page_lists_its_upcoming_courses_with_a_book_link(client, practitioner, module, make_course):
    upcoming, past = make_course(days_ahead=20), make_course(days_ahead=-20)
    client.force_login(practitioner)
    page = client.get(module.get_absolute_url()).content.decode()
    assert reverse("training:course-book", args=[upcoming.pk]) in page
    assert reverse("training:course-book", args=[past.pk]) not in page


def test_the_booking_form_shows_the_charges_for_the_persons_agency(client, practitioner, make_course, charging_policy):
    client.force_login(practitioner)
    page = client.get(reverse("training:course-book", args=[make_course().pk])).content.decode()
    assert "What Test Academy is charged" in page
    assert "£75.00" in page and "£60.00" in page
