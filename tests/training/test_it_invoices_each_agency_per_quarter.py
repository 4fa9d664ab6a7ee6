from datetime import date

from django.urls import reverse

from assure.core.permissions import Role
from assure.training.models import Attendance


def _held(book, course, agency, attendance):
    booking = book(course, agency, today=date(2019, 10, 1))
    booking.attendance = attendance
    booking.save()
    return booking


def test_the_invoice_lists_the_quarters_chargeable_places(
    admin_client, charging_policy, contributing, make_course, book, school
):
    october = make_course(on=date(2019, 10, 15), booking_deadline=date(2019, 10, 15))
    january = make_course(on=date(2020, 1, 14), booking_deadline=date(2020, 1, 14))
    attended = _held(book, october, school, Attendance.ATTENDED)
    _held(book, october, school, Attendance.DID_NOT_ATTEND)
    _held(book, october, contributing, Attendance.ATTENDED)  # free: a contributing partner
    _held(book, january, school, Attendance.ATTENDED)  # the next quarter

    response = admin_client.get(reverse("training:invoice", args=[school.pk, 2019, 3, "csv"]))

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Course date,Module,Delegate,Charge,Amount (£)"
    assert sorted(line.split(",")[-2:] for line in lines[1:]) == [["Did not attend", "75.00"], ["Place", "75.00"]]
    assert f"2019-10-15,Module 6c: Neglect – GCP2,{attended.delegate.full_name},Place,75.00" in lines
    pdf = admin_client.get(reverse("training:invoice", args=[school.pk, 2019, 3, "pdf"]))
    assert pdf.content.startswith(b"%PDF")


def test_the_charging_page_totals_income_per_quarter(admin_client, charging_policy, make_course, book, school):
    october = make_course(on=date(2019, 10, 15), booking_deadline=date(2019, 10, 15))
    _held(book, october, school, Attendance.ATTENDED)
    _held(book, october, school, Attendance.CANCELLED_LATE)
    income = admin_client.get(reverse("training:charging")).context["income"]
    assert [row.total for row in income] == [0, 0, 135, 0]


def test_an_agency_lead_downloads_only_their_own_agencys_invoice(client, charging_policy, make_person, school, police):
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    assert client.get(reverse("training:invoice", args=[police.pk, 2019, 3, "csv"])).status_code == 200
    assert client.get(reverse("training:invoice", args=[school.pk, 2019, 3, "csv"])).status_code == 404


def test_an_unknown_quarter_or_format_is_not_found(admin_client, school):
    assert admin_client.get(reverse("training:invoice", args=[school.pk, 2019, 5, "csv"])).status_code == 404
    assert admin_client.get(reverse("training:invoice", args=[school.pk, 2019, 1, "docx"])).status_code == 404
