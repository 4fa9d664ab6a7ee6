from datetime import date

from django.urls import reverse

from assure.core.models import ReportingYear
from assure.training.models import Attendance, EvaluationResponse, Stage, WorkforceHeadcount
from assure.training.selectors import training_needs


def test_the_largest_gap_comes_first_with_non_attendance_and_gain(
    partnership, make_course, book, school, police, neglect
):
    year = ReportingYear.objects.get(start_year=2019)
    WorkforceHeadcount.objects.create(agency=school, reporting_year=year, headcount=10)
    WorkforceHeadcount.objects.create(agency=police, reporting_year=year, headcount=30)
    course = make_course(on=date(2019, 11, 5), booking_deadline=date(2019, 11, 5))
    for agency, marks in (
        (school, ["attended"] * 4),
        (police, ["attended", "did_not_attend", "cancelled_late", "attended"]),
    ):
        for mark in marks:
            booking = book(course, agency, today=date(2019, 10, 1))
            booking.attendance = mark
            booking.save()
            if agency == police and mark == Attendance.ATTENDED:
                EvaluationResponse.objects.create(booking=booking, stage=Stage.PRE, knowledge=3, skills=4, confidence=5)
                EvaluationResponse.objects.create(
                    booking=booking, stage=Stage.FOLLOW_UP, knowledge=7, skills=7, confidence=8
                )

    needs = training_needs(partnership, year=year)

    police_need, school_need = needs[0], needs[1]
    assert (police_need.agency, police_need.priority, police_need.target, police_need.trained, police_need.gap) == (
        police,
        neglect,
        30,
        2,
        28,
    )
    assert (police_need.non_attendance, str(police_need.gain)) == (50, "3.3")  # 2 of 4 booked places; (22-12)/3
    assert (school_need.agency, school_need.gap, school_need.coverage) == (school, 6, 40)


def test_the_ranked_list_downloads(admin_client, partnership, neglect, school):
    WorkforceHeadcount.objects.create(agency=school, reporting_year=partnership.reporting_years.get(), headcount=12)
    response = admin_client.get(reverse("training:report-needs"), {"export": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Rank,Agency,Priority,Target workforce,Trained,Gap")
    assert lines[1].startswith("1,Test Academy,Neglect,12,0,12")
