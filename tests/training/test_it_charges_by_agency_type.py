from decimal import Decimal

import pytest
from django.urls import reverse

from assure.core.permissions import Role
from assure.training.models import Attendance, Module, WaiverStatus
from assure.training.services import (
    BookingRefused,
    Fee,
    booking_decide_waiver,
    booking_request_waiver,
    fees_for_booking,
)


def _with_attendance(booking, attendance):
    booking.attendance = attendance
    booking.save()
    return booking


def test_contributing_partners_train_free_but_pay_for_an_empty_place(charging_policy, contributing, course, book):
    attended = _with_attendance(book(course, contributing), Attendance.ATTENDED)
    missed = _with_attendance(book(course, contributing), Attendance.DID_NOT_ATTEND)
    late = _with_attendance(book(course, contributing), Attendance.CANCELLED_LATE)
    assert fees_for_booking(attended) == []
    assert fees_for_booking(missed) == [Fee("Did not attend", Decimal("50.00"))]
    assert fees_for_booking(late) == [Fee("Late cancellation", Decimal("25.00"))]


def test_other_agencies_pay_the_modules_own_price_before_the_general_price(
    charging_policy, course, make_course, book, school, partnership
):
    other_module = Module.objects.create(partnership=partnership, code="6d", title="Substance misuse", hours=3)
    own_price = _with_attendance(book(course, school), Attendance.ATTENDED)
    general_price = _with_attendance(book(make_course(module=other_module), school), Attendance.ATTENDED)
    late = _with_attendance(book(course, school), Attendance.CANCELLED_LATE)
    assert fees_for_booking(own_price) == [Fee("Place", Decimal("75.00"))]
    assert fees_for_booking(general_price) == [Fee("Place", Decimal("40.00"))]
    assert fees_for_booking(late) == [Fee("Late cancellation", Decimal("60.00"))]


def test_without_a_charging_policy_training_is_free(course, book, school):
    assert fees_for_booking(_with_attendance(book(course, school), Attendance.DID_NOT_ATTEND)) == []


def test_a_booking_without_attendance_is_not_yet_charged(charging_policy, course, book, school):
    assert fees_for_booking(book(course, school)) == []


def test_a_waiver_removes_the_fee_only_once_approved(charging_policy, course, book, school, admin_user):
    booking = _with_attendance(book(course, school), Attendance.DID_NOT_ATTEND)
    booking_request_waiver(booking=booking, reason="The delegate was taken ill that morning", by=admin_user)
    assert booking.waiver_status == WaiverStatus.REQUESTED
    assert fees_for_booking(booking) == [Fee("Did not attend", Decimal("75.00"))]
    booking_decide_waiver(booking=booking, approve=True, by=admin_user)
    assert fees_for_booking(booking) == []


def test_a_waiver_needs_a_reason(charging_policy, course, book, school, admin_user):
    booking = _with_attendance(book(course, school), Attendance.DID_NOT_ATTEND)
    with pytest.raises(BookingRefused, match="Enter why the fee should be waived"):
        booking_request_waiver(booking=booking, reason="  ", by=admin_user)
    booking.refresh_from_db()
    assert booking.waiver_status == ""


def test_an_agency_lead_cannot_approve_a_waiver(client, charging_policy, course, book, school, make_person):
    booking = _with_attendance(book(course, school), Attendance.DID_NOT_ATTEND)
    lead = make_person(Role.AGENCY_LEAD, school)
    booking_request_waiver(booking=booking, reason="Course moved at short notice", by=lead)
    client.force_login(lead)
    response = client.post(reverse("training:waiver-decide", args=[booking.pk]), {"decision": "approve"})
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.waiver_status == WaiverStatus.REQUESTED


def test_a_cancelled_course_charges_nothing(charging_policy, make_course, book, school):
    course = make_course(days_ahead=1)
    booking = _with_attendance(book(course, school), Attendance.CANCELLED_LATE)
    course.status, course.cancellation_reason = "cancelled", "Coronavirus restrictions"
    course.save()
    booking.refresh_from_db()
    assert fees_for_booking(booking) == []
