"""Case review workflows. Each is keyword-only, runs in one transaction, and takes ``today`` (the real date by
default) so the demo can run it as of its historic dates. A refusal raises ``ValidationError`` saying what was wrong
and what was expected, and saves nothing."""

import secrets
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assure.actions.services import action_create_from_source
from assure.core.evidence_files import check_evidence_file
from assure.core.models import Agency, Partnership, RecordGrant, RoleAssignment, User
from assure.core.notify import notify
from assure.core.permissions import Action, Area, Role, may, refusal
from assure.core.record_grants import record_grant_create, record_grant_revoke
from assure.core.selectors import holders_of

from . import selectors
from .clocks import rapid_review_due, working_days_before
from .guidance import edition_in_force
from .models import (
    RETURNED_FILE_RETENTION_DAYS,
    Child,
    ChildIdentity,
    ClockReminder,
    ConfirmedYearFigures,
    Criteria,
    Deferral,
    Harm,
    Incident,
    InformationRequest,
    LeadPartnerDecision,
    LearningEvent,
    Outcome,
    PanelDecision,
    RapidReview,
    Recommendation,
    ReturnedFile,
    Review,
    ReviewKind,
    SignOff,
    next_reference,
)

# Reminders go this many working days before a deadline, and again on the first day it is late.
REMIND_BEFORE_WORKING_DAYS = 2


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


def _log(*, partnership, kind, summary: str, decided_on: date, by, meeting_on=None, **about) -> PanelDecision:
    entry = PanelDecision(
        partnership=partnership,
        kind=kind,
        summary=summary,
        decided_on=decided_on,
        meeting_on=meeting_on,
        recorded_by=by,
        **about,
    )
    entry.full_clean()
    entry.save()
    return entry


def _not_in_future(day: date | None, field: str, label: str, today: date) -> dict:
    if day and day > today:
        return {field: f"The {label} cannot be in the future: enter a date on or before {_long(today)}."}
    return {}


# Serious incidents ---------------------------------------------------------------------------------------------------


@transaction.atomic
def incident_record(*, incident: Incident, agencies, identity: dict, today: date | None = None) -> Incident:
    """Record a serious incident, its (first) child under a random reference, and who the child is apart from it."""
    today = _today(today)
    errors = {
        **_not_in_future(incident.la_aware_on, "la_aware_on", "date the local authority became aware", today),
        **_not_in_future(incident.incident_on, "incident_on", "date of the incident", today),
    }
    if errors:
        raise ValidationError(errors)
    incident.reference = next_reference(Incident, incident.partnership, "SI", incident.la_aware_on.year)
    incident.created_on = today
    incident.full_clean()
    incident.save()
    incident.agencies.set(agencies)
    _child_with_identity(incident, identity)
    return incident


def _child_with_identity(incident: Incident, identity: dict) -> Child:
    child = Child.objects.create(incident=incident)
    record = ChildIdentity(child=child, **identity)
    record.full_clean()
    record.save()
    return child


@transaction.atomic
def child_add(*, incident: Incident, identity: dict) -> Child:
    """Add a sibling harmed in the same incident; a child who died has an incident (and a notification) of their own."""
    if incident.harm == Harm.DIED and incident.children.exists():
        raise ValidationError(
            "One notification is made for each child who died: record another serious incident for this child."
        )
    return _child_with_identity(incident, identity)


@transaction.atomic
def incident_criteria_decide(
    *, incident: Incident, criteria: str, reason: str, decided_on: date, by: User, meeting_on=None, today=None
) -> Incident:
    """Record whether the incident meets the notification criteria, why, and when that was decided."""
    errors = _not_in_future(decided_on, "decided_on", "date of the decision", _today(today))
    if decided_on and decided_on < incident.la_aware_on and criteria == Criteria.MET:
        errors["decided_on"] = (
            f"The decision cannot come before the local authority became aware ({_long(incident.la_aware_on)})."
        )
    if errors:
        raise ValidationError(errors)
    incident.criteria, incident.criteria_reason, incident.criteria_decided_on = criteria, reason.strip(), decided_on
    incident.full_clean()
    incident.save()
    _log(
        partnership=incident.partnership,
        kind=PanelDecision.Kind.CRITERIA,
        summary=f"{Criteria(criteria).label}. {reason.strip()}",
        decided_on=decided_on,
        meeting_on=meeting_on,
        by=by,
        incident=incident,
    )
    return incident


