"""The training reports, computed from bookings and evaluation responses every time they are read."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from assure.core.downloads import Percent
from assure.core.models import Agency, Priority, ReportingYear
from assure.core.periods import Period, reporting_year
from assure.core.permissions import scoped
from assure.performance.selectors import accepted_quarter_totals

from .models import (
    Attendance,
    Booking,
    BookingStatus,
    BookingWorkforceRole,
    Course,
    CourseStatus,
    EvaluationLink,
    EvaluationResponse,
    Module,
    Stage,
    WorkforceHeadcount,
    WorkforceRole,
)
from .services import fees_for_booking

MEASURES = ("knowledge", "skills", "confidence")
# The workforce development strategy: "a minimum of 3-6 hours of multi-agency training; ideally at least 1 module per year".
STRATEGY_MINIMUM_HOURS = Decimal(3)


def ratio_half_up(numerator: int, denominator: int, *, scale: int = 1, places: int = 1) -> Decimal | None:
    """``scale * numerator / denominator`` rounded half up on the exact fraction (None when nothing to divide by)."""
    if not denominator:
        return None
    scaled = scale * numerator * 10**places
    return Decimal((2 * scaled + denominator) // (2 * denominator)).scaleb(-places)


def visible_bookings(user):
    """The bookings a person may see: the booking list's rows before its filters."""
    return scoped(Booking.objects.all(), user)


def evaluations_to_give(bookings, now=None):
    """Bookings whose delegate holds an evaluation link not yet used or expired, its stage not yet answered."""
    now = now or timezone.now()
    open_links = EvaluationLink.objects.filter(
        booking=OuterRef("pk"), used_at__isnull=True, expires_at__gt=now
    ).exclude(stage=Stage.MANAGER)
    answered = EvaluationResponse.objects.filter(booking=OuterRef("booking"), stage=OuterRef("stage"))
    return bookings.filter(Exists(open_links.exclude(Exists(answered))))


def next_course_booking(user, today) -> Booking | None:
    """The person's own booking, holding a place, on the soonest course today or later that still runs."""
    return (
        Booking.objects.filter(
            delegate=user,
            status__in=BookingStatus.holding_a_place(),
            course__date__gte=today,
            course__status=CourseStatus.SCHEDULED,
        )
        .select_related("course__module")
        .order_by("course__date", "course__start_time")
        .first()
    )


def attended(partnership, period: Period | None = None):
    bookings = Booking.objects.filter(course__module__partnership=partnership, attendance=Attendance.ATTENDED)
    if period is not None:
        bookings = bookings.filter(course__date__range=(period.start, period.end))
    return bookings


def trained_count(partnership, period: Period) -> int:
    """Practitioners trained in ``period``: distinct people who attended at least one course."""
    return attended(partnership, period).values("delegate").distinct().count()


@dataclass
class Share:
    label: str
    count: int
    percent: Decimal | None

    @property
    def bar_percent(self) -> int:
        """The percentage as a whole number, for the bar's length (the table gives the exact figure)."""
        return int(self.percent or 0)


