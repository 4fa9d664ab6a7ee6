"""Audit workflows: each is keyword-only and runs in one transaction."""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assure.actions.selectors import actions_from_source
from assure.actions.services import action_create_from_source
from assure.core.models import Agency, User
from assure.core.notify import email_body, notify
from assure.core.periods import add_months
from assure.core.uploads import check_evidence_file

from . import movement
from .models import (
    NEEDS_ACTION,
    EducationAudit,
    EducationReturn,
    EvidenceFile,
    Framework,
    Rating,
    RatingChange,
    Recommendation,
    ReturnStatus,
    Section11Answer,
    Section11ProgressUpdate,
    Section11Return,
    Section11Round,
)

# How long an agency has to act on a standard it rated Requires improvement or Inadequate.
ACTION_PLAN_MONTHS = 6


@transaction.atomic
def section11_round_open(
    *,
    partnership,
    name: str,
    framework: Framework,
    opens_on: date,
    deadline: date,
    agencies,
    previous_round: Section11Round | None = None,
) -> Section11Round:
    """Open a round: one return per agency, one answer per standard, carried forward from the previous round."""
    round_ = Section11Round(
        partnership=partnership,
        name=name,
        framework=framework,
        opens_on=opens_on,
        deadline=deadline,
        previous_round=previous_round,
    )
    round_.full_clean()
    round_.save()
    standards = list(framework.standards.all())
    latest = _latest_ratings(previous_round)
    for agency in agencies:
        section11_return = Section11Return.objects.create(round=round_, agency=agency)
        previous = _previous_answers(previous_round, agency)
        Section11Answer.objects.bulk_create(
            [
                _carried_forward(
                    section11_return, standard, previous.get(standard.number), latest.get((agency.pk, standard.number))
                )
                for standard in standards
            ]
        )
    return round_


def _latest_ratings(previous_round) -> dict:
    """Ratings as they stood at the end of the previous round: after its last progress update, if any."""
    if previous_round is None:
        return {}
    update = previous_round.progress_updates.order_by("-requested_on").first()
    return (movement.update_point(update) if update else movement.round_point(previous_round)).ratings


def _previous_answers(previous_round, agency) -> dict[str, Section11Answer]:
    if previous_round is None:
        return {}
    answers = Section11Answer.objects.filter(
        section11_return__round=previous_round, section11_return__agency=agency
    ).select_related("standard")
    return {answer.standard.number: answer for answer in answers}


def _carried_forward(section11_return, standard, previous: Section11Answer | None, rating: str | None):
    """A new answer, starting from the agency's previous answer to the standard with the same number."""
    if previous is None:
        return Section11Answer(section11_return=section11_return, standard=standard)
    if rating not in Rating.values or (rating == Rating.NOT_APPLICABLE and not previous.not_applicable_reason):
        # Not applicable needs a reason the agency gives afresh; anything unrated stays unrated.
        rating = ""
    return Section11Answer(
        section11_return=section11_return,
        standard=standard,
        self_rating=rating,
        not_applicable_reason=previous.not_applicable_reason if rating == Rating.NOT_APPLICABLE else "",
        narrative=previous.narrative,
        planned_action=previous.planned_action,
        carried_forward=True,
    )


def _require_open(section11_return: Section11Return) -> None:
    if section11_return.is_locked:
        raise ValidationError(
            "This return has been submitted and is locked. Ask the business unit to reopen it to make changes."
        )


@transaction.atomic
def section11_answer_save(*, answer: Section11Answer) -> Section11Answer:
    section11_return = Section11Return.objects.select_for_update().get(pk=answer.section11_return_id)
    _require_open(section11_return)
    if answer.self_rating != Rating.NOT_APPLICABLE:
        answer.not_applicable_reason = ""
    answer.full_clean()
    answer.save()
    return answer


