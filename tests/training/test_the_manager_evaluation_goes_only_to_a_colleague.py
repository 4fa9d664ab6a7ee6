"""The manager's evaluation goes only to an active person of the booking's agency, picked from its people, never the delegate."""

from datetime import date

import pytest
from django.urls import reverse

from assure.core.permissions import Role
from assure.training.forms import BookingForm
from assure.training.models import Attendance, Booking, Stage, WorkforceRole
from assure.training.services import BookingRefused, evaluation_link_issue, evaluation_token, follow_ups_due


def _booking_form(manager):
    return {
        "workforce_roles": [WorkforceRole.REFERRER],
        "job_title": "Teacher",
        "service": "",
        "manager": str(manager.pk) if manager else "",
    }


def test_the_booking_form_offers_only_active_colleagues_of_the_delegates_agency(
    practitioner, make_person, school, police
):
    colleague = make_person(Role.PRACTITIONER, school, full_name="Ali Head")
    left = make_person(Role.PRACTITIONER, school, full_name="Former Head", is_active=False)
    elsewhere = make_person(Role.PRACTITIONER, police, full_name="Police Sergeant")
    offered = set(BookingForm(delegate=practitioner).fields["manager"].queryset)
    assert colleague in offered
    assert {practitioner, left, elsewhere}.isdisjoint(offered)


@pytest.mark.parametrize("who", ["the delegate", "another agency", "someone who left"])
def test_a_manager_outside_the_rule_is_refused_and_nothing_is_booked(
    client, course, practitioner, make_person, police, school, who
):
    manager = {
        "the delegate": lambda: practitioner,
        "another agency": lambda: make_person(Role.PRACTITIONER, police),
        "someone who left": lambda: make_person(Role.PRACTITIONER, school, is_active=False),
    }[who]()
    client.force_login(practitioner)
    response = client.post(reverse("training:course-book", args=[course.pk]), _booking_form(manager))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_service_refuses_a_typed_in_manager_too(course, practitioner, book, school):
    with pytest.raises(BookingRefused, match="other than"):
        book(course, school, delegate=practitioner, manager=practitioner)
    assert not Booking.objects.exists()


def test_a_manager_who_has_since_left_is_not_sent_the_evaluation(make_course, book, school, make_person):
    manager = make_person(Role.PRACTITIONER, school)
    course = make_course(on=date(2019, 11, 26), booking_deadline=date(2019, 11, 26))
    booking = book(course, school, today=date(2019, 10, 1), manager=manager)
    booking.attendance = Attendance.ATTENDED
    booking.save()
    manager.is_active = False
    manager.save()
    assert follow_ups_due(date(2020, 2, 26)) == [(booking, Stage.FOLLOW_UP)]
    with pytest.raises(BookingRefused):
        evaluation_link_issue(booking=booking, stage=Stage.MANAGER)


def test_the_delegate_cannot_answer_their_managers_evaluation(client, course, book, school, make_person):
    manager = make_person(Role.PRACTITIONER, school)
    booking = book(course, school, manager=manager)
    link = evaluation_link_issue(booking=booking, stage=Stage.MANAGER)
    assert link.sent_to == manager.email
    client.force_login(booking.delegate)
    response = client.get(reverse("training:evaluate", args=[evaluation_token(link)]))
    assert response.status_code == 403
    assert "This evaluation is for your line manager" in response.content.decode()