def attendance_by_agency(partnership, *, period: Period | None = None, module: Module | None = None) -> list[Share]:
    """Attendees by agency, largest first (the reference report's pies)."""
    bookings = attended(partnership, period)
    if module is not None:
        bookings = bookings.filter(course__module=module)
    counts = Counter(
        f"{agency} – {service}" if service else agency
        for agency, service in bookings.values_list("agency__name", "service")
    )
    total = sum(counts.values())
    return [
        Share(name, count, ratio_half_up(count, total, scale=100, places=0))
        for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


@dataclass
class ModuleSummary:
    module: Module
    courses_in_year: int
    courses_since: int
    attended_since: int
    attended_in_year: int


def module_summaries(partnership, modules, *, since: date, year: Period) -> list[ModuleSummary]:
    """Courses run and attendance per module since ``since`` (to the year's end) and within the year."""
    rows = []
    for module in modules:
        held = module.courses.exclude(status=CourseStatus.CANCELLED)
        came = Booking.objects.filter(course__module=module, attendance=Attendance.ATTENDED)
        rows.append(
            ModuleSummary(
                module=module,
                courses_in_year=held.filter(date__range=(year.start, year.end)).count(),
                courses_since=held.filter(date__range=(since, year.end)).count(),
                attended_since=came.filter(course__date__range=(since, year.end)).count(),
                attended_in_year=came.filter(course__date__range=(year.start, year.end)).count(),
            )
        )
    return rows


@dataclass
class Average:
    value: Decimal | None
    responses: int
    attendees: int

    @property
    def response_rate(self) -> Decimal | None:
        return ratio_half_up(self.responses, self.attendees, scale=100, places=0)


@dataclass
class BeforeAfter:
    module: Module
    attendees: int
    before: dict[str, Average] = field(default_factory=dict)
    after: dict[str, Average] = field(default_factory=dict)

    def rows(self):
        for measure in MEASURES:
            yield measure.capitalize(), self.before[measure], self.after[measure]


def _averages(responses, attendees: int) -> dict[str, Average]:
    count = len(responses)
    return {
        measure: Average(ratio_half_up(sum(getattr(r, measure) for r in responses), count), count, attendees)
        for measure in MEASURES
    }


def before_after(
    modules, *, period: Period, before: str = Stage.PRE, after: str = Stage.FOLLOW_UP
) -> list[BeforeAfter]:
    """Average self-ratings before and after, per module, for courses held in ``period``, with response rates.

    The reference report's method: the pre-course form against the three-month follow-up.
    """
    rows = []
    for module in modules:
        attendees = Booking.objects.filter(
            course__module=module, course__date__range=(period.start, period.end), attendance=Attendance.ATTENDED
        ).count()
        responses = EvaluationResponse.objects.filter(
            booking__course__module=module, booking__course__date__range=(period.start, period.end)
        )
        by_stage = defaultdict(list)
        for response in responses:
            by_stage[response.stage].append(response)
        rows.append(
            BeforeAfter(
                module, attendees, _averages(by_stage[before], attendees), _averages(by_stage[after], attendees)
            )
        )
    return rows


@dataclass
class Compliance:
    agency: Agency
    headcount: int | None
    trained: int
    hours: Decimal

    @property
    def percent(self) -> Decimal | None:
        return ratio_half_up(self.trained, self.headcount or 0, scale=100, places=0)

    @property
    def gap(self) -> int | None:
        return None if self.headcount is None else max(self.headcount - self.trained, 0)


def workforce_compliance(partnership, *, year) -> list[Compliance]:
    """Per agency: staff in strategy roles who attended at least one module and 3 hours in the year, against headcount."""
    period = year.period
    hours_by_person: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    in_strategy = BookingWorkforceRole.objects.filter(booking=OuterRef("pk"), role__in=WorkforceRole.in_strategy())
    for agency_id, delegate_id, hours in (
        attended(partnership, period)
        .filter(Exists(in_strategy))
        .values_list("agency_id", "delegate_id", "course__module__hours")
    ):
        hours_by_person[agency_id, delegate_id] += hours
    headcounts = dict(WorkforceHeadcount.objects.filter(reporting_year=year).values_list("agency_id", "headcount"))
    rows = []
    for agency in Agency.objects.filter(partnership=partnership, active=True):
        own = [hours for (agency_id, _), hours in hours_by_person.items() if agency_id == agency.pk]
        trained = sum(1 for hours in own if hours >= STRATEGY_MINIMUM_HOURS)
        rows.append(Compliance(agency, headcounts.get(agency.pk), trained, sum(own, Decimal(0))))
    return rows


@dataclass
class RoleCount:
    role: str
    label: str
    people: int


def trained_by_role(partnership, *, year) -> tuple[list[RoleCount], int]:
    """People who attended a course in the year under each role their bookings gave, and the people in all.

    A person with several roles counts once under each, and once in the total.
    """
    pairs = set(
        attended(partnership, year.period)
        .filter(workforce_roles__isnull=False)
        .values_list("delegate_id", "workforce_roles__role")
    )
    counts = Counter(role for _, role in pairs)
    rows = [RoleCount(value, label, counts[value]) for value, label in WorkforceRole.choices]
    return rows, trained_count(partnership, year.period)


@dataclass
class Need:
    agency: Agency
    priority: Priority
    target: int | None
    trained: int
    booked: int
    missed: int
    gain: Decimal | None

    @property
    def gap(self) -> int | None:
        return None if self.target is None else max(self.target - self.trained, 0)

    @property
    def coverage(self) -> Decimal | None:
        return ratio_half_up(self.trained, self.target or 0, scale=100, places=0)

    @property
    def non_attendance(self) -> Decimal | None:
        return ratio_half_up(self.missed, self.booked, scale=100, places=0)


NEEDS_HEADERS = [
    "Rank",
    "Agency",
    "Priority",
    "Target workforce",
    "Trained",
    "Gap",
    "Coverage (%)",
    "Non-attendance (%)",
    "Average gain (out of 10)",
]


def training_needs(partnership, *, year) -> list[Need]:
    """For each agency and priority: trained against the target workforce, non-attendance and evaluation gain.

    Ranked by the gap (untrained staff) first, then by the lowest coverage and the highest non-attendance.
    """
    period = year.period
    headcounts = dict(WorkforceHeadcount.objects.filter(reporting_year=year).values_list("agency_id", "headcount"))
    in_year = Booking.objects.filter(
        course__module__partnership=partnership,
        course__date__range=(period.start, period.end),
        course__module__priority__isnull=False,
    ).exclude(course__status=CourseStatus.CANCELLED)
    trained, booked, missed = defaultdict(set), Counter(), Counter()
    for agency_id, priority_id, delegate_id, attendance in in_year.exclude(attendance="").values_list(
        "agency_id", "course__module__priority_id", "delegate_id", "attendance"
    ):
        booked[agency_id, priority_id] += 1
        if attendance == Attendance.ATTENDED:
            trained[agency_id, priority_id].add(delegate_id)
        else:
            missed[agency_id, priority_id] += 1
    gains = _gains(in_year)
    needs = [
        Need(
            agency,
            priority,
            headcounts.get(agency.pk),
            len(trained[agency.pk, priority.pk]),
            booked[agency.pk, priority.pk],
            missed[agency.pk, priority.pk],
            gains.get((agency.pk, priority.pk)),
        )
        for agency in Agency.objects.filter(partnership=partnership, active=True)
        for priority in Priority.objects.filter(partnership=partnership).filter(
            Q(last_year__isnull=True) | Q(last_year__start_year__gte=year.start_year)
        )
    ]
    needs.sort(
        key=lambda n: (-(n.gap or 0), n.coverage if n.coverage is not None else Decimal(0), -(n.non_attendance or 0))
    )
    return needs


def _gains(bookings) -> dict[tuple[int, int], Decimal]:
    """Mean change from the pre-course rating to the three-month rating, over the three measures, per agency and priority."""
    scores = defaultdict(dict)
    for response in EvaluationResponse.objects.filter(
        booking__in=bookings, stage__in=[Stage.PRE, Stage.FOLLOW_UP]
    ).select_related("booking__course__module"):
        key = (response.booking.agency_id, response.booking.course.module.priority_id)
        scores[key].setdefault(response.stage, []).append(sum(getattr(response, m) for m in MEASURES))
    gains = {}
    for key, stages in scores.items():
        if stages.get(Stage.PRE) and stages.get(Stage.FOLLOW_UP):
            # Sums of three measures: compare means per measure, so divide by 3 as well as by the count.
            before = ratio_half_up(sum(stages[Stage.PRE]), 3 * len(stages[Stage.PRE]), places=2)
            after = ratio_half_up(sum(stages[Stage.FOLLOW_UP]), 3 * len(stages[Stage.FOLLOW_UP]), places=2)
            gains[key] = (after - before).quantize(Decimal("0.1"))
    return gains


def needs_rows(needs: list[Need]) -> list[list]:
    return [
        [
            rank,
            need.agency.name,
            need.priority.name,
            need.target,
            need.trained,
            need.gap,
            None if need.coverage is None else Percent(need.coverage),
            None if need.non_attendance is None else Percent(need.non_attendance),
            need.gain,
        ]
        for rank, need in enumerate(needs, start=1)
    ]


def impact_statements(partnership, *, period: Period, chosen_only: bool = False):
    responses = (
        EvaluationResponse.objects.filter(
            booking__course__module__partnership=partnership,
            booking__course__date__range=(period.start, period.end),
            stage__in=[Stage.FOLLOW_UP, Stage.MANAGER, Stage.POST],
        )
        .exclude(used_in_practice="")
        .select_related("booking__course__module", "booking__agency")
        .order_by("booking__course__module__code", "-submitted_at")
    )
    return responses.filter(chosen_for_annual_report=True) if chosen_only else responses


@dataclass
class Income:
    number: int
    quarter: Period
    by_agency: dict[Agency, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.by_agency.values(), Decimal("0.00"))


def income(partnership, *, year) -> list[Income]:
    """Fees due per quarter and agency under the charging policy, for courses held in the year."""
    rows = []
    for number, quarter in enumerate(year.quarters, start=1):
        by_agency: dict[Agency, Decimal] = defaultdict(Decimal)
        bookings = (
            Booking.objects.filter(
                course__module__partnership=partnership, course__date__range=(quarter.start, quarter.end)
            )
            .exclude(attendance="")
            .select_related("course__module__partnership", "agency")
        )
        for booking in bookings:
            for fee in fees_for_booking(booking):
                by_agency[booking.agency] += fee.amount
        rows.append(Income(number, quarter, dict(sorted(by_agency.items(), key=lambda item: item[0].name))))
    return rows


@dataclass
class TakeUp:
    quarter: Period
    trained_to_date: int
    returned: list[int | None]


def tool_take_up(module: Module, *, year) -> tuple[list[str], list[TakeUp]]:
    """Per quarter: people trained in the module to date (from bookings) beside the agencies' accepted
    returns on using the tool it teaches (the ``performance`` app's quarterly data set)."""
    labels, totals = accepted_quarter_totals(
        partnership=module.partnership, dataset_code=module.tool_return, start_year=year.start_year
    )
    came = Booking.objects.filter(course__module=module, attendance=Attendance.ATTENDED)
    rows = [
        TakeUp(quarter, came.filter(course__date__lte=quarter.end).count(), totals[number])
        for number, quarter in enumerate(year.quarters, start=1)
    ]
    return labels, rows


# Courses other capabilities link to (a case review's learning events) ----------------------------------------------


def courses_to_link(partnership):
    """The partnership's courses that have not been cancelled, newest first: what another record may link to."""
    return (
        Course.objects.filter(module__partnership=partnership)
        .exclude(status=CourseStatus.CANCELLED)
        .select_related("module")
        .order_by("-date", "start_time")
    )


@dataclass(frozen=True)
class CourseAttendance:
    course_id: int
    title: str
    date: date
    attended: int
    url: str


def course_attendance(course_ids) -> list[CourseAttendance]:
    """Each course's name, date and how many people attended it, soonest first: who received a learning event."""
    courses = Course.objects.filter(pk__in=list(course_ids)).select_related("module").order_by("date", "pk")
    counts = Counter(
        Booking.objects.filter(course__in=courses, attendance=Attendance.ATTENDED).values_list("course", flat=True)
    )
    return [
        CourseAttendance(course.pk, str(course), course.date, counts.get(course.pk, 0), course.get_absolute_url())
        for course in courses
    ]


# For other apps (governance's evidence rules and budget, the yearly report) -----------------------------------


def attendance_in_year(partnership, *, start_year: int, module_codes=(), priority=None) -> dict | None:
    """Practitioners who attended the modules named by ``module_codes`` (else ``priority``'s modules) on courses held
    in the reporting year starting in April of ``start_year``, per module and in all, as plain data. None when no
    module matches."""
    modules = Module.objects.filter(partnership=partnership)
    if module_codes:
        modules = modules.filter(code__in=list(module_codes))
    elif priority is not None:
        modules = modules.filter(priority=priority)
    else:
        return None
    modules = list(modules)
    if not modules:
        return None
    came = Counter(
        attended(partnership, reporting_year(start_year))
        .filter(course__module__in=modules)
        .values_list("course__module_id", flat=True)
    )
    rows = [
        {"code": m.code, "title": m.title, "url": m.get_absolute_url(), "attended": came.get(m.pk, 0)} for m in modules
    ]
    return {
        "modules": rows,
        "attended": sum(row["attended"] for row in rows),
        "url": _report_url("training:report-attendance", partnership, start_year),
    }


def _report_url(name: str, partnership, start_year: int) -> str:
    """A training report's page for the reporting year starting in ``start_year``."""
    year = ReportingYear.objects.filter(partnership=partnership, start_year=start_year).first()
    return reverse(name) + (f"?year={year.pk}" if year else "")


def workforce_trained_in_year(partnership, *, start_year: int) -> dict | None:
    """Staff in the workforce strategy's roles who met it in the year, against the headcounts agencies gave, over
    the agencies that gave one; None when no agency gave a headcount for the year."""
    year = ReportingYear.objects.filter(partnership=partnership, start_year=start_year).first()
    if year is None:
        return None
    counted = [row for row in workforce_compliance(partnership, year=year) if row.headcount]
    if not counted:
        return None
    return {
        "agencies": len(counted),
        "trained": sum(row.trained for row in counted),
        "headcount": sum(row.headcount for row in counted),
        "url": _report_url("training:report-workforce", partnership, start_year),
    }


def charges_for_year(partnership, *, start_year: int) -> Decimal:
    """What the charging policy charged agencies for courses held in the reporting year: the training income the
    budget's ledger is reconciled with."""
    year = ReportingYear(partnership=partnership, start_year=start_year)
    return sum((quarter.total for quarter in income(partnership, year=year)), Decimal("0.00"))


@dataclass(frozen=True)
class TopicDelivery:
    """Courses of a topic held in a period and the places attended on them."""

    modules: list[str]
    courses: int
    attended: int


def topic_delivery(partnership, *, title_words: str, period: Period) -> TopicDelivery:
    """Courses held (not cancelled) in ``period`` of the modules whose title contains ``title_words``, and the
    practitioners who attended them: for other apps' reports, such as the LADO's managing-allegations training."""
    modules = Module.objects.filter(partnership=partnership, title__icontains=title_words)
    held = Course.objects.filter(module__in=modules, date__range=(period.start, period.end)).exclude(
        status=CourseStatus.CANCELLED
    )
    attended_places = Booking.objects.filter(course__in=held, attendance=Attendance.ATTENDED).count()
    return TopicDelivery([str(module) for module in modules], held.count(), attended_places)


def with_places_taken(courses):
    """Courses annotated with ``taken``: the places held (booked, or awaiting approval)."""
    return courses.annotate(taken=Count("bookings", filter=Q(bookings__status__in=BookingStatus.holding_a_place())))


def upcoming_first(courses, today: date):
    """Courses from today on, soonest first, then earlier ones, latest first."""
    return courses.annotate(
        is_past=Case(When(date__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()),
        upcoming_on=Case(When(date__gte=today, then=F("date"))),
        past_on=Case(When(date__lt=today, then=F("date"))),
    ).order_by("is_past", "upcoming_on", "-past_on", "start_time", "pk")
