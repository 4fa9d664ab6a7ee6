from datetime import date
from decimal import Decimal

from assure.core.models import ReportingYear
from assure.core.permissions import Role
from assure.training.models import Attendance, Module, WorkforceHeadcount, WorkforceRole
from assure.training.selectors import workforce_compliance
from assure.training.services import course_book

DAY = date(2019, 10, 1)


def _attended(course, person, role=WorkforceRole.REFERRER, attendance=Attendance.ATTENDED):
    booking = course_book(course=course, delegate=person, booked_by=person, workforce_roles=[role], today=DAY)
    booking.attendance = attendance
    booking.save()


def test_compliance_counts_staff_in_strategy_roles_with_three_hours_against_headcount(
    partnership, make_course, make_person, school, module
):
    year = ReportingYear.objects.get(start_year=2019)
    WorkforceHeadcount.objects.create(agency=school, reporting_year=year, headcount=8)
    short = Module.objects.create(partnership=partnership, code="X1", title="Briefing", hours=Decimal("1.5"))
    three_hours = make_course(on=date(2019, 11, 5), booking_deadline=date(2019, 11, 5))
    briefing_1 = make_course(module=short, on=date(2019, 11, 6), booking_deadline=date(2019, 11, 6))
    briefing_2 = make_course(module=short, on=date(2020, 2, 6), booking_deadline=date(2020, 2, 6))
    last_year = make_course(on=date(2019, 3, 5), booking_deadline=date(2019, 3, 5))
    people = [make_person(Role.PRACTITIONER, school) for _ in range(6)]

    _attended(three_hours, people[0])  # one 3-hour module: compliant
    _attended(briefing_1, people[1])
    _attended(briefing_2, people[1])  # two 1.5-hour sessions make 3 hours: compliant
    _attended(briefing_1, people[2])  # 1.5 hours: not enough
    _attended(three_hours, people[3], role=WorkforceRole.OTHER)  # not in a role the strategy covers
    _attended(three_hours, people[4], attendance=Attendance.DID_NOT_ATTEND)
    last = course_book(
        course=last_year, delegate=people[5], booked_by=people[5], workforce_roles=["referrer"], today=date(2019, 3, 1)
    )
    last.attendance = Attendance.ATTENDED  # trained in 2018-19, not this year
    last.save()

    rows = {row.agency: row for row in workforce_compliance(partnership, year=year)}

    assert (rows[school].headcount, rows[school].trained, rows[school].percent, rows[school].gap) == (
        8,
        2,
        Decimal("25"),
        6,
    )
    assert rows[school].hours == Decimal("7.5")  # 3 + 1.5 + 1.5 + 1.5, in strategy roles, this year


def test_an_agency_without_a_headcount_has_no_percentage(partnership, police):
    year = ReportingYear.objects.get(start_year=2019)
    rows = {row.agency: row for row in workforce_compliance(partnership, year=year)}
    assert (rows[police].headcount, rows[police].trained, rows[police].percent) == (None, 0, None)
