from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from assure.core.models import AuditEntry
from assure.training.models import Course, EvaluationResponse, Stage
from assure.training.services import evaluation_link_issue, evaluation_token


def test_a_score_of_11_shows_a_clear_error_and_saves_nothing(client, course, book, school):
    link = evaluation_link_issue(booking=book(course, school), stage=Stage.POST)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("training:evaluate", args=[evaluation_token(link)]),
        {"knowledge": "11", "skills": "6", "confidence": "-1"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert '<a href="#id_knowledge_0">Select a score from 0 to 10</a>' in html
    assert '<a href="#id_confidence_0">Select a score from 0 to 10</a>' in html
    assert not EvaluationResponse.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None
    assert AuditEntry.objects.count() == before


def test_the_database_refuses_a_score_above_10_whatever_the_path(course, book, school):
    booking = book(course, school)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationResponse.objects.create(booking=booking, stage=Stage.PRE, knowledge=11, skills=5, confidence=5)


def _course_form(module, day, **changes):
    return {
        "module": module.pk,
        "date": day.strftime("%d/%m/%Y"),
        "start_time": "09:30",
        "end_time": "12:30",
        "venue": "Council House",
        "trainer": "Training officer",
        "capacity": "20",
        "booking_deadline": day.strftime("%d/%m/%Y"),
        "late_cancellation_working_days": "5",
        "status": "scheduled",
        **changes,
    }


def test_a_course_date_in_the_past_shows_a_clear_error_and_saves_nothing(admin_client, module):
    before = AuditEntry.objects.count()
    yesterday = timezone.localdate() - timedelta(days=1)
    response = admin_client.post(reverse("training:course-create"), _course_form(module, yesterday))
    assert response.status_code == 400
    assert '<a href="#id_date_0">The course date must be today or in the future</a>' in response.content.decode()
    assert not Course.objects.exists()
    assert AuditEntry.objects.count() == before


def test_a_cancelled_course_needs_its_reason(admin_client, module):
    day = timezone.localdate() + timedelta(days=10)
    response = admin_client.post(reverse("training:course-create"), _course_form(module, day, status="cancelled"))
    assert response.status_code == 400
    assert "Enter why the course was cancelled" in response.content.decode()
    assert not Course.objects.exists()


def test_a_booking_deadline_after_the_course_is_refused(admin_client, module):
    day = timezone.localdate() + timedelta(days=10)
    late = (day + timedelta(days=1)).strftime("%d/%m/%Y")
    response = admin_client.post(reverse("training:course-create"), _course_form(module, day, booking_deadline=late))
    assert response.status_code == 400
    assert "The booking deadline must be on or before the course date" in response.content.decode()
    assert not Course.objects.exists()


def test_a_good_course_saves(admin_client, module):
    day = timezone.localdate() + timedelta(days=10)
    response = admin_client.post(reverse("training:course-create"), _course_form(module, day))
    assert response.status_code == 302
    assert Course.objects.get().date == day


def test_an_earlier_course_can_still_be_changed(admin_client, make_course):
    held = make_course(on=timezone.localdate() - timedelta(days=30))
    form = _course_form(held.module, held.date, trainer="A new trainer")
    response = admin_client.post(reverse("training:course-edit", args=[held.pk]), form)
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.trainer == "A new trainer"
