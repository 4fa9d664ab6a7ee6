"""Audit workflows: each is keyword-only and runs in one transaction."""

import uuid
from datetime import date, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assure.actions.selectors import actions_from_source
from assure.actions.services import action_create_from_source
from assure.core.evidence_files import check_evidence_file
from assure.core.models import Agency, User
from assure.core.notify import email_body, notify
from assure.core.periods import add_months
from assure.core.permissions import Role
from assure.core.selectors import holders_of, partnership_admins
from assure.core.workdays import is_working_day

from . import movement
from .models import (
    NEEDS_ACTION,
    AnswerStatus,
    EducationAudit,
    EducationReturn,
    EvidenceFile,
    Framework,
    Rating,
    RatingChange,
    Recommendation,
    Reminder,
    ReturnStatus,
    Section11Answer,
    Section11ProgressUpdate,
    Section11Return,
    Section11Round,
)


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
    """A new answer, starting from the agency's previous answer to the standard with the same number.

    It is a starting point only: it counts as not started until the agency checks it.
    """
    if previous is None:
        return Section11Answer(section11_return=section11_return, standard=standard)
    if rating not in Rating.values or (rating == Rating.NOT_APPLICABLE and not previous.not_applicable_reason):
        # Not applicable needs a reason the agency gives afresh; anything unrated stays unrated.
        rating = ""
    return Section11Answer(
        section11_return=section11_return,
        standard=standard,
        self_rating=rating,
        previous_rating=rating,
        not_applicable_reason=previous.not_applicable_reason if rating == Rating.NOT_APPLICABLE else "",
        narrative=previous.narrative,
        evidence_held=previous.evidence_held,
        planned_action=previous.planned_action,
        carried_forward=True,
    )


def _require_open(section11_return: Section11Return) -> None:
    if section11_return.is_locked:
        raise ValidationError(
            "This return has been submitted and is locked. Ask the business unit to reopen it to make changes."
        )


# What the agency writes: a change to any of these makes a carried-forward answer Changed rather than Checked.
ANSWER_FIELDS = ("self_rating", "not_applicable_reason", "narrative", "evidence_held", "planned_action")


@transaction.atomic
def section11_answer_save(*, answer: Section11Answer, today: date | None = None) -> Section11Answer:
    """Save the agency's answer as checked today: unchanged, it confirms the carried-forward answer."""
    section11_return = Section11Return.objects.select_for_update().get(pk=answer.section11_return_id)
    _require_open(section11_return)
    if answer.self_rating != Rating.NOT_APPLICABLE:
        answer.not_applicable_reason = ""
    stored = Section11Answer.objects.get(pk=answer.pk)
    if answer.carried_forward and any(getattr(stored, name) != getattr(answer, name) for name in ANSWER_FIELDS):
        answer.changed = True
    answer.checked_on = today or timezone.localdate()
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


def _numbers(answers) -> str:
    return ", ".join(answer.standard.number for answer in answers)


@transaction.atomic
def section11_return_submit(
    *,
    section11_return: Section11Return,
    by: User | None,
    senior_leader_name: str,
    senior_leader_job_title: str,
    approved: bool,
    today: date | None = None,
) -> Section11Return:
    """Submit the return with its declaration, and lock it. No action is created: moderation decides them.

    Refused while a standard is not started or needs evidence, or without the declaration: the senior leader's
    name and job title and the tick that they approved the return today. The business unit is told, and a
    return submitted after its deadline is flagged late.
    """
    section11_return = (
        Section11Return.objects.select_for_update().select_related("round", "agency").get(pk=section11_return.pk)
    )
    _require_open(section11_return)
    today = today or timezone.localdate()
    answers = list(section11_return.answers.select_related("standard").prefetch_related("evidence_files"))
    errors = {}
    not_started = [a for a in answers if a.status == AnswerStatus.NOT_STARTED]
    no_evidence = [a for a in answers if a.status == AnswerStatus.NEEDS_EVIDENCE]
    if not_started:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            f"Check every standard before you submit. Not started: {_numbers(not_started)}."
        )
    if no_evidence:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            f"Add evidence for every standard rated Good or Outstanding. Needs evidence: {_numbers(no_evidence)}."
        )
    if not senior_leader_name.strip():
        errors["senior_leader_name"] = "Enter the name of the senior leader who approved the return"
    if not senior_leader_job_title.strip():
        errors["senior_leader_job_title"] = "Enter the senior leader's job title"
    if not approved:
        errors["approved"] = "Confirm that the senior leader approved this return today"
    if errors:
        raise ValidationError(errors)
    for answer in answers:
        answer.full_clean()
    section11_return.status = ReturnStatus.SUBMITTED
    section11_return.submitted_on = today
    section11_return.submitted_by = by
    section11_return.senior_leader_name = senior_leader_name.strip()
    section11_return.senior_leader_job_title = senior_leader_job_title.strip()
    section11_return.approved_on = today
    section11_return.save()
    late = section11_return.is_submitted_late
    notify(
        to=partnership_admins(),
        subject=f"{'Late ' if late else ''}Section 11 return submitted: {section11_return.agency}",
        body=email_body("audits/emails/section11_submitted.txt", {"return": section11_return, "late": late}),
        path=reverse("audits:section11-moderation", args=[section11_return.pk]),
    )
    return section11_return


