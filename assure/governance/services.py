"""Governance workflows. Each runs in one transaction and takes ``today`` (the real date by default), so the demo
can run it as of its historic dates.

For other apps (the reviews app's standing panel): ``meeting_record``, ``attendance_record`` and
``decision_record``; read them back through ``selectors.meetings_of`` and ``selectors.decisions_of``.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assure.actions import services as action_services
from assure.core.models import Agency, Partnership, Priority, ReportingYear, User
from assure.core.notify import notify
from assure.core.permissions import Action, Area, Role, is_partnership_wide
from assure.core.selectors import holders_of

from . import budget, rules, selectors
from .models import (
    Attendance,
    BudgetLine,
    Challenge,
    ChallengeStatement,
    Judgement,
    LineKind,
    Meeting,
    MeetingDecision,
    Outcome,
    PriorityIndicator,
    PriorityYear,
    RollOver,
    Scale,
    ScrutinyAssessment,
    year_label,
)

# Priorities and judgements ---------------------------------------------------------------------------------------


@transaction.atomic
def priority_year_start(*, priority: Priority, start_year: int) -> PriorityYear:
    """Plan a priority for a year."""
    if PriorityYear.objects.filter(priority=priority, start_year=start_year).exists():
        raise ValidationError(
            {"start_year": f"{priority.name} is already a priority for {year_label(start_year)}: open it instead."}
        )
    priority_year = PriorityYear(priority=priority, start_year=start_year)
    priority_year.full_clean()
    priority_year.save()
    return priority_year


PLAN_FIELDS = ("why_chosen", "lead_partner", "lead_officer", "outcomes_sought")
YEAR_FIELDS = ("achievements", "to_improve", "review_learning_themes")


@transaction.atomic
def priority_plan_save(*, priority_year: PriorityYear, **fields) -> PriorityYear:
    """Save a priority's plan (kept on the priority, so it carries into the years after) and its year's
    achievements and points to improve. Once a year is rolled over its plan is kept as it stood."""
    unknown = set(fields) - set(PLAN_FIELDS) - set(YEAR_FIELDS)
    if unknown:
        raise TypeError(f"not fields of a priority's plan or year: {', '.join(sorted(unknown))}")
    planned = {name: value for name, value in fields.items() if name in PLAN_FIELDS}
    if planned and priority_year.decision:
        raise ValidationError(
            f"{priority_year} was rolled over on {priority_year.decided_on:%-d %B %Y}: its plan is kept as it stood. "
            "Change the plan in the following year."
        )
    if planned:
        priority = priority_year.priority
        for name, value in planned.items():
            setattr(priority, name, value)
        priority.full_clean()
        priority.save()
    for name in YEAR_FIELDS:
        if name in fields:
            setattr(priority_year, name, fields[name])
    priority_year.full_clean()
    priority_year.save()
    return priority_year


@transaction.atomic
def priority_roll_over(
    *, priority_year: PriorityYear, decision: str, reason: str, by: User, today: date | None = None
) -> PriorityYear | None:
    """Decide a priority's future at the end of its year, keeping the year as it stood.

    Kept or changed, it becomes a priority for the next year, with the same linked indicators; moved to core
    business or closed, it ends with this year. The year's plan is kept as it was, so later changes to the
    priority never rewrite its history. Returns the next year's priority, if any.
    """
    if priority_year.decision:
        raise ValidationError(
            f"The decision for {priority_year} was taken on {priority_year.decided_on:%-d %B %Y}: "
            f"{priority_year.get_decision_display().lower()}."
        )
    if decision not in RollOver.values:
        raise ValidationError({"decision": "Choose keep, change, move to core business or close."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the partners decided this."})
    priority_year.plan = priority_year.current_plan()
    priority_year.decision = decision
    priority_year.decision_reason = reason.strip()
    priority_year.decided_on = today or timezone.localdate()
    priority_year.decided_by = by
    priority_year.save()
    priority = priority_year.priority
    if decision in (RollOver.KEEP, RollOver.CHANGE):
        following = PriorityYear.objects.create(
            priority=priority,
            start_year=priority_year.start_year + 1,
            review_learning_themes=priority_year.review_learning_themes,
        )
        PriorityIndicator.objects.bulk_create(
            [
                PriorityIndicator(priority_year=following, indicator_id=link.indicator_id)
                for link in priority_year.indicators.all()
            ]
        )
        return following
    last_year = ReportingYear.objects.filter(
        partnership=priority.partnership, start_year=priority_year.start_year
    ).first()
    if last_year is not None:
        priority.last_year = last_year
        priority.save()
    return None


@transaction.atomic
def judgement_confirm(*, statement, judgement: str, rationale: str, by: User, today: date | None = None) -> Judgement:
    """Confirm the judgement on a statement: Assure's draft, or another with a written rationale.

    The judgement keeps a snapshot of the evidence and draft it was made on, and is never changed afterwards.
    """
    today = today or timezone.localdate()
    if today <= statement.year_end:
        raise ValidationError(
            f"{statement.year_label} ends on {statement.year_end:%-d %B %Y}: its judgements are confirmed once the "
            "year has ended and its evidence is in."
        )
    if judgement not in Scale.values:
        raise ValidationError(
            {"judgement": "Choose one of: assured, partly assured, not yet assured or cannot be assessed."}
        )
    draft = rules.draft_for(statement)
    confirmed = Judgement(
        statement=statement,
        judgement=judgement,
        draft=draft.judgement,
        rationale=rationale.strip(),
        snapshot=draft.snapshot(),
        confirmed_by=by,
        confirmed_on=today,
    )
    confirmed.full_clean()
    confirmed.save()
    return confirmed


# Meetings ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_record(*, group, held_on: date, agenda: str = "", papers: str = "", minutes: str = "") -> Meeting:
    """Record a meeting of a group."""
    meeting = Meeting(group=group, held_on=held_on, agenda=agenda, papers=papers, minutes=minutes)
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, capacity: str, person: User | None = None, name: str = "", agency: Agency | None = None
) -> Attendance:
    """Record who came: a member or deputy for their agency, or a guest (always recorded, never counted)."""
    if person is not None and agency is None:
        agency = person.agency
    if person is not None and meeting.attendances.filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already recorded at this meeting."})
    attendance = Attendance(meeting=meeting, person=person, name=name.strip(), agency=agency, capacity=capacity)
    attendance.full_clean()
    attendance.save()
    return attendance


@transaction.atomic
def decision_record(*, meeting: Meeting, text: str, by: User | None) -> MeetingDecision:
    """Record a decision of a meeting. The executive decides only with every lead safeguarding partner, or their
    delegate, there."""
    if not text.strip():
        raise ValidationError({"text": "Enter the decision."})
    if meeting.group.is_executive:
        quoracy = selectors.quoracy(meeting)
        if not quoracy.quorate:
            raise ValidationError(
                "The executive decides only with every lead safeguarding partner, or their delegate, present. "
                f"Nobody was recorded for {', '.join(quoracy.missing)}: record their attendance first."
            )
    number = (meeting.decisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    decision = MeetingDecision(meeting=meeting, number=number, text=text.strip(), recorded_by=by)
    decision.full_clean()
    decision.save()
    return decision


def decision_raise_action(
    *, decision: MeetingDecision, text: str, agency: Agency, due_date: date, priority=None, today: date | None = None
):
    """Put an action a decision needs on the partnership's one register, linked back to the decision."""
    today = today or timezone.localdate()
    if due_date < today:
        raise ValidationError({"due_date": "The due date cannot be in the past."})
    return action_services.action_create_from_source(
        source=decision, text=text, agency=agency, due_date=due_date, priority=priority, today=today
    )


