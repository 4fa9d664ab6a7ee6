"""Checking and submitting a Section 11 return: statuses, check your answers, the declaration, late returns."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.actions.models import Action
from assure.audits import services
from assure.audits.models import AnswerStatus, Rating, ReturnStatus
from assure.core.models import AuditEntry
from assure.core.permissions import Role

from . import builders

SUBMISSION = {"senior_leader_name": "Dana Chief", "senior_leader_job_title": "Chief constable", "approved": "on"}


@pytest.fixture
def lead(make_person, police):
    return make_person(Role.AGENCY_LEAD, police)


def carried_forward(partnership, police):
    """A second round's return whose answers start from the first round's: Good, Good with evidence, Inadequate."""
    first = builders.section11_round(partnership, [police])
    builders.rate_all(first.returns.get(), Rating.GOOD, **{"8.6": Rating.INADEQUATE})
    second = builders.section11_round(partnership, [police], name="Round 2021-22", previous_round=first)
    return second.returns.get()


def test_a_carried_forward_answer_is_not_checked_until_confirmed(partnership, police):
    section11_return = carried_forward(partnership, police)
    answer = section11_return.answers.get(standard__number="1.1")
    assert (answer.carried_forward, answer.self_rating) == (True, Rating.GOOD)
    assert answer.status == AnswerStatus.NOT_STARTED

    services.section11_answer_save(answer=answer, today=date(2021, 10, 1))
    answer.refresh_from_db()
    assert (answer.status, answer.checked_on) == (AnswerStatus.CHECKED, date(2021, 10, 1))

    answer.self_rating = Rating.OUTSTANDING
    services.section11_answer_save(answer=answer)
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.CHANGED
    assert answer.rating_changed and answer.previous_rating == Rating.GOOD


def test_a_standard_rated_good_without_evidence_needs_evidence(client, lead, partnership, police):
    section11_return = builders.section11_round(partnership, [police]).returns.get()
    answer = section11_return.answers.get(standard__number="7.5")
    client.force_login(lead)
    url = reverse("audits:section11-answer-edit", args=[answer.pk])
    client.post(url, {"self_rating": Rating.GOOD, "narrative": "Met."})
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.NEEDS_EVIDENCE
    client.post(url, {"self_rating": Rating.GOOD, "narrative": "Met.", "evidence_held": "Audit report, 2018."})
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.CHECKED
    page = client.get(section11_return.get_absolute_url()).content.decode()
    assert "govuk-task-list" in page and "Needs evidence" not in page and "Not started" in page


def test_save_and_go_to_the_next_standard_opens_the_next_then_checking_answers(client, lead, partnership, police):
    section11_return = builders.section11_round(partnership, [police]).returns.get()
    first, second, last = section11_return.answers.order_by("standard__sort_key")
    client.force_login(lead)
    answer = {"self_rating": Rating.NOT_APPLICABLE, "not_applicable_reason": "No custody suites.", "next": "standard"}
    response = client.post(reverse("audits:section11-answer-edit", args=[first.pk]), answer)
    assert response.url == reverse("audits:section11-answer-edit", args=[second.pk])
    response = client.post(reverse("audits:section11-answer-edit", args=[last.pk]), answer)
    assert response.url == reverse("audits:section11-return-check", args=[section11_return.pk])


def test_a_return_cannot_be_submitted_while_a_standard_is_not_started_or_needs_evidence(
    client, lead, partnership, police
):
    section11_return = carried_forward(partnership, police)
    client.force_login(lead)
    check = reverse("audits:section11-return-check", args=[section11_return.pk])
    page = client.get(check).content.decode()
    assert "You cannot submit yet: 3 standards still to finish." in page
    response = client.post(check, SUBMISSION)
    assert response.status_code == 400
    assert "Not started: 1.1, 7.5, 8.6." in response.content.decode()
    section11_return.refresh_from_db()
    assert section11_return.status == ReturnStatus.IN_PROGRESS


def test_a_submission_without_the_declaration_is_refused(client, lead, partnership, police):
    section11_return = builders.section11_round(partnership, [police]).returns.get()
    builders.rate_all(section11_return)
    client.force_login(lead)
    check = reverse("audits:section11-return-check", args=[section11_return.pk])
    response = client.post(check, {**SUBMISSION, "approved": ""})
    assert response.status_code == 400
    assert "Confirm that the senior leader approved this return today" in response.content.decode()
    response = client.post(check, {**SUBMISSION, "senior_leader_name": ""})
    assert response.status_code == 400
    section11_return.refresh_from_db()
    assert section11_return.status == ReturnStatus.IN_PROGRESS
    with pytest.raises(ValidationError) as refusal:
        services.section11_return_submit(
            section11_return=section11_return,
            by=lead,
            senior_leader_name="Dana Chief",
            senior_leader_job_title="",
            approved=False,
        )
    assert set(refusal.value.message_dict) == {"senior_leader_job_title", "approved"}


def test_submitting_records_the_declaration_creates_no_action_and_confirms(
    client, lead, admin_user, partnership, police, django_capture_on_commit_callbacks
):
    section11_return = builders.section11_round(partnership, [police]).returns.get()
    builders.rate_all(section11_return, Rating.GOOD, **{"8.6": Rating.INADEQUATE})
    client.force_login(lead)
    check = reverse("audits:section11-return-check", args=[section11_return.pk])
    assert "They approved this return on" in client.get(check).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check, SUBMISSION)
    assert response.url == reverse("audits:section11-return-submitted", args=[section11_return.pk])
    section11_return.refresh_from_db()
    assert section11_return.status == ReturnStatus.SUBMITTED
    assert (section11_return.senior_leader_name, section11_return.senior_leader_job_title) == (
        "Dana Chief",
        "Chief constable",
    )
    assert section11_return.approved_on == section11_return.submitted_on
    assert not Action.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Return submitted" in page and "What happens next" in page
    # The round's deadline (14 December 2018) has long passed: the return is late, and the business unit is told.
    assert section11_return.is_submitted_late and "recorded as late" in page
    (message,) = mail.outbox
    assert (
        message.to == [admin_user.email] and message.subject == "[Assure] Late Section 11 return submitted: Test Police"
    )
    entry = AuditEntry.objects.filter(record_type="audits.Section11Return", action="update").last()
    assert entry.changes["status"] == ["in_progress", "submitted"]


def test_a_return_submitted_by_the_deadline_is_not_late(partnership, police):
    section11_return = builders.section11_round(partnership, [police]).returns.get()
    builders.rate_all(section11_return)
    assert not builders.submitted(section11_return, today=section11_return.round.deadline).is_submitted_late


def test_the_whole_return_downloads_for_the_senior_leader(client, lead, partnership, police):
    section11_return = builders.section11_round(partnership, [police]).returns.get()
    builders.rate_all(section11_return)
    client.force_login(lead)
    pdf = client.get(reverse("audits:section11-return-download", args=[section11_return.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    workbook = client.get(reverse("audits:section11-return-download", args=[section11_return.pk, "xlsx"]))
    assert workbook["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("audits:section11-return-download", args=[section11_return.pk, "doc"])).status_code == 404


def test_a_submitted_return_cannot_be_edited(client, lead, partnership, police):
    section11_return = builders.section11_round(partnership, [police]).returns.get()
    builders.rate_all(section11_return)
    builders.submitted(section11_return)
    client.force_login(lead)
    answer = section11_return.answers.get(standard__number="1.1")
    response = client.post(
        reverse("audits:section11-answer-edit", args=[answer.pk]),
        {"self_rating": Rating.OUTSTANDING, "narrative": "Later."},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.self_rating == Rating.GOOD
    assert "submitted and is locked" in client.get(response.url).content.decode()


def test_reopening_needs_a_reason_and_is_in_the_audit_trail(client, admin_user, lead, partnership, police):
    section11_return = builders.section11_round(partnership, [police]).returns.get()
    builders.rate_all(section11_return, Rating.GOOD, **{"8.6": Rating.INADEQUATE})
    builders.submitted(section11_return)
    client.force_login(lead)
    url = reverse("audits:section11-return-reopen", args=[section11_return.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(admin_user)
    assert client.post(url, {"reason": ""}).status_code == 400
    client.post(url, {"reason": "Standard 8.6 evidence missing."})
    section11_return.refresh_from_db()
    assert section11_return.status == ReturnStatus.IN_PROGRESS
    entry = AuditEntry.objects.filter(record_type="audits.Section11Return", object_id=str(section11_return.pk)).first()
    assert entry.actor_id == admin_user.pk
    assert entry.changes["reopened_reason"][1] == "Standard 8.6 evidence missing."
