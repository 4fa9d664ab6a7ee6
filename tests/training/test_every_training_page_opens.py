from datetime import date

import pytest
from django.urls import reverse

from assure.training.models import Attendance, EvaluationResponse, Module, Stage


@pytest.fixture
def held_course(make_course, book, school, charging_policy):
    course = make_course(on=date(2019, 11, 26), booking_deadline=date(2019, 11, 26))
    booking = book(course, school, today=date(2019, 11, 1))
    booking.attendance = Attendance.ATTENDED
    booking.save()
    EvaluationResponse.objects.create(
        booking=booking,
        stage=Stage.FOLLOW_UP,
        knowledge=8,
        skills=7,
        confidence=9,
        used_in_practice="Used GCP2 with a family",
    )
    return course


def test_the_coordinator_opens_every_page(admin_client, held_course, school):
    booking = held_course.bookings.get()
    pages = [
        reverse("training:programme"),
        reverse("training:module-create"),
        reverse("training:module-detail", args=[held_course.module.pk]),
        reverse("training:module-edit", args=[held_course.module.pk]),
        reverse("training:course-list"),
        reverse("training:course-create"),
        reverse("training:course-detail", args=[held_course.pk]),
        reverse("training:course-edit", args=[held_course.pk]),
        reverse("training:course-register", args=[held_course.pk]),
        reverse("training:my-training"),
        reverse("training:booking-list"),
        reverse("training:booking-detail", args=[booking.pk]),
        reverse("training:certificate", args=[booking.pk]),
        reverse("training:agency-detail", args=[school.pk]),
        reverse("training:agency-profile-edit", args=[school.pk]),
        reverse("training:headcount-create", args=[school.pk]),
        reverse("training:reports"),
        reverse("training:report-attendance"),
        reverse("training:report-evaluation"),
        reverse("training:report-workforce"),
        reverse("training:report-needs"),
        reverse("training:report-take-up"),
        reverse("training:report-impact"),
        reverse("training:charging"),
        reverse("training:charge-rule-create"),
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page


def test_lists_and_reports_download(admin_client, held_course):
    for name in (
        "course-list",
        "booking-list",
        "programme",
        "report-attendance",
        "report-evaluation",
        "report-workforce",
        "report-impact",
    ):
        response = admin_client.get(reverse(f"training:{name}"), {"export": "xlsx"})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats"), name


def test_the_coordinator_chooses_impact_statements_for_the_annual_report(admin_client, held_course):
    statement = EvaluationResponse.objects.get()
    admin_client.post(
        reverse("training:impact-choose", args=[statement.pk]), {"chosen": "yes", "next": "https://elsewhere.example/"}
    )
    statement.refresh_from_db()
    assert statement.chosen_for_annual_report
    chosen = admin_client.get(reverse("training:report-impact"), {"chosen": "yes"})
    assert "Used GCP2 with a family" in chosen.content.decode()


def test_the_course_list_filters_by_module_and_searches(admin_client, held_course, make_course, partnership):
    other = Module.objects.create(partnership=partnership, code="5a", title="Child exploitation awareness", hours=3)
    make_course(module=other)
    filtered = admin_client.get(reverse("training:course-list"), {"module": other.pk})
    assert filtered.context["table"].page.paginator.count == 1
    searched = admin_client.get(reverse("training:course-list"), {"q": "GCP2"})
    assert [row[1]["value"] for row in searched.context["table"].rows()] == ["6c: Neglect – GCP2"]