@transaction.atomic
def incident_notify(
    *, incident: Incident, notified_on: date, notification_reference: str, by: User, today: date | None = None
) -> RapidReview:
    """Record the notification to the national panel; the rapid review's 15-working-day clock starts from it."""
    today = _today(today)
    if incident.notified_on:
        raise ValidationError(f"{incident} was already notified on {_long(incident.notified_on)}.")
    errors = _not_in_future(notified_on, "notified_on", "notification date", today)
    if errors:
        raise ValidationError(errors)
    incident.notified_on, incident.notification_reference = notified_on, notification_reference.strip()
    incident.full_clean()
    incident.save()
    rapid_review = RapidReview(
        partnership=incident.partnership,
        incident=incident,
        reference=next_reference(RapidReview, incident.partnership, "RR", notified_on.year),
    )
    rapid_review.full_clean()
    rapid_review.save()
    return rapid_review


# Rapid reviews -------------------------------------------------------------------------------------------------------


@transaction.atomic
def rapid_review_recommend(
    *, rapid_review: RapidReview, meeting_on: date, recommendation: str, rationale: str, by: User, today=None
) -> RapidReview:
    """Record the rapid review meeting and what the panel recommends to the lead partners, with why."""
    errors = _not_in_future(meeting_on, "meeting_on", "date of the meeting", _today(today))
    if errors:
        raise ValidationError(errors)
    rapid_review.meeting_on, rapid_review.recommendation = meeting_on, recommendation
    rapid_review.recommendation_rationale = rationale.strip()
    rapid_review.full_clean()
    rapid_review.save()
    _log(
        partnership=rapid_review.partnership,
        kind=PanelDecision.Kind.RECOMMENDATION,
        summary=f"Recommended: {Outcome(recommendation).label}. {rationale.strip()}",
        decided_on=meeting_on,
        meeting_on=meeting_on,
        by=by,
        rapid_review=rapid_review,
    )
    return rapid_review


def _decision_starts_from(subject) -> tuple[date | None, str]:
    if isinstance(subject, RapidReview):
        return subject.incident.notified_on, "the notification"
    return subject.referred_on, "the referral"


