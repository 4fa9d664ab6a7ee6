"""The LADO's workflows, each in one transaction: recording allegations and consultations, initial consideration,
outcomes, closure, notes and corrections, disposal, confirming a year's figures, importing the LADO's spreadsheet,
and reminding LADOs of meeting follow-ups.

Emails about compartment records carry a neutral subject and a link only: never an adult's name, a child's
reference or what happened.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assure.core.models import Partnership, User
from assure.core.notify import notify
from assure.core.permissions import Role
from assure.core.selectors import holders_of

from . import selectors
from .imports import CaseRow
from .models import (
    Allegation,
    AllegationChild,
    AllegationImport,
    CaseNote,
    Consultation,
    Criterion,
    InitialDecision,
    Meeting,
    Outcome,
    YearConfirmation,
)


class DisposalReason:
    RETENTION = "The retention period ended"
    RECTIFICATION = "Rectification: the record should not be kept"
    COURT_ORDER = "A court order"
    CHOICES = [(text, text) for text in (RETENTION, RECTIFICATION, COURT_ORDER)]


def _check_criteria(allegation: Allegation, criteria) -> None:
    too_new = [c for c in criteria if allegation.received_on and c.applies_from > allegation.received_on]
    if too_new:
        raise ValidationError(
            {
                "criteria": f"“{too_new[0].text}” applies to allegations received from "
                f"{too_new[0].applies_from:%-d %B %Y} ({too_new[0].guidance})."
            }
        )


@transaction.atomic
def allegation_save(
    *,
    allegation: Allegation,
    by: User,
    criteria,
    summary: str,
    named_lados=(),
    child_age_band: str = "",
    consultation: Consultation | None = None,
) -> Allegation:
    """Record a new allegation (with its first child) or save changes to one; a restricted case always names the
    LADO who records it, so they do not lose sight of it."""
    criteria = list(criteria)
    _check_criteria(allegation, criteria)
    allegation.full_clean(exclude=["reference"])
    adding = allegation.pk is None
    if adding:
        allegation.created_by = by
    allegation.summary = summary
    allegation.save()
    allegation.criteria.set(criteria)
    named = set(named_lados)
    if allegation.restricted:
        named.add(by)
    allegation.named_lados.set(named)
    if adding:
        if not child_age_band:
            raise ValidationError({"child_age_band": "Select the age band of the child."})
        AllegationChild.objects.create(allegation=allegation, age_band=child_age_band)
    if consultation is not None:
        if consultation.referred_as_id:
            raise ValidationError("This consultation has already been referred as an allegation.")
        consultation.referred_as = allegation
        consultation.save()
    return allegation


@transaction.atomic
def consultation_save(*, consultation: Consultation, by: User, concern: str, advice: str) -> Consultation:
    consultation.full_clean(exclude=["reference"])
    if consultation.pk is None:
        consultation.created_by = by
    consultation.concern = concern
    consultation.advice = advice
    consultation.save()
    return consultation


@transaction.atomic
def initial_consideration_record(*, allegation: Allegation, on: date, decision: str, by: User) -> Allegation:
    """Record the initial consideration; "no further action" is the case's outcome, agreed that day."""
    if allegation.outcome:
        raise ValidationError("The outcome of this allegation is already recorded.")
    allegation.initial_consideration_on = on
    allegation.initial_decision = decision
    if decision == InitialDecision.NO_FURTHER_ACTION:
        allegation.outcome, allegation.outcome_on = Outcome.NO_FURTHER_ACTION, on
    allegation.full_clean()
    allegation.save()
    return allegation


@transaction.atomic
def outcome_record(*, allegation: Allegation, outcome: str, outcome_on: date, by: User) -> Allegation:
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": f"Choose one of the outcomes: {', '.join(Outcome.labels)}."})
    allegation.outcome, allegation.outcome_on = outcome, outcome_on
    allegation.full_clean()
    allegation.save()
    return allegation


@transaction.atomic
def allegation_close(*, allegation: Allegation, closed_on: date, by: User) -> Allegation:
    if not allegation.outcome:
        raise ValidationError("Record the outcome before closing the case.")
    if allegation.closed_on:
        raise ValidationError("This case is already closed.")
    allegation.closed_on = closed_on
    allegation.full_clean()
    allegation.save()
    return allegation


