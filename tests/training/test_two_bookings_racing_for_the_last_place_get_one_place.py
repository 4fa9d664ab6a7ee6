import threading

import pytest
from django.db import connection, connections

from assure.core.permissions import Role
from assure.training.models import BookingStatus
from assure.training.services import CourseFull, course_book

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite runs one write transaction at a time, so it cannot race (set DATABASE_URL to a postgres:// database)",
)


@pytest.mark.django_db(transaction=True)
def test_two_bookings_racing_for_the_last_place_get_exactly_one(make_course, make_person, school):
    course = make_course(capacity=1)
    people = [make_person(Role.PRACTITIONER, school) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes = []

    def race(person):
        try:
            start.wait()
            course_book(course=course, delegate=person, booked_by=person)
            outcomes.append("booked")
        except CourseFull:
            outcomes.append("full")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["booked", "full"]
    assert course.bookings.filter(status=BookingStatus.BOOKED).count() == 1