@transaction.atomic
def lead_partner_decision_record(
    *,
    subject: RapidReview | Review,
    assignment: RoleAssignment,
    decided_on: date,
    decision: str,
    rationale: str,
    by: User,
    today: date | None = None,
) -> LeadPartnerDecision:
    """Record one lead partner's (or delegate's) dated decision on a rapid review or a referral.

    Once every statutory partner has decided alike on a local review, the review exists: a rapid review's becomes a
    new local child safeguarding practice review, following the guidance edition in force that day.
    """
    today = _today(today)
    errors = _not_in_future(decided_on, "decided_on", "date of the decision", today)
    starts, what = _decision_starts_from(subject)
    if starts and decided_on and decided_on < starts:
        errors["decided_on"] = f"The decision cannot come before {what} ({_long(starts)}): enter a later date."
    if not rationale.strip():
        errors["rationale"] = (
            "Enter the reasons for deciding there should be no review."
            if decision == Outcome.NO_REVIEW
            else "Enter the reasons for the decision."
        )
    if assignment.role != Role.LEAD_PARTNER or not assignment.agency.is_statutory_partner:
        errors["assignment"] = "Choose a lead safeguarding partner, or their recorded delegate."
    elif subject.decisions.filter(agency=assignment.agency).exists():
        errors["assignment"] = f"{assignment.agency} has already recorded its decision on {subject}."
    if errors:
        raise ValidationError(errors)
    recorded = LeadPartnerDecision(
        **{"rapid_review" if isinstance(subject, RapidReview) else "review": subject},
        agency=assignment.agency,
        decided_by=assignment.user,
        decided_on=decided_on,
        decision=decision,
        rationale=rationale.strip(),
        recorded_by=by,
    )
    recorded.full_clean()
    recorded.save()
    _log(
        partnership=subject.partnership,
        kind=PanelDecision.Kind.LEAD_PARTNERS,
        summary=f"{selectors.decider_label(assignment)}: {Outcome(decision).label}. {rationale.strip()}",
        decided_on=decided_on,
        by=by,
        **{"rapid_review" if isinstance(subject, RapidReview) else "review": subject},
    )
    standing = selectors.standing_decision(subject)
    if standing is not None and standing.outcome == Outcome.LOCAL_CSPR:
        edition = edition_in_force(standing.decided_on)
        if isinstance(subject, RapidReview) and not Review.objects.filter(rapid_review=subject).exists():
            review = Review(
                partnership=subject.partnership,
                kind=ReviewKind.LOCAL_CSPR,
                rapid_review=subject,
                reference=next_reference(Review, subject.partnership, "CR", standing.decided_on.year),
                guidance_edition=edition.key if edition else "",
            )
            review.full_clean()
            review.save()
        elif isinstance(subject, Review) and edition is not None and not subject.guidance_edition:
            subject.guidance_edition = edition.key
            subject.save()
    return recorded


@transaction.atomic
def rapid_review_send(*, rapid_review: RapidReview, sent_on: date, by: User, today: date | None = None) -> RapidReview:
    """The rapid review is complete: sent to the national panel. Its information requests close with it."""
    today = _today(today)
    errors = _not_in_future(sent_on, "sent_to_national_panel_on", "date sent", today)
    if not rapid_review.recommendation:
        errors["sent_to_national_panel_on"] = "Record the panel's recommendation before sending the rapid review."
    if errors:
        raise ValidationError(errors)
    rapid_review.sent_to_national_panel_on = sent_on
    rapid_review.full_clean()
    rapid_review.save()
    for request in rapid_review.information_requests.filter(closed_on__isnull=True):
        information_request_close(information_request=request, by=by, today=today)
    return rapid_review


@transaction.atomic
def rapid_review_response(
    *, rapid_review: RapidReview, response: str, responded_on: date, today: date | None = None
) -> RapidReview:
    errors = _not_in_future(responded_on, "national_panel_responded_on", "date of the response", _today(today))
    if errors:
        raise ValidationError(errors)
    rapid_review.national_panel_response, rapid_review.national_panel_responded_on = response.strip(), responded_on
    rapid_review.full_clean()
    rapid_review.save()
    return rapid_review


# Information requests ----------------------------------------------------------------------------------------------


def _readers_of(agency: Agency):
    return holders_of(Role.AGENCY_LEAD, agency=agency)


@transaction.atomic
def information_request_send(
    *,
    rapid_review: RapidReview,
    agency: Agency,
    asked_for: str,
    sent_on: date,
    due_on: date,
    by: User,
    today: date | None = None,
) -> InformationRequest:
    """Ask an agency for information; its safeguarding leads can read the request (and the child's identity) and
    return files until it is closed."""
    today = _today(today)
    if rapid_review.sent_to_national_panel_on:
        raise ValidationError("This rapid review has gone to the national panel: it asks nobody for more information.")
    request = InformationRequest(
        rapid_review=rapid_review, agency=agency, asked_for=asked_for.strip(), sent_on=sent_on, due_on=due_on
    )
    errors = _not_in_future(sent_on, "sent_on", "date sent", today)
    if errors:
        raise ValidationError(errors)
    request.full_clean()
    request.save()
    # The share lasts while the request can be answered: to its due date or the rapid review's, whichever is later;
    # closing the request revokes it at once.
    until = max(due_on, rapid_review_due(rapid_review.started_on), today)
    for lead in _readers_of(agency):
        if not may(lead, Action.VIEW, request):
            record_grant_create(
                record=request,
                grantee=lead,
                reason=f"Information request to {agency} for {rapid_review}, due {_long(due_on)}.",
                expires_on=until,
                by=by,
                today=today,
            )
    return request


