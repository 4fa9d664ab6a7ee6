from datetime import date
from decimal import Decimal

from django.urls import reverse

from assure.core.periods import reporting_year
from assure.training.models import Attendance, EvaluationResponse, Stage
from assure.training.selectors import before_after, ratio_half_up


def _attend(booking):
    booking.attendance = Attendance.ATTENDED
    booking.save()
    return booking


def _rate(booking, stage, knowledge, skills, confidence):
    EvaluationResponse.objects.create(
        booking=booking, stage=stage, knowledge=knowledge, skills=skills, confidence=confidence
    )


def test_it_rounds_half_up_on_the_exact_fraction():
    assert ratio_half_up(25, 10) == Decimal("2.5")
    assert ratio_half_up(1, 40, scale=100, places=0) == Decimal("3")  # 2.5% rounds up, not to even
    assert ratio_half_up(61, 12) == Decimal("5.1")  # 5.083…
    assert ratio_half_up(3, 0) is None


def test_averages_and_response_rates_per_module(make_course, module, book, school):
    course = make_course(on=date(2019, 11, 26), booking_deadline=date(2019, 11, 26))
    attendees = [_attend(book(course, school, today=date(2019, 11, 1))) for _ in range(4)]
    for booking, scores in zip(attendees, [(3, 4, 2), (4, 3, 4), (5, 4, 4)], strict=False):
        _rate(booking, Stage.PRE, *scores)
    _rate(attendees[0], Stage.FOLLOW_UP, 8, 7, 9)
    _rate(attendees[1], Stage.FOLLOW_UP, 9, 8, 8)

    (row,) = before_after([module], period=reporting_year(2019))

    assert row.attendees == 4
    assert (row.before["knowledge"].value, row.before["skills"].value, row.before["confidence"].value) == (
        Decimal("4.0"),
        Decimal("3.7"),  # 11/3 = 3.666…
        Decimal("3.3"),  # 10/3 = 3.333…
    )
    assert (row.after["knowledge"].value, row.after["confidence"].value) == (Decimal("8.5"), Decimal("8.5"))
    assert (row.before["knowledge"].responses, row.before["knowledge"].response_rate) == (3, Decimal("75"))
    assert (row.after["skills"].responses, row.after["skills"].response_rate) == (2, Decimal("50"))


def test_a_module_without_answers_has_no_average(make_course, module, book, school):
    course = make_course(on=date(2019, 6, 4), booking_deadline=date(2019, 6, 4))
    _attend(book(course, school, today=date(2019, 5, 1)))
    (row,) = before_after([module], period=reporting_year(2019))
    assert row.before["knowledge"].value is None
    assert row.before["knowledge"].response_rate == Decimal("0")


def test_the_report_shows_the_response_rate_beside_every_average(admin_client, make_course, module, book, school):
    course = make_course(on=date(2019, 6, 4), booking_deadline=date(2019, 6, 4))
    attendees = [_attend(book(course, school, today=date(2019, 5, 1))) for _ in range(2)]
    _rate(attendees[0], Stage.PRE, 4, 4, 4)
    _rate(attendees[0], Stage.FOLLOW_UP, 8, 8, 8)
    html = admin_client.get(reverse("training:report-evaluation")).content.decode()
    assert html.count("50% (1 of 2)") == 6