# Budget ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def budget_roll_forward(*, partnership: Partnership, start_year: int) -> BudgetLine:
    """Make the year's closing balance (its actual net) next year's carry forward, budgeted and actual."""
    lines = list(selectors.budget_lines(partnership, start_year))
    if not lines:
        raise ValidationError(f"{year_label(start_year)} has no budget lines to close.")
    closing = budget.position(lines, "actual")
    if not closing.complete:
        raise ValidationError(
            f"Every line of {year_label(start_year)} needs its actual figure from the ledger before the year can be "
            "carried forward."
        )
    line, _ = BudgetLine.objects.get_or_create(
        partnership=partnership,
        start_year=start_year + 1,
        kind=LineKind.CARRY_FORWARD,
        defaults={"name": "Carry forward", "budget": closing.net, "order": 999},
    )
    line.budget = line.actual = closing.net
    line.full_clean()
    line.save()
    return line


# Challenge and scrutiny ----------------------------------------------------------------------------------------


def _responders(agency: Agency) -> list[str]:
    people = holders_of(Role.LEAD_PARTNER, agency=agency) | holders_of(Role.AGENCY_LEAD, agency=agency)
    return sorted({person.email for person in people})


@transaction.atomic
def challenge_raise(
    *,
    partnership: Partnership,
    by: User,
    addressed_to: Agency,
    subject: str,
    text: str,
    response_due_on: date,
    from_agency: Agency | None = None,
    today: date | None = None,
) -> Challenge:
    """Raise a challenge to a partner; its lead safeguarding partners and safeguarding leads are told."""
    challenge = Challenge(
        partnership=partnership,
        raised_by=by,
        raised_on=today or timezone.localdate(),
        from_agency=from_agency,
        addressed_to=addressed_to,
        subject=subject.strip(),
        text=text.strip(),
        response_due_on=response_due_on,
    )
    challenge.full_clean()
    challenge.save()
    recipients = _responders(addressed_to)
    if recipients:
        notify(
            to=recipients,
            subject=f"A challenge to {addressed_to} awaits a response",
            body=(
                f"{challenge.challenger} has raised a challenge to {addressed_to}: “{challenge.subject}”. "
                f"A response is due by {response_due_on:%-d %B %Y}. Read it and respond in Assure."
            ),
            path=challenge.get_absolute_url(),
        )
    return challenge