@transaction.atomic
def information_return_add(
    *, information_request: InformationRequest, upload, kind: str, by: User, today: date | None = None
) -> ReturnedFile:
    """Add a file the agency returns (by its safeguarding lead, or by the panel on its behalf) while the request is
    open. The file is checked as evidence files are and stored under a random name."""
    today = _today(today)
    if not (may(by, Action.EDIT, information_request) or selectors.is_addressee(information_request, by, today=today)):
        raise refusal(Area.REVIEWS, Action.EDIT)
    if not information_request.is_open:
        raise ValidationError("This request is closed: it takes no more files.")
    file_type = check_evidence_file(upload)
    extension = upload.name.rsplit(".", 1)[-1].lower()
    returned = ReturnedFile(
        information_request=information_request,
        kind=kind,
        stored_name=f"{secrets.token_hex(16)}.{extension}",
        original_name=upload.name[-200:],
        content_type=file_type.content_type,
        size=upload.size,
        uploaded_by=by,
    )
    returned.file.save(returned.stored_name, upload, save=False)
    # If the database write fails, the stored file must not outlive it.
    try:
        returned.full_clean()
        returned.save()
    except Exception:
        returned.file.delete(save=False)
        raise
    notify(
        to=holders_of(Role.REVIEW_PANEL),
        subject="Information returned for a case review",
        body="An agency returned information for a case review.",
        path=information_request.get_absolute_url(),
    )
    return returned


@transaction.atomic
def information_request_close(
    *, information_request: InformationRequest, by: User, today: date | None = None
) -> InformationRequest:
    """Close the request: the agency's leads lose sight of it (and of the child's identity) on their next request."""
    today = _today(today)
    if not information_request.is_open:
        raise ValidationError("This request is already closed.")
    for grant in RecordGrant.objects.of_record(information_request).active(today):
        record_grant_revoke(grant=grant, by=by, today=today)
    information_request.closed_on = today
    information_request.save()
    return information_request


def returned_files_purge(*, today: date | None = None) -> int:
    """Delete the returned files of rapid reviews sent to the national panel more than the retention period ago,
    keeping each record (who returned what, when) as a tombstone. Each file in its own transaction."""
    today = _today(today)
    cutoff = today - timedelta(days=RETURNED_FILE_RETENTION_DAYS)
    due = ReturnedFile.objects.filter(
        purged_on__isnull=True, information_request__rapid_review__sent_to_national_panel_on__lte=cutoff
    )
    purged = 0
    for returned in due:
        with transaction.atomic():
            stored = returned.file
            returned.file = ""
            returned.purged_on = today
            returned.save()
            transaction.on_commit(lambda stored=stored: stored.delete(save=False))
        purged += 1
    return purged


# Reviews -------------------------------------------------------------------------------------------------------------


@transaction.atomic
def review_record(*, review: Review, themes=(), today: date | None = None) -> Review:
    """Record a referral for a review (no notification needed), or a review carried out elsewhere or before."""
    today = _today(today)
    errors = {
        **_not_in_future(review.referred_on, "referred_on", "date of the referral", today),
        **_not_in_future(review.published_on, "published_on", "publication date", today),
    }
    if review.kind == ReviewKind.LOCAL_CSPR and not review.referred_on:
        errors["referred_on"] = "Enter the date of the referral."
    if errors:
        raise ValidationError(errors)
    start = review.initiated_on or review.referred_on or today
    review.reference = next_reference(Review, review.partnership, "CR", start.year)
    # A practice review started outside Assure follows the edition in force that day; one decided here takes its
    # edition from the lead partners' decision. Serious case reviews kept to the guidance they began under.
    if review.kind == ReviewKind.LOCAL_CSPR and review.initiated_on and not review.guidance_edition:
        edition = edition_in_force(review.initiated_on)
        review.guidance_edition = edition.key if edition else ""
    review.full_clean()
    review.save()
    review.themes.set(themes)
    return review


