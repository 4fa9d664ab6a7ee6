"""A person's workforce roles can be several; a booking copies them when made; reports count a person once under each."""

from datetime import date

from django.urls import reverse

from assure.core.models import ReportingYear
from assure.core.permissions import Role
from assure.training.models import Attendance, WorkforceRole
from assure.training.selectors import trained_by_role
from assure.training.services import course_book, workforce_roles_set

DAY = date(2019, 10, 1)


def test_booking_saves_the_persons_roles_and_the_booking_copies_them(client, practitioner, make_course):
    client.force_login(practitioner)
    client.post(
        reverse("training:course-book", args=[make_course().pk]),
        {"workforce_roles": ["referrer", "supervisor"], "job_title": "Head of safeguarding"},
    )
    booking = practitioner.training_bookings.get()
    assert sorted(booking.workforce_roles.values_list("role", flat=True)) == ["referrer", "supervisor"]
    assert sorted(practitioner.workforce_roles.values_list("role", flat=True)) == ["referrer", "supervisor"]

    # The person's roles change later; the booking keeps the roles it was made with.
    workforce_roles_set(person=practitioner, roles=[WorkforceRole.CONFERENCE])
    assert sorted(booking.workforce_roles.values_list("role", flat=True)) == ["referrer", "supervisor"]
    page = client.get(reverse("training:course-book", args=[make_course(days_ahead=40).pk])).content.decode()
    assert 'value="conference" checked' in page.replace('checked=""', "checked")


def test_reports_count_a_person_once_under_each_role(partnership, make_course, make_person, school):
    year = ReportingYear.objects.get(start_year=2019)
    first = make_course(on=date(2019, 11, 5), booking_deadline=date(2019, 11, 5))
    second = make_course(on=date(2020, 1, 7), booking_deadline=date(2020, 1, 7))
    both, referrer = make_person(Role.PRACTITIONER, school), make_person(Role.PRACTITIONER, school)
    for course, person, roles in [
        (first, both, ["referrer", "supervisor"]),
        (second, both, ["referrer", "supervisor"]),  # two courses: still one person
        (first, referrer, ["referrer"]),
    ]:
        booking = course_book(course=course, delegate=person, booked_by=person, workforce_roles=roles, today=DAY)
        booking.attendance = Attendance.ATTENDED
        booking.save()

    rows, people = trained_by_role(partnership, year=year)
    counts = {row.role: row.people for row in rows}
    assert (counts["referrer"], counts["supervisor"], counts["conference"], people) == (2, 1, 0, 2)