@transaction.atomic
def section11_return_reopen(*, section11_return: Section11Return, reason: str) -> Section11Return:
    """Unlock a submitted return. The reason is kept on the return and, with the change, in the audit trail."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the return is being reopened."})
    if not section11_return.is_locked:
        raise ValidationError("This return is not submitted, so there is nothing to reopen.")
    if section11_return.moderation_complete:
        raise ValidationError("Moderation of this return is complete, and its actions are on the register.")
    section11_return.status = ReturnStatus.IN_PROGRESS
    section11_return.reopened_reason = reason.strip()
    section11_return.save()
    return section11_return


def _require_moderating(section11_return: Section11Return) -> None:
    if not section11_return.is_locked:
        raise ValidationError("Only a submitted return can be moderated.")
    if section11_return.moderation_complete:
        raise ValidationError("Moderation of this return is complete: its agreed ratings can no longer change.")


@transaction.atomic
def section11_answer_moderate(
    *,
    answer: Section11Answer,
    by: User,
    agreed_rating: str,
    challenge: str,
    agreed_action: str = "",
    today: date | None = None,
) -> Section11Answer:
    """Record the partnership's agreed rating beside the agency's own, with the challenge and, for a rating that
    needs improving, the action agreed. Actions go on the register when moderation is complete."""
    _require_moderating(Section11Return.objects.select_for_update().get(pk=answer.section11_return_id))
    answer.agreed_rating = agreed_rating
    answer.challenge = challenge.strip()
    answer.agreed_action = agreed_action.strip() if agreed_rating in NEEDS_ACTION else ""
    answer.moderated_on = today or timezone.localdate()
    answer.moderated_by = by
    answer.full_clean()
    answer.save()
    return answer


# How long an agency has for an action agreed at moderation: the moderator's choice, 6 months unless changed.
ACTION_MONTHS = (3, 6, 12)
DEFAULT_ACTION_MONTHS = 6


@transaction.atomic
def section11_moderation_complete(
    *,
    section11_return: Section11Return,
    by: User | None,
    months: int = DEFAULT_ACTION_MONTHS,
    today: date | None = None,
) -> list:
    """End moderation: every standard rated Requires improvement or Inadequate has an agreed rating.

    Each standard agreed (or, not moderated, rated) Requires improvement or Inadequate gets one action on the
    register, due ``months`` (3, 6 or 12) from today, so never already overdue. The agency's leads are told.
    """
    section11_return = (
        Section11Return.objects.select_for_update().select_related("round", "agency").get(pk=section11_return.pk)
    )
    _require_moderating(section11_return)
    if months not in ACTION_MONTHS:
        raise ValidationError({"months": "Choose 3, 6 or 12 months."})
    answers = list(section11_return.answers.select_related("standard"))
    waiting = [a for a in answers if a.self_rating in NEEDS_ACTION and not a.agreed_rating]
    if waiting:
        raise ValidationError(
            "Agree a rating for every standard rated Requires improvement or Inadequate before you complete "
            f"moderation. Still to agree: {_numbers(waiting)}."
        )
    today = today or timezone.localdate()
    due_date = add_months(today, months)
    actions = [
        _action_plan_item(answer, answer.agreed_action or answer.planned_action, today=today, due_date=due_date)
        for answer in answers
        if answer.rating in NEEDS_ACTION
    ]
    section11_return.moderation_completed_on = today
    section11_return.moderation_completed_by = by
    section11_return.save()
    notify(
        to=holders_of(Role.AGENCY_LEAD, agency=section11_return.agency),
        subject=f"Section 11 moderation complete: {section11_return.round}",
        body=email_body("audits/emails/section11_moderated.txt", {"return": section11_return, "actions": actions}),
        path=section11_return.get_absolute_url(),
    )
    return actions


def _action_plan_item(answer: Section11Answer, text: str, *, today: date, due_date: date):
    """The register's action for a standard that needs improving: one per answer."""
    existing = actions_from_source(answer).first()
    if existing is not None:
        return existing
    section11_return = answer.section11_return
    return action_create_from_source(
        source=answer,
        text=text,
        agency=section11_return.agency,
        due_date=due_date,
        source_label=f"{section11_return.round}, standard {answer.standard.number}",
        today=today,
    )