def _open_deferral(review: Review) -> Deferral | None:
    return review.deferrals.filter(ended_on__isnull=True).first()


@transaction.atomic
def review_scoping_agree(
    *, review: Review, agreed_on: date, by: User, meeting_on=None, today: date | None = None
) -> Review:
    errors = _not_in_future(agreed_on, "agreed_on", "date scoping was agreed", _today(today))
    if review.referred_on and agreed_on < review.referred_on:
        errors["agreed_on"] = f"Scoping must be agreed on or after the referral ({_long(review.referred_on)})."
    if errors:
        raise ValidationError(errors)
    review.scoping_agreed_on = agreed_on
    review.full_clean()
    review.save()
    _log(
        partnership=review.partnership,
        kind=PanelDecision.Kind.SCOPING,
        summary="Scoping agreed to enable the decision.",
        decided_on=agreed_on,
        meeting_on=meeting_on,
        by=by,
        review=review,
    )
    return review


@transaction.atomic
def review_defer(
    *,
    review: Review,
    stage: str,
    deferred_on: date,
    reason: str,
    review_on: date,
    by: User,
    meeting_on=None,
    today: date | None = None,
) -> Deferral:
    """Put off a review's referral, scoping or decision, with the reason and when to look again; the history of
    every deferral is kept."""
    errors = _not_in_future(deferred_on, "deferred_on", "date deferred", _today(today))
    if _open_deferral(review):
        errors["stage"] = "This review is already deferred: end that deferral before deferring it again."
    elif review.commissioned_on or review.decision_to_start_on:
        errors["stage"] = (
            "Deferral belongs to the referral, scoping and decision: this review has already been decided on."
        )
    if not reason.strip():
        errors["reason"] = "Enter why it is deferred."
    if errors:
        raise ValidationError(errors)
    deferral = Deferral(review=review, stage=stage, deferred_on=deferred_on, reason=reason.strip(), review_on=review_on)
    deferral.full_clean()
    deferral.save()
    _log(
        partnership=review.partnership,
        kind=PanelDecision.Kind.DEFERRAL,
        summary=f"{deferral.get_stage_display()} deferred until at least {_long(review_on)}. {reason.strip()}",
        decided_on=deferred_on,
        meeting_on=meeting_on,
        by=by,
        review=review,
    )
    return deferral


@transaction.atomic
def deferral_end(*, deferral: Deferral, ended_on: date, note: str, by: User, today: date | None = None) -> Deferral:
    errors = _not_in_future(ended_on, "ended_on", "date the deferral ended", _today(today))
    if deferral.ended_on:
        errors["ended_on"] = f"This deferral already ended on {_long(deferral.ended_on)}."
    if errors:
        raise ValidationError(errors)
    deferral.ended_on, deferral.ended_note = ended_on, note.strip()
    deferral.full_clean()
    deferral.save()
    _log(
        partnership=deferral.review.partnership,
        kind=PanelDecision.Kind.DEFERRAL,
        summary=f"Deferral of the {deferral.get_stage_display().lower()} ended. {note.strip()}",
        decided_on=ended_on,
        by=by,
        review=deferral.review,
    )
    return deferral


