"""Reads of governance that views, other apps and the yearly report share.

For other apps (the reviews app's standing panel): ``group_named``, ``meetings_of`` and ``decisions_of``; they
record meetings and decisions through ``services.meeting_record`` and ``services.decision_record``.

For the yearly report, plain data for a reporting year: ``priority_report``, ``confirmed_judgements``,
``structure``, ``topic_matrix``, ``budget_statement``, ``attendance_report``, ``voice_of_the_child`` and
``challenge_report``.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from assure.core import periods
from assure.core.disclosure import disclose
from assure.core.models import Agency, Partnership, ReportingYear, RoleAssignment
from assure.core.permissions import Action, Area, Role, agencies_for, is_partnership_wide, scoped

from . import budget, diagram, rules
from .models import (
    AgeBand,
    AssuranceStatement,
    Attendance,
    BudgetLine,
    Capacity,
    Challenge,
    ChallengeStatement,
    Consultation,
    CoreArea,
    Group,
    InKindContribution,
    Judgement,
    LineKind,
    Meeting,
    MeetingDecision,
    Membership,
    PriorityYear,
    ScrutinyAssessment,
    Topic,
    year_label,
)

# Years ------------------------------------------------------------------------------------------------------------


def year_choices(partnership: Partnership) -> list[int]:
    """The reporting years governance has anything for, or the partnership has set up, newest first."""
    years = set(ReportingYear.objects.filter(partnership=partnership).values_list("start_year", flat=True))
    years |= set(PriorityYear.objects.filter(priority__partnership=partnership).values_list("start_year", flat=True))
    years |= set(AssuranceStatement.objects.filter(partnership=partnership).values_list("start_year", flat=True))
    years |= set(BudgetLine.objects.filter(partnership=partnership).values_list("start_year", flat=True))
    return sorted(years, reverse=True)


def default_year(partnership: Partnership, today: date | None = None) -> int:
    """The year governance pages open on: the latest of the partnership's reporting years that has ended, the time
    to judge it (next year's plans, carried forward early, do not move it)."""
    today = today or timezone.localdate()
    ended = ReportingYear.objects.filter(
        partnership=partnership, start_year__lt=periods.reporting_year_start(today)
    ).order_by("-start_year")
    year = ended.values_list("start_year", flat=True).first()
    return year if year is not None else periods.reporting_year_start(today)


def chosen_year(request, partnership: Partnership) -> int:
    """The year a page's ``?year=`` names, if governance knows it; else the default."""
    requested = request.GET.get("year", "")
    if requested.isdigit() and int(requested) in year_choices(partnership):
        return int(requested)
    return default_year(partnership)


# Priorities and judgements ---------------------------------------------------------------------------------------


def priority_years(partnership: Partnership, start_year: int) -> QuerySet[PriorityYear]:
    return PriorityYear.objects.filter(priority__partnership=partnership, start_year=start_year).select_related(
        "priority", "priority__lead_partner", "priority__lead_officer"
    )


def statements(partnership: Partnership, start_year: int) -> QuerySet[AssuranceStatement]:
    return (
        AssuranceStatement.objects.filter(partnership=partnership, start_year=start_year)
        .select_related("priority", "partnership")
        .prefetch_related(
            "rules", "notes", Prefetch("judgements", queryset=Judgement.objects.order_by("-confirmed_at", "-pk"))
        )
    )


def statements_to_confirm(statements_: QuerySet[AssuranceStatement], today: date | None = None):
    """Statements of years that have ended with no confirmed judgement yet."""
    today = today or timezone.localdate()
    return statements_.filter(judgements__isnull=True, start_year__lt=periods.reporting_year_start(today))


def previous_year(priority_year: PriorityYear) -> PriorityYear | None:
    return PriorityYear.objects.filter(priority=priority_year.priority, start_year=priority_year.start_year - 1).first()


@dataclass
class StatementView:
    """A statement with its live draft, its latest confirmed judgement, and whether the evidence has changed."""

    statement: AssuranceStatement
    draft: rules.Draft
    judgement: Judgement | None

    @property
    def evidence_changed(self) -> bool:
        return self.judgement is not None and rules.evidence_changed(self.judgement, self.draft)


def statement_view(statement: AssuranceStatement) -> StatementView:
    return StatementView(statement, rules.draft_for(statement), statement.latest_judgement())


# Structure, groups and meetings ----------------------------------------------------------------------------------


def current_arrangements(partnership: Partnership, day: date | None = None):
    day = day or timezone.localdate()
    return partnership.arrangements.filter(published_on__lte=day).order_by("-published_on", "-pk").first()


def lead_partners(partnership: Partnership, day: date | None = None) -> list[dict]:
    """Each statutory partner with its lead safeguarding partners and their recorded delegates on ``day``."""
    day = day or timezone.localdate()
    holding = (
        RoleAssignment.objects.active_on(day).filter(role=Role.LEAD_PARTNER).select_related("user", "delegate_for")
    )
    found = []
    for partner in Agency.objects.filter(partnership=partnership, is_statutory_partner=True, active=True):
        assignments = [a for a in holding if a.agency_id == partner.pk]
        found.append(
            {
                "partner": partner,
                "leads": [a.user for a in assignments if not a.delegate_for_id],
                "delegates": [(a.user, a.delegate_for) for a in assignments if a.delegate_for_id],
            }
        )
    return found


def groups_in(partnership: Partnership, start_year: int) -> list[Group]:
    period = periods.reporting_year(start_year)
    groups = Group.objects.filter(partnership=partnership).prefetch_related("reports_to").select_related("chair")
    return [group for group in groups if group.active_in(period)]


def reporting_lines(groups: list[Group]) -> list[tuple[Group, Group]]:
    """The graph's edges among ``groups``: (group, a group it reports to)."""
    shown = {group.pk for group in groups}
    return sorted(
        ((group, parent) for group in groups for parent in group.reports_to.all() if parent.pk in shown),
        key=lambda edge: (edge[1].name, edge[0].name),
    )


def structure_svg(partnership: Partnership, start_year: int) -> str:
    groups = groups_in(partnership, start_year)
    nodes = [diagram.Node(group.pk, group.name, group.is_partnership_group) for group in groups]
    edges = [(child.pk, parent.pk) for child, parent in reporting_lines(groups)]
    return diagram.draw(nodes, edges, title=f"Structure of {partnership}, {year_label(start_year)}")


@dataclass(frozen=True)
class Quoracy:
    quorate: bool
    rule: str
    missing: list[str]


def quoracy(meeting: Meeting) -> Quoracy:
    """Whether the meeting could decide. The executive needs every lead safeguarding partner or a delegate; another
    group needs the number of member agencies it sets, if it sets one."""
    attended = list(meeting.attendances.all())
    group = meeting.group
    if group.is_executive:
        present = {a.person_id for a in attended if a.person_id}
        leads = RoleAssignment.objects.active_on(meeting.held_on).filter(role=Role.LEAD_PARTNER)
        missing = []
        for partner in Agency.objects.filter(partnership=group.partnership, is_statutory_partner=True, active=True):
            holders = {a.user_id for a in leads if a.agency_id == partner.pk}
            if not holders & present:
                missing.append(str(partner))
        return Quoracy(not missing, "Every lead safeguarding partner, or their delegate", missing)
    if group.quorum is None:
        return Quoracy(True, "No quorum is set for this group", [])
    agencies = {a.agency_id for a in attended if a.capacity != Capacity.GUEST and a.agency_id}
    short = group.quorum - len(agencies)
    missing = [f"{short} more member agenc{'y' if short == 1 else 'ies'}"] if short > 0 else []
    return Quoracy(short <= 0, f"At least {group.quorum} member agencies", missing)


@dataclass(frozen=True)
class AgencyAttendance:
    group: str
    agency: str
    attended: int
    meetings: int

    @property
    def percent(self) -> Decimal | None:
        if not self.meetings:
            return None
        return (Decimal(self.attended) * 100 / self.meetings).quantize(Decimal("1"))


def attendance_rates(group: Group, start_year: int) -> list[AgencyAttendance]:
    """Per member agency: the group's meetings in the year it attended through a member or named deputy, over the
    group's meetings in the year while it was a member. Guests are recorded but never counted."""
    period = periods.reporting_year(start_year)
    meetings = list(group.meetings.filter(held_on__range=(period.start, period.end)).prefetch_related("attendances"))
    memberships = list(group.memberships.select_related("agency"))
    rows = []
    for agency in sorted({m.agency for m in memberships}, key=lambda a: a.name):
        seats = [m for m in memberships if m.agency_id == agency.pk]
        held = [meeting for meeting in meetings if any(seat.holds_on(meeting.held_on) for seat in seats)]
        came = [
            meeting
            for meeting in held
            if any(a.agency_id == agency.pk and a.capacity != Capacity.GUEST for a in meeting.attendances.all())
        ]
        if held:
            rows.append(AgencyAttendance(group.name, agency.name, len(came), len(held)))
    return rows


def partnership_attendance(partnership: Partnership, start_year: int) -> list[AgencyAttendance]:
    rows = []
    for group in Group.objects.filter(partnership=partnership).exclude(kind="board"):
        rows += attendance_rates(group, start_year)
    return rows


def meetings_between(partnership: Partnership, first: date, last: date) -> QuerySet[Meeting]:
    return Meeting.objects.filter(group__partnership=partnership, held_on__range=(first, last))


def this_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week holding ``today``."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


# For the reviews app's standing panel -------------------------------------------------------------------------


def group_named(partnership: Partnership, name: str) -> Group | None:
    """The partnership's group of that name (the standing panel), if there is one."""
    return Group.objects.filter(partnership=partnership, name=name).first()


def meetings_of(group: Group, *, start_year: int | None = None) -> QuerySet[Meeting]:
    """A group's meetings, latest first; within one reporting year when ``start_year`` is given."""
    meetings = group.meetings.all()
    if start_year is not None:
        period = periods.reporting_year(start_year)
        meetings = meetings.filter(held_on__range=(period.start, period.end))
    return meetings.order_by("-held_on")


def decisions_of(meeting: Meeting) -> QuerySet[MeetingDecision]:
    return meeting.decisions.order_by("number")


# Challenge ------------------------------------------------------------------------------------------------------


def visible_challenges(user, partnership: Partnership) -> QuerySet[Challenge]:
    """The challenges a person may see: every one for the partnership's readers, their own agency's for an agency
    lead, the ones they raised."""
    challenges = Challenge.objects.filter(partnership=partnership).select_related(
        "addressed_to", "from_agency", "raised_by"
    )
    return scoped(challenges, user)


def may_respond(user, challenge: Challenge) -> bool:
    """Only the addressed partner's lead safeguarding partner, their delegate, or the agency's lead (the narrow
    grant of governance at their own agency's reach) answers a challenge; the business unit does not."""
    if is_partnership_wide(user, Area.GOVERNANCE, Action.EDIT):
        return False
    return agencies_for(user, Area.GOVERNANCE, Action.EDIT).filter(pk=challenge.addressed_to_id).exists()


def awaiting_response_from(user, challenges: QuerySet[Challenge]) -> QuerySet[Challenge]:
    """Of ``challenges``, those waiting for an answer that ``user`` may give."""
    if is_partnership_wide(user, Area.GOVERNANCE, Action.EDIT):
        return challenges.none()
    agencies = agencies_for(user, Area.GOVERNANCE, Action.EDIT)
    return challenges.filter(addressed_to__in=agencies, responded_on__isnull=True, closed_on__isnull=True)


# For the yearly report: plain data ---------------------------------------------------------------------------


def _judgement_data(view: StatementView) -> dict:
    judgement = view.judgement
    return {
        "statement": view.statement.text,
        "about": view.statement.about,
        "draft": view.draft.judgement.value,
        "draft_label": view.draft.judgement.label,
        "explanation": view.draft.explanation,
        "judgement": judgement.judgement if judgement else None,
        "judgement_label": judgement.get_judgement_display() if judgement else None,
        "rationale": judgement.rationale if judgement else "",
        "confirmed_on": judgement.confirmed_on if judgement else None,
        "evidence_changed": view.evidence_changed,
        "url": view.statement.get_absolute_url(),
    }


def confirmed_judgements(partnership: Partnership, start_year: int) -> dict:
    """Every statement of the year with its draft and its confirmed judgement (None until one is), by priority and
    by core-business area."""
    found = {"priorities": {}, "core_business": {}}
    for statement in statements(partnership, start_year):
        data = _judgement_data(statement_view(statement))
        if statement.priority_id:
            found["priorities"].setdefault(statement.priority.name, []).append(data)
        else:
            found["core_business"].setdefault(CoreArea(statement.core_area).label, []).append(data)
    return found


def priority_report(partnership: Partnership, start_year: int) -> list[dict]:
    """Each priority of the year: its plan, achievements, what needs to improve, and the decision for next year."""
    return [
        {
            "priority": year.priority.name,
            "plan": year.current_plan(),
            "achievements": year.achievements_list,
            "to_improve": year.to_improve_list,
            "review_learning_themes": year.review_learning_themes_list,
            "decision": year.decision,
            "decision_label": year.get_decision_display() if year.decision else "",
            "decision_reason": year.decision_reason,
            "url": year.get_absolute_url(),
        }
        for year in priority_years(partnership, start_year)
    ]


def structure(partnership: Partnership, start_year: int) -> dict:
    """The arrangements, lead partners and delegates, the chair, relevant agencies, and the groups' graph."""
    period = periods.reporting_year(start_year)
    arrangements = current_arrangements(partnership, period.end)
    groups = groups_in(partnership, start_year)
    return {
        "arrangements": {
            "version": arrangements.version,
            "published_on": arrangements.published_on,
            "review_on": arrangements.review_on,
            "url": arrangements.url,
            "chair": str(arrangements.chair) if arrangements.chair_id else "",
            "relevant_agencies": [str(a) for a in arrangements.relevant_agencies.order_by("name")],
        }
        if arrangements
        else None,
        "lead_partners": [
            {
                "partner": str(row["partner"]),
                "leads": [str(user) for user in row["leads"]],
                "delegates": [{"delegate": str(user), "for": str(lead)} for user, lead in row["delegates"]],
            }
            for row in lead_partners(partnership, period.end)
        ],
        "groups": [
            {
                "name": group.name,
                "kind": group.get_kind_display(),
                "chair": str(group.chair) if group.chair_id else group.chair_description,
                "reports_to": sorted(parent.name for parent in group.reports_to.all()),
            }
            for group in groups
        ],
        "reporting_lines": [(child.name, parent.name) for child, parent in reporting_lines(groups)],
    }


def topic_matrix(partnership: Partnership) -> list[dict]:
    return [
        {"topic": t.name, "detail": t.detail, "reports_into": t.reports_into, "interested": t.interested_boards}
        for t in Topic.objects.filter(partnership=partnership)
    ]


def budget_lines(partnership: Partnership, start_year: int) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(partnership=partnership, start_year=start_year).select_related("partner")


def budget_statement(partnership: Partnership, start_year: int) -> dict:
    """Appendix 2: the year's lines, budget and actual, and the totals computed from them; the in-year position
    without the carry forward; partners' shares; in-kind contributions apart."""
    lines = list(budget_lines(partnership, start_year))
    planned, actual = budget.position(lines, "budget"), budget.position(lines, "actual")

    def totals(position: budget.Position) -> dict:
        return {
            "gross_expenditure": position.gross_expenditure,
            "gross_income": position.gross_income,
            "carry_forward": position.carry_forward,
            "net": position.net,
            "in_year": position.in_year,
            "complete": position.complete,
        }

    return {
        "lines": [
            {
                "name": line.name,
                "kind": line.kind,
                "budget": line.budget,
                "actual": line.actual,
                "variance": line.variance,
                "partner": str(line.partner) if line.partner_id else "",
            }
            for line in lines
        ],
        "budget": totals(planned),
        "actual": totals(actual),
        "shares": [share.__dict__ | {"outstanding": share.outstanding} for share in budget.partner_shares(lines)],
        "in_kind": [
            {"partner": str(item.agency), "description": item.description, "estimated_value": item.estimated_value}
            for item in InKindContribution.objects.filter(partnership=partnership, start_year=start_year)
        ],
    }


def carry_forward_differs(partnership: Partnership, start_year: int) -> Decimal | None:
    """The previous year's closing balance when this year's carry forward does not match it (None when it does, or
    when either year has no budget)."""
    previous = list(budget_lines(partnership, start_year - 1))
    if not previous:
        return None
    closing = budget.position(previous, "actual").net
    line = budget_lines(partnership, start_year).filter(kind=LineKind.CARRY_FORWARD).first()
    if line is None or line.actual != closing:
        return closing
    return None


def attendance_report(partnership: Partnership, start_year: int) -> list[dict]:
    return [row.__dict__ | {"percent": row.percent} for row in partnership_attendance(partnership, start_year)]


def children_consulted(partnership: Partnership, start_year: int, *, public: bool) -> list[dict]:
    """Children and young people consulted in the year by age band, with small counts hidden when ``public``."""
    period = periods.reporting_year(start_year)
    consultations = Consultation.objects.filter(partnership=partnership, held_on__range=(period.start, period.end))
    counts = {value: 0 for value in AgeBand.values}
    for band, count in consultations.values_list("age_band", "children_count"):
        counts[band] += count
    bands = [(value, label) for value, label in AgeBand.choices if counts[value]]
    cells = disclose([[counts[value] for value, _ in bands]], public=public)[0] if bands else []
    return [{"age_band": label, "children": cell} for (_, label), cell in zip(bands, cells, strict=True)]


def voice_of_the_child(partnership: Partnership, start_year: int, *, public: bool = True) -> dict:
    """The year's consultations and "you said, we did" log; in a public output only the words children agreed may
    be published, and counts of children pass disclosure control."""
    period = periods.reporting_year(start_year)
    consultations = (
        Consultation.objects.filter(partnership=partnership, held_on__range=(period.start, period.end))
        .prefetch_related("quotes", "responses", "priorities")
        .order_by("held_on", "pk")
    )
    return {
        "children_consulted": children_consulted(partnership, start_year, public=public),
        "consultations": [
            {
                "held_on": c.held_on,
                "activity": c.activity,
                "age_band": c.get_age_band_display(),
                "setting": c.setting,
                "what_children_said": c.what_children_said,
                "what_changed": c.what_changed,
                "priorities": [p.name for p in c.priorities.all()],
                "quotes": [q.text for q in c.quotes.all() if q.consent_to_publish or not public],
                "you_said_we_did": [{"you_said": r.you_said, "we_did": r.we_did} for r in c.responses.all()],
            }
            for c in consultations
        ],
    }


def challenge_report(partnership: Partnership, start_year: int) -> dict:
    """Challenges raised in the year and where they stand; the challenge statements set for the year, by theme, with
    their follow-up; and the independent scrutineer's assessment with the partners' response."""
    period = periods.reporting_year(start_year)
    raised = Challenge.objects.filter(partnership=partnership, raised_on__range=(period.start, period.end))
    themes: dict[str, list] = {}
    for statement in ChallengeStatement.objects.filter(partnership=partnership, start_year=start_year):
        themes.setdefault(statement.theme, []).append(
            {"text": statement.text, "follow_up": statement.follow_up, "followed_up_on": statement.followed_up_on}
        )
    assessment = ScrutinyAssessment.objects.filter(partnership=partnership, start_year=start_year).first()
    return {
        "challenges": [
            {
                "reference": c.reference,
                "from": c.challenger,
                "to": str(c.addressed_to),
                "subject": c.subject,
                "status": c.status.label,
                "overdue": c.is_overdue(),
            }
            for c in raised.select_related("from_agency", "addressed_to")
        ],
        "statements_by_theme": themes,
        "assessment": {
            "title": assessment.title,
            "text": assessment.text,
            "submitted_on": assessment.submitted_on,
            "partners_response": assessment.partners_response,
            "responded_on": assessment.responded_on,
        }
        if assessment
        else None,
    }


def members_on(group: Group, day: date) -> list[Membership]:
    return [m for m in group.memberships.select_related("agency", "person") if m.holds_on(day)]


def attendees_for(meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendances.select_related("person", "agency")


def meeting_filter_query(when: str, today: date) -> Q:
    """The meetings of a "when" filter: this week, coming up, or past."""
    if when == "this_week":
        first, last = this_week(today)
        return Q(held_on__range=(first, last))
    if when == "upcoming":
        return Q(held_on__gte=today)
    return Q(held_on__lt=today)