@transaction.atomic
def section11_evidence_add(*, answer: Section11Answer, upload, by: User) -> EvidenceFile:
    _require_open(answer.section11_return)
    file_type = check_evidence_file(upload)
    extension = upload.name.rsplit(".", 1)[-1].lower()
    evidence = EvidenceFile(
        answer=answer,
        stored_name=f"{uuid.uuid4().hex}.{extension}",
        original_name=upload.name[-200:],
        content_type=file_type.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    evidence.file.save(evidence.stored_name, upload, save=False)
    # If the database write fails, the stored file must not outlive it.
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def section11_evidence_remove(*, evidence: EvidenceFile) -> None:
    """Take back a file uploaded by mistake, while the return is still open; the removal is in the audit trail."""
    _require_open(evidence.answer.section11_return)
    stored = evidence.file
    evidence.delete()
    # The file goes only once the record's removal is committed.
    transaction.on_commit(lambda: stored.delete(save=False))


@transaction.atomic
def section11_return_submit(*, section11_return: Section11Return, by: User | None, today: date | None = None) -> list:
    """Lock the return, and put every standard rated Requires improvement or Inadequate on the action register."""
    section11_return = Section11Return.objects.select_for_update().get(pk=section11_return.pk)
    _require_open(section11_return)
    answers = list(section11_return.answers.select_related("standard"))
    unanswered = [a.standard.number for a in answers if not a.self_rating]
    if unanswered:
        raise ValidationError(f"Rate every standard before you submit. Not yet rated: {', '.join(unanswered)}.")
    for answer in answers:
        answer.full_clean()
    today = today or timezone.localdate()
    section11_return.status = ReturnStatus.SUBMITTED
    section11_return.submitted_on = today
    section11_return.submitted_by = by
    section11_return.save()
    return [
        _action_plan_item(answer, answer.planned_action, by=by, today=today)
        for answer in answers
        if answer.self_rating in NEEDS_ACTION
    ]


def _action_plan_item(
    answer: Section11Answer, text: str, *, by: User | None, today: date, due_date: date | None = None
):
    """The register's action for a standard that needs improving; one per answer, whichever step comes first."""
    existing = actions_from_source(answer).first()
    if existing is not None:
        return existing
    section11_return = answer.section11_return
    return action_create_from_source(
        source=answer,
        text=text,
        agency=section11_return.agency,
        due_date=due_date or add_months(section11_return.round.deadline, ACTION_PLAN_MONTHS),
        source_label=f"{section11_return.round}, standard {answer.standard.number}",
        owner=by if by and by.agency_id == section11_return.agency_id else None,
        today=today,
    )


@transaction.atomic
def section11_return_reopen(*, section11_return: Section11Return, reason: str) -> Section11Return:
    """Unlock a submitted return. The reason is kept on the return and, with the change, in the audit trail."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the return is being reopened."})
    if not section11_return.is_locked:
        raise ValidationError("This return is not submitted, so there is nothing to reopen.")
    section11_return.status = ReturnStatus.IN_PROGRESS
    section11_return.reopened_reason = reason.strip()
    section11_return.save()
    return section11_return


@transaction.atomic
def section11_answer_moderate(
    *,
    answer: Section11Answer,
    by: User,
    agreed_rating: str,
    challenge: str,
    action_text: str = "",
    due_date: date | None = None,
    today: date | None = None,
):
    """Record the partnership's agreed rating beside the agency's own, and put it on the register if it needs action."""
    if not answer.section11_return.is_locked:
        raise ValidationError("Only a submitted return can be moderated.")
    today = today or timezone.localdate()
    answer.agreed_rating = agreed_rating
    answer.challenge = challenge
    answer.moderated_on = today
    answer.moderated_by = by
    answer.save()
    if agreed_rating in NEEDS_ACTION:
        if not action_text.strip() and not actions_from_source(answer).exists():
            raise ValidationError({"action_text": "Enter the action the agency must take on this standard."})
        _action_plan_item(answer, action_text, by=by, today=today, due_date=due_date)
    return answer


@transaction.atomic
def section11_rating_change_record(
    *, progress_update: Section11ProgressUpdate, answer: Section11Answer, rating: str, changed_on, evidence, by
) -> RatingChange:
    change, _ = RatingChange.objects.get_or_create(
        progress_update=progress_update,
        answer=answer,
        defaults={"rating": rating, "changed_on": changed_on, "evidence": evidence, "recorded_by": by},
    )
    change.rating, change.changed_on, change.evidence, change.recorded_by = rating, changed_on, evidence, by
    change.full_clean()
    change.save()
    return change


@transaction.atomic
def education_audit_open(*, partnership, reporting_year, checklist, opens_on, deadline) -> EducationAudit:
    audit = EducationAudit(
        partnership=partnership,
        reporting_year=reporting_year,
        checklist=checklist,
        opens_on=opens_on,
        deadline=deadline,
    )
    audit.full_clean()
    audit.save()
    EducationReturn.objects.bulk_create(
        [
            EducationReturn(audit=audit, provider=provider)
            for provider in partnership.education_providers.filter(active=True)
        ]
    )
    return audit


@transaction.atomic
def education_return_record(*, education_return: EducationReturn, answers: dict, returned_on: date) -> EducationReturn:
    """Store a provider's answers (checklist item -> (compliance, comment)) and mark the return received."""
    education_return.answers.all().delete()
    education_return.answers.bulk_create(
        [
            education_return.answers.model(
                education_return=education_return, item=item, compliance=compliance, comment=comment
            )
            for item, (compliance, comment) in answers.items()
        ]
    )
    education_return.returned_on = returned_on
    education_return.save()
    return education_return


def education_non_returners_chase(*, audit: EducationAudit, today: date | None = None) -> int:
    """Email each provider that has not returned, and count the reminder. One transaction per provider."""
    today = today or timezone.localdate()
    chased = 0
    for education_return in audit.returns.filter(returned_on__isnull=True).select_related("provider"):
        with transaction.atomic():
            notify(
                to=[education_return.provider.safeguarding_lead_email],
                subject=f"Reminder: the {audit} is due on {audit.deadline:%-d %B %Y}",
                body=email_body(
                    "audits/emails/education_reminder.txt",
                    {"audit": audit, "provider": education_return.provider},
                ),
            )
            education_return.reminders_sent += 1
            education_return.last_reminded_on = today
            education_return.save()
            chased += 1
    return chased


@transaction.atomic
def recommendation_to_action(
    *,
    recommendation: Recommendation,
    text: str,
    agency: Agency,
    due_date: date,
    owner=None,
    priority=None,
    today: date | None = None,
):
    return action_create_from_source(
        source=recommendation,
        text=text,
        agency=agency,
        due_date=due_date,
        owner=owner,
        priority=priority,
        today=today,
    )


@transaction.atomic
def case_agency_audit_record(*, agency_audit, answers: dict, by: User | None, today: date | None = None):
    """Store an agency's grades and comments for every question of the tool, and mark its audit complete."""
    agency_audit.answers.all().delete()
    agency_audit.answers.bulk_create(
        [
            agency_audit.answers.model(agency_audit=agency_audit, question=question, grade=grade, comment=comment)
            for question, (grade, comment) in answers.items()
        ]
    )
    agency_audit.auditor = by
    agency_audit.completed_on = today or timezone.localdate()
    agency_audit.save()
    return agency_audit


@transaction.atomic
def framework_new_version(*, framework: Framework, version: str) -> Framework:
    """A copy of the framework, with its standards, under a new version; rounds keep the version they used."""
    copy = Framework.objects.create(
        partnership=framework.partnership,
        kind=framework.kind,
        name=framework.name,
        version=version,
        introduction=framework.introduction,
    )
    copy.standards.bulk_create(
        [
            copy.standards.model(
                framework=copy,
                number=standard.number,
                section=standard.section,
                wording=standard.wording,
                guidance=standard.guidance,
                evidence_prompts=standard.evidence_prompts,
                is_local=standard.is_local,
                sort_key=standard.sort_key,
            )
            for standard in framework.standards.all()
        ]
    )
    return copy