@transaction.atomic
def review_commission(
    *,
    review: Review,
    commissioned_on: date,
    reviewer: str,
    terms_of_reference: str,
    today: date | None = None,
) -> Review:
    errors = _not_in_future(commissioned_on, "commissioned_on", "date commissioned", _today(today))
    start = review.decision_to_start_on
    if start is None:
        errors["commissioned_on"] = "A review is commissioned once the lead partners have decided to hold it."
    elif commissioned_on < start:
        errors["commissioned_on"] = (
            f"The review cannot be commissioned before the decision to hold it ({_long(start)})."
        )
    if errors:
        raise ValidationError(errors)
    review.commissioned_on, review.reviewer = commissioned_on, reviewer.strip()
    review.terms_of_reference = terms_of_reference.strip()
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def sign_off_record(
    *, review: Review, assignment: RoleAssignment, signed_on: date, by: User, today: date | None = None
) -> SignOff:
    """One statutory partner's sign-off of the final report, by its lead partner or delegate."""
    errors = _not_in_future(signed_on, "signed_on", "date signed off", _today(today))
    if not review.drafts.exists():
        errors["signed_on"] = "Record the final draft before the lead partners sign it off."
    if assignment.role != Role.LEAD_PARTNER:
        errors["assignment"] = "Choose a lead safeguarding partner, or their recorded delegate."
    elif review.signoffs.filter(agency=assignment.agency).exists():
        errors["assignment"] = f"{assignment.agency} has already signed off this review."
    if errors:
        raise ValidationError(errors)
    sign_off = SignOff(
        review=review, agency=assignment.agency, signed_by=assignment.user, signed_on=signed_on, recorded_by=by
    )
    sign_off.full_clean()
    sign_off.save()
    _log(
        partnership=review.partnership,
        kind=PanelDecision.Kind.SIGN_OFF,
        summary=f"Signed off by {selectors.decider_label(assignment)}.",
        decided_on=signed_on,
        by=by,
        review=review,
    )
    return sign_off


PUBLICATION_FIELDS = (
    "family_told_on",
    "planned_publication_on",
    "copy_to_national_panel_on",
    "copy_to_secretary_of_state_on",
    "published_on",
    "publication_url",
    "not_published_reason",
    "improvements_published_on",
)


@transaction.atomic
def review_publication_record(*, review: Review, by: User, today: date | None = None, **dates) -> Review:
    """Record the publication dates the guidance tracks: family told, copies sent, published (or why not)."""
    today = _today(today)
    # As stored: a form may already have put the new dates on this instance.
    stored = Review.objects.get(pk=review.pk)
    was_published = stored.published_on or stored.improvements_published_on
    errors = {}
    for field in ("family_told_on", "copy_to_national_panel_on", "copy_to_secretary_of_state_on", "published_on"):
        label = Review._meta.get_field(field).verbose_name
        errors.update(_not_in_future(dates.get(field), field, label, today))
    if errors:
        raise ValidationError(errors)
    for field in PUBLICATION_FIELDS:
        if field in dates:
            value = dates[field]
            setattr(review, field, value.strip() if isinstance(value, str) else value)
    review.full_clean()
    review.save()
    published = review.published_on or review.improvements_published_on
    if published and not was_published:
        _log(
            partnership=review.partnership,
            kind=PanelDecision.Kind.PUBLICATION,
            summary="Published." if review.published_on else "Improvements information published.",
            decided_on=published,
            by=by,
            review=review,
        )
    return review


def _mentions_a_child(review: Review, text: str) -> bool:
    """Whether ``text`` names a child of the review's incident by reference or by name."""
    incident = review.rapid_review.incident if review.rapid_review_id else None
    if incident is None:
        return False
    lowered = text.lower()
    for child in incident.children.select_related("identity"):
        names = [child.reference]
        identity = getattr(child, "identity", None)
        if identity is not None:
            names += [identity.full_name, *identity.full_name.split()]
        if any(name and len(name) > 2 and name.lower() in lowered for name in names):
            return True
    return False