@transaction.atomic
def challenge_respond(*, challenge: Challenge, response: str, by: User, today: date | None = None) -> Challenge:
    """Record the addressed partner's response. Only that partner's lead safeguarding partner, their delegate, or
    the agency's safeguarding lead may respond."""
    if not selectors.may_respond(by, challenge):
        raise ValidationError(
            f"Only {challenge.addressed_to}'s lead safeguarding partner, their delegate or the agency's "
            "safeguarding lead can respond to this challenge."
        )
    if challenge.responded_on:
        raise ValidationError(f"{challenge.addressed_to} responded on {challenge.responded_on:%-d %B %Y} already.")
    if not response.strip():
        raise ValidationError({"response": "Enter the response."})
    challenge.response = response.strip()
    challenge.responded_on = today or timezone.localdate()
    challenge.responded_by = by
    challenge.save()
    notify(
        to=[challenge.raised_by.email],
        subject=f"{challenge.addressed_to} has responded to your challenge",
        body=f"{challenge.addressed_to} has responded to “{challenge.subject}”. Read the response, then accept it "
        "or escalate the challenge.",
        path=challenge.get_absolute_url(),
    )
    return challenge


@transaction.atomic
def challenge_close(*, challenge: Challenge, outcome: str, note: str, by: User, today: date | None = None) -> Challenge:
    """Close a challenge once answered: whoever raised it (or the business unit) accepts the response or escalates
    the challenge to the lead safeguarding partners."""
    if by != challenge.raised_by and not is_partnership_wide(by, Area.GOVERNANCE, Action.EDIT):
        raise ValidationError("Only whoever raised the challenge, or the business unit, can close it.")
    if challenge.closed_on:
        raise ValidationError(f"This challenge was closed on {challenge.closed_on:%-d %B %Y}.")
    if not challenge.responded_on:
        raise ValidationError("The challenge can be closed once the partner has responded.")
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose to accept the response or to escalate the challenge."})
    if outcome == Outcome.ESCALATED and not note.strip():
        raise ValidationError({"note": "Say why the response is not enough, for the lead safeguarding partners."})
    challenge.outcome = outcome
    challenge.outcome_note = note.strip()
    challenge.closed_on = today or timezone.localdate()
    challenge.closed_by = by
    challenge.save()
    if outcome == Outcome.ESCALATED:
        leads = sorted({person.email for person in holders_of(Role.LEAD_PARTNER)})
        if leads:
            notify(
                to=leads,
                subject="A challenge between partners has been escalated to you",
                body=f"The challenge “{challenge.subject}” to {challenge.addressed_to} was escalated to the lead "
                "safeguarding partners after its response. Read it in Assure.",
                path=challenge.get_absolute_url(),
            )
    return challenge