@transaction.atomic
def section11_answer_respond(*, answer: Section11Answer, response: str) -> Section11Answer:
    """The agency's response to the moderator's challenge, once moderation is complete."""
    if not answer.section11_return.moderation_complete:
        raise ValidationError("You can respond once the business unit has completed moderation of this return.")
    if not response.strip():
        raise ValidationError({"response": "Enter your response to the challenge"})
    answer.agency_response = response.strip()
    answer.save()
    return answer


# A reminder missed (the timer did not run) is still sent this many days after its day, and never later.
REMINDER_CATCH_UP_DAYS = 7


def reminder_days(round_: Section11Round) -> list[tuple[str, date]]:
    """Each reminder of a round and its day: the round opens; 7 days and 1 working day before the deadline; the
    day after it. A reminder whose day falls before the round opens is not sent."""
    day_before = round_.deadline - timedelta(days=1)
    while not is_working_day(day_before):
        day_before -= timedelta(days=1)
    days = [
        (Reminder.OPENED, round_.opens_on),
        (Reminder.WEEK_BEFORE, round_.deadline - timedelta(days=7)),
        (Reminder.DAY_BEFORE, day_before),
        (Reminder.DAY_AFTER, round_.deadline + timedelta(days=1)),
    ]
    return [(kind, day) for kind, day in days if day >= round_.opens_on]


def section11_reminders_send(*, today: date | None = None) -> int:
    """Remind each agency with a return still to submit, once per reminder: safe to run daily.

    Only the latest reminder due is sent (a missed run is caught up once, not with every reminder it missed).
    Returns how many returns were reminded; each in its own transaction.
    """
    today = today or timezone.localdate()
    order = list(Reminder.values)
    rounds = Section11Round.objects.filter(
        opens_on__lte=today, deadline__gte=today - timedelta(days=1 + REMINDER_CATCH_UP_DAYS)
    )
    reminded = 0
    for round_ in rounds:
        due = [(kind, day) for kind, day in reminder_days(round_) if day <= today]
        if not due or (today - due[-1][1]).days > REMINDER_CATCH_UP_DAYS:
            continue
        kind = due[-1][0]
        for section11_return in round_.returns.filter(status=ReturnStatus.IN_PROGRESS).select_related("agency"):
            if section11_return.last_reminder and order.index(section11_return.last_reminder) >= order.index(kind):
                continue
            with transaction.atomic():
                notify(
                    to=holders_of(Role.AGENCY_LEAD, agency=section11_return.agency),
                    subject=_reminder_subject(kind, round_),
                    body=email_body(
                        "audits/emails/section11_reminder.txt",
                        {"return": section11_return, "round": round_, "kind": kind, "Reminder": Reminder},
                    ),
                    path=section11_return.get_absolute_url(),
                )
                section11_return.last_reminder = kind
                section11_return.save()
                reminded += 1
    return reminded


def _reminder_subject(kind: str, round_: Section11Round) -> str:
    deadline = f"{round_.deadline:%-d %B %Y}"
    return {
        Reminder.OPENED: f"{round_} is open: your return is due by {deadline}",
        Reminder.WEEK_BEFORE: f"{round_}: your return is due in 7 days, by {deadline}",
        Reminder.DAY_BEFORE: f"{round_}: your return is due by {deadline}",
        Reminder.DAY_AFTER: f"{round_}: your return is late; it was due by {deadline}",
    }[kind]


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