@transaction.atomic
def recommendation_add(
    *,
    review: Review,
    text: str,
    agency: Agency | None,
    made_on: date,
    due_on: date,
    today: date | None = None,
) -> Recommendation:
    """Add a recommendation and its actions on the register: one action, or one per agency for all agencies,
    labelled with the review's published name; the text names the child by the review's pseudonym only."""
    today = _today(today)
    errors = _not_in_future(made_on, "made_on", "date made", today)
    if due_on < today:
        errors["due_on"] = f"Enter a due date on or after {today:%-d %B %Y}: its action cannot start overdue."
    if _mentions_a_child(review, text):
        pseudonym = review.pseudonym or "the review's pseudonym, such as Child B"
        errors["text"] = f"Name the child as {pseudonym}, never by their reference or name."
    if errors:
        raise ValidationError(errors)
    number = (review.recommendations.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    recommendation = Recommendation(
        review=review, number=number, text=text.strip(), agency=agency, made_on=made_on, due_on=due_on
    )
    recommendation.full_clean()
    recommendation.save()
    agencies = [agency] if agency else Agency.objects.filter(partnership=review.partnership, active=True)
    for owner in agencies:
        action_create_from_source(
            source=recommendation,
            text=recommendation.text,
            agency=owner,
            due_date=due_on,
            source_label=f"{review.name}, recommendation {number}",
            today=today,
        )
    return recommendation


@transaction.atomic
def learning_event_link(*, review: Review, course) -> LearningEvent:
    """Link a training course that shares the review's learning; its attendance register says who received it."""
    if review.learning_events.filter(course=course).exists():
        raise ValidationError({"course": "This course is already linked to the review."})
    event = LearningEvent(review=review, course=course)
    event.full_clean()
    event.save()
    return event


# The panel's year --------------------------------------------------------------------------------------------------


@transaction.atomic
def year_figures_confirm(
    *, partnership: Partnership, start_year: int, by: User, today: date | None = None
) -> ConfirmedYearFigures:
    """The panel confirms a year's figures as they stand: the yearly report reads what was confirmed."""
    today = _today(today)
    if today <= date(start_year + 1, 3, 31):
        raise ValidationError(
            f"A year's figures are confirmed once it has ended: {start_year}-{(start_year + 1) % 100:02d} ends on "
            f"31 March {start_year + 1}."
        )
    return ConfirmedYearFigures.objects.create(
        partnership=partnership,
        start_year=start_year,
        figures=selectors.year_figures(partnership, start_year, today=today),
        confirmed_by=by,
        confirmed_on=today,
    )


def send_clock_reminders(*, partnership: Partnership, today: date | None = None) -> int:
    """Remind the panel of each deadline two working days before it, and on the first day it is late; an
    information request's agency leads too. A neutral subject and a link only: no child, no case. Each reminder
    is recorded so none goes twice; returns how many were sent."""
    today = _today(today)
    panel = list(holders_of(Role.REVIEW_PANEL))
    sent = 0
    for clock in selectors.live_clocks(partnership, today=today):
        if not clock.reminded:
            continue
        if clock.is_late(today):
            stage, subject = ClockReminder.Stage.MISSED, "A case review deadline has been missed"
            body = "A deadline in the case reviews area has passed. Open it to see what is due."
        elif working_days_before(clock.due_on, REMIND_BEFORE_WORKING_DAYS) <= today:
            stage, subject = ClockReminder.Stage.BEFORE, "A case review deadline is coming up"
            body = "A deadline in the case reviews area is due within two working days. Open it to see what is due."
        else:
            continue
        with transaction.atomic():
            _, created = ClockReminder.objects.get_or_create(
                clock=clock.key, due_on=clock.due_on, stage=stage, defaults={"sent_on": today}
            )
            if not created:
                continue
            recipients = panel + (list(_readers_of(Agency.objects.get(pk=clock.agency_id))) if clock.agency_id else [])
            notify(to=recipients, subject=subject, body=body, path=clock.url.split("#")[0])
            sent += 1
    return sent