@transaction.atomic
def challenge_statement_follow_up(
    *, statement: ChallengeStatement, follow_up: str, by: User, today: date | None = None
) -> ChallengeStatement:
    """Record what partners did about a challenge statement, the year after it was set."""
    if not follow_up.strip():
        raise ValidationError({"follow_up": "Enter what partners did in response."})
    statement.follow_up = follow_up.strip()
    statement.followed_up_on = today or timezone.localdate()
    statement.followed_up_by = by
    statement.save()
    return statement


def may_record_assessment(user) -> bool:
    """The independent scrutineer records their own assessment; the business unit may record it for them."""
    return (
        is_partnership_wide(user, Area.GOVERNANCE, Action.EDIT)
        or holders_of(Role.SCRUTINEER).filter(pk=user.pk).exists()
    )


@transaction.atomic
def assessment_record(
    *,
    partnership: Partnership,
    start_year: int,
    title: str,
    text: str,
    by: User,
    author: User | None = None,
    today: date | None = None,
) -> ScrutinyAssessment:
    """Record the independent scrutineer's assessment of a year."""
    if not may_record_assessment(by):
        raise ValidationError("Only the independent scrutineer, or the business unit for them, records the assessment.")
    author = author or by
    if not holders_of(Role.SCRUTINEER).filter(pk=author.pk).exists():
        raise ValidationError({"author": "Choose the independent scrutineer whose assessment this is."})
    if ScrutinyAssessment.objects.filter(partnership=partnership, start_year=start_year).exists():
        raise ValidationError({"start_year": f"The assessment of {year_label(start_year)} is already recorded."})
    assessment = ScrutinyAssessment(
        partnership=partnership,
        start_year=start_year,
        author=author,
        title=title.strip(),
        text=text.strip(),
        submitted_on=today or timezone.localdate(),
    )
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def assessment_respond(
    *, assessment: ScrutinyAssessment, response: str, by: User, today: date | None = None
) -> ScrutinyAssessment:
    """Record the safeguarding partners' response to the independent scrutineer's assessment."""
    if assessment.responded_on:
        raise ValidationError(f"The partners' response was recorded on {assessment.responded_on:%-d %B %Y}.")
    if not response.strip():
        raise ValidationError({"response": "Enter the partners' response."})
    assessment.partners_response = response.strip()
    assessment.responded_on = today or timezone.localdate()
    assessment.response_recorded_by = by
    assessment.save()
    notify(
        to=[assessment.author.email],
        subject="The partners have responded to your assessment",
        body=f"The safeguarding partners' response to “{assessment.title}” is recorded in Assure.",
        path=assessment.get_absolute_url(),
    )
    return assessment