@transaction.atomic
def note_add(*, case, text: str, by: User, corrects: CaseNote | None = None, reason: str = "") -> CaseNote:
    """Add a note to an allegation or consultation; a correction names the note it corrects and why."""
    if not text.strip():
        raise ValidationError({"text": "Enter the note."})
    if corrects is not None and not reason.strip():
        raise ValidationError({"reason": "Enter why the note needs correcting."})
    if case.disposed_on:
        raise ValidationError("This case has been disposed of: nothing more can be written to it.")
    note = CaseNote(author=by, corrects=corrects, correction_reason=reason.strip())
    if isinstance(case, Allegation):
        note.allegation = case
    else:
        note.consultation = case
    note.text = text
    note.save()
    return note


@transaction.atomic
def allegation_dispose(*, allegation: Allegation, reason: str, by: User, today: date | None = None) -> Allegation:
    """Dispose of a case: destroy its key, so its narrative and notes can never be read again, and clear the adult's
    details. What is left is a tombstone — reference, dates, sector, outcome — that still counts in the figures."""
    today = today or timezone.localdate()
    if allegation.disposed_on:
        raise ValidationError("This case has already been disposed of.")
    if not reason.strip():
        raise ValidationError({"reason": "Choose why the case is disposed of."})
    cases = [allegation, *([allegation.consultation] if hasattr(allegation, "consultation") else [])]
    for case in cases:
        key = case.case_key
        case.case_key = None
        case.adult_name = "Disposed of"
        case.adult_date_of_birth = None
        case.disposed_on = today
        if isinstance(case, Allegation):
            case.adult_role = case.employer = case.other_roles = case.referrer_role = ""
            case.disposal_reason = reason.strip()
        case.save()
        if key is not None:
            key.delete()
    return allegation


@transaction.atomic
def year_confirm(*, partnership: Partnership, start_year: int, by: User, today: date | None = None):
    """The LADO confirms a year's figures as they stand: readers of LADO figures and the yearly report see these."""
    figures = selectors.year_figures(partnership, start_year)
    if figures is None:
        raise ValidationError("There are no figures for this year to confirm.")
    return YearConfirmation.objects.create(
        partnership=partnership,
        start_year=start_year,
        confirmed_by=by,
        confirmed_on=today or timezone.localdate(),
        figures=figures.as_json(),
    )


def _lados_for(allegation: Allegation):
    if allegation.restricted:
        return list(allegation.named_lados.filter(pk__in=holders_of(Role.LADO)))
    return list(holders_of(Role.LADO))


def meeting_follow_up_reminders(*, today: date | None = None) -> int:
    """Remind the LADOs of each open case whose latest meeting's follow-up date has passed, once per meeting."""
    today = today or timezone.localdate()
    sent = 0
    for allegation in Allegation.objects.with_meeting_follow_up_due(today).filter(follow_up_on__lt=today):
        meeting = Meeting.objects.filter(allegation=allegation).order_by("-held_on", "-pk").first()
        if meeting.reminded_on is not None:
            continue
        with transaction.atomic():
            # A neutral subject and a link only: the email names no adult, no child and no allegation.
            notify(
                to=_lados_for(allegation),
                subject="A case needs follow-up",
                body="The follow-up date set at a meeting has passed on a case you can see in Assure.",
                path=allegation.get_absolute_url(),
            )
            meeting.reminded_on = today
            meeting.save()
        sent += 1
    return sent


# Import of the LADO's spreadsheet ---------------------------------------------------------------------------------


@transaction.atomic
def allegations_import(*, partnership: Partnership, file_name: str, rows: list, by: User) -> AllegationImport:
    """Land each good row of the LADO's spreadsheet as an allegation, each row whole or not at all; list every
    refused row with the column, the value and what was expected. ``rows`` come from ``imports.read_cases``."""
    errors, imported = [], 0
    for row in rows:
        if row.errors:
            errors += [error.as_dict(file_name) for error in row.errors]
            continue
        try:
            with transaction.atomic():
                _land(row, partnership=partnership, by=by)
        except ValidationError as refusal:
            errors += [error.as_dict(file_name) for error in row.refusals(refusal)]
        else:
            imported += 1
    return AllegationImport.objects.create(
        partnership=partnership,
        file_name=file_name[:200],
        imported_by=by,
        rows_read=len(rows),
        rows_imported=imported,
        row_errors=errors,
    )


def _land(row: CaseRow, *, partnership: Partnership, by: User) -> Allegation:
    allegation = allegation_save(
        allegation=Allegation(partnership=partnership, **row.fields),
        by=by,
        criteria=Criterion.objects.filter(code__in=row.criteria),
        summary=row.summary,
        child_age_band=row.age_bands[0],
    )
    for age_band in row.age_bands[1:]:
        AllegationChild.objects.create(allegation=allegation, age_band=age_band)
    for held_on in row.meeting_dates:
        meeting = Meeting(allegation=allegation, held_on=held_on)
        meeting.full_clean()
        meeting.save()
    return allegation
