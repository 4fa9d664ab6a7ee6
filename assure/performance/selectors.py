"""Reads the dashboards, scorecards and reports share."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from assure.core import periods
from assure.core.disclosure import SUPPRESSED, disclose, disclose_count
from assure.core.models import Agency, ReportingYear
from assure.core.permissions import Action, Area, agencies_for, can, is_partnership_wide
from assure.core.workdays import add_working_days

from . import statistics
from .catalogue import (
    AFFECTED_BY_DUPLICATES,
    CAVEAT_SHARE,
    COUNT,
    HIGHER,
    INDICATORS,
    LEFT_OUT_FOR_DATES,
    LOWER,
    PERCENT,
    RATE,
    SUSPECTED_DUPLICATES,
    Indicator,
)
from .engine.indicators import round_half_up
from .models import (
    AggregateDataset,
    AggregateMeasure,
    AggregateReturn,
    AggregateValue,
    Benchmark,
    DataQualityResult,
    DataVersion,
    Extract,
    IndicatorResult,
    IndicatorRun,
    IndicatorTarget,
    Publication,
)
from .sources import FALL_WARNING, KIND_LABELS, SourceKey

# A quarterly return is due from the day after its quarter ends and late after this many working days
# (decisions.md section 4).
RETURN_WORKING_DAYS = 20


# Which figures: the run in force for everyone; working figures for the analyst ---------------------------------


def publication_in_force(partnership) -> Publication | None:
    """The latest publication not withdrawn: its run is the run in force (decisions.md, "The run in force")."""
    return (
        Publication.objects.filter(run__data_version__partnership=partnership, withdrawn_at__isnull=True)
        .select_related("run__data_version", "published_by")
        .order_by("-published_at", "-pk")
        .first()
    )


def run_in_force(partnership) -> IndicatorRun | None:
    """The figures everyone but the analyst sees: those last published and not withdrawn."""
    publication = publication_in_force(partnership)
    return publication.run if publication else None


def data_in_use(partnership) -> DataVersion | None:
    return DataVersion.in_use(partnership)


def working_run(partnership) -> IndicatorRun | None:
    """The analyst's working figures: the latest run over the data in use."""
    version = DataVersion.in_use(partnership)
    return version.runs.order_by("-started_at", "-pk").first() if version else None


def is_published(run: IndicatorRun | None) -> bool:
    return run is not None and run.publications.filter(withdrawn_at__isnull=True).exists()


def published_value(partnership, indicator_id: str, start_year: int) -> IndicatorResult | None:
    """An indicator's figure for a reporting year in the run in force (None when nothing is published)."""
    run = run_in_force(partnership)
    return year_result(run, indicator_id, start_year) if run else None


def extracts_awaiting_decision(partnership):
    """Extracts checked and waiting for the analyst to use or discard them."""
    return Extract.objects.filter(partnership=partnership).awaiting_decision()


def available_years(run: IndicatorRun | None) -> list[int]:
    if run is None:
        return []
    starts = (
        run.results.filter(period_kind=IndicatorResult.PeriodKind.YEAR)
        .values_list("period_start", flat=True)
        .distinct()
    )
    return sorted({start.year for start in starts}, reverse=True)


def display_value(indicator: Indicator, result: IndicatorResult | None) -> str:
    """Appendix 3 style: percentages and rates to one decimal place, half up on the exact fraction."""
    if result is None:
        return "No data"
    if result.value is None:
        return "No cases"
    if indicator.unit == PERCENT:
        return f"{round_half_up(result.numerator, result.denominator):.1f}%"
    if indicator.unit == RATE:
        return f"{round_half_up(result.numerator, result.denominator, scale=10_000):,.1f}"
    return f"{result.numerator:,}"


@dataclass
class Row:
    label: str
    result: IndicatorResult | None
    shown: str
    numerator: str
    denominator: str


def england_for(indicator_id: str, start_year: int) -> Benchmark | None:
    return Benchmark.objects.filter(
        indicator_id=indicator_id, geography="England", period_label=periods.reporting_year_label(start_year)
    ).first()


def target_for(partnership, indicator_id: str, start_year: int) -> IndicatorTarget | None:
    return IndicatorTarget.objects.filter(
        partnership=partnership, indicator_id=indicator_id, start_year=start_year
    ).first()


def indicator_rows(run: IndicatorRun, indicator: Indicator, start_year: int, *, public: bool) -> list[Row]:
    """The year's quarters then the year itself; in a public view counts of children from 1 to the threshold are hidden."""
    year = periods.reporting_year(start_year)
    wanted = [(IndicatorResult.PeriodKind.QUARTER, q) for q in periods.quarters(start_year)] + [
        (IndicatorResult.PeriodKind.YEAR, year)
    ]
    found = {
        (r.period_kind, r.period_start): r
        for r in run.results.filter(indicator_id=indicator.id, period_start__gte=year.start, period_end__lte=year.end)
    }
    results = [found.get((kind, period.start)) for kind, period in wanted]
    numerators = disclose([[r.numerator if r else None for r in results]], public=public and indicator.unit != RATE)[0]
    # A percentage's denominator counts children too (3 conferences, none in time); a rate's is the population.
    denominators = disclose(
        [[r.denominator if r else None for r in results]], public=public and indicator.unit == PERCENT
    )[0]
    rows = []
    for (kind, period), result, numerator, denominator in zip(wanted, results, numerators, denominators, strict=True):
        hidden = numerator.suppressed or denominator.suppressed
        rows.append(
            Row(
                label=period.label if kind == IndicatorResult.PeriodKind.QUARTER else f"Year {period.label}",
                result=result,
                shown=SUPPRESSED if hidden else display_value(indicator, result),
                numerator=SUPPRESSED if numerator.suppressed else (f"{result.numerator:,}" if result else ""),
                denominator=SUPPRESSED
                if denominator.suppressed
                else (f"{result.denominator:,}" if result and result.denominator is not None else ""),
            )
        )
    return rows


def year_result(run: IndicatorRun, indicator_id: str, start_year: int) -> IndicatorResult | None:
    year = periods.reporting_year(start_year)
    return run.results.filter(
        indicator_id=indicator_id, period_kind=IndicatorResult.PeriodKind.YEAR, period_start=year.start
    ).first()


def status_against(indicator: Indicator, value: float | None, comparator: float | None) -> str:
    """'better', 'worse' or 'similar' given the indicator's polarity; '' when it has none."""
    if value is None or comparator is None or indicator.polarity not in ("higher is better", "lower is better"):
        return ""
    if abs(value - comparator) < 0.05:
        return "similar"
    higher = value > comparator
    return "better" if higher == (indicator.polarity == "higher is better") else "worse"


def comparison_with_england(indicator: Indicator, result: IndicatorResult | None, england: Benchmark | None):
    if result is None or england is None or result.value is None:
        return None
    if indicator.unit == PERCENT:
        return statistics.compare_percentage(value=result.value, denominator=result.denominator, england=england.value)
    if indicator.unit == RATE:
        return statistics.compare_rate_per_10k(value=result.value, population=result.denominator, england=england.value)
    return None


def series_over_periods(run: IndicatorRun, indicator_id: str, kind: str, first: periods.Period, last: periods.Period):
    return list(
        run.results.filter(
            indicator_id=indicator_id, period_kind=kind, period_start__gte=first.start, period_end__lte=last.end
        ).order_by("period_end")
    )


def aggregate_series(partnership, dataset_code: str, measure_code: str, start_year: int, *, accepted_only: bool = True):
    """Per quarter of the year, the sum over agencies of one measure of an aggregate data set (None where no return)."""
    values = AggregateValue.objects.filter(
        aggregate_return__dataset__partnership=partnership,
        aggregate_return__dataset__code=dataset_code,
        measure__code=measure_code,
        aggregate_return__start_year=start_year,
    )
    if accepted_only:
        values = values.filter(aggregate_return__status=AggregateReturn.Status.ACCEPTED)
    totals: dict[int, int] = {}
    for quarter, value in values.values_list("aggregate_return__quarter", "value"):
        totals[quarter] = totals.get(quarter, 0) + value
    return [(periods.quarter(start_year, q), totals.get(q)) for q in (1, 2, 3, 4)]


def whole_percent(result: IndicatorResult | None) -> Decimal | None:
    if result is None or result.value is None:
        return None
    return round_half_up(result.numerator, result.denominator, places=0)


@dataclass(frozen=True)
class ReturnOwed:
    """A quarterly return an agency owes: its quarter has ended and nothing has been submitted."""

    dataset: AggregateDataset
    agency: Agency
    start_year: int
    quarter: int
    deadline: date
    draft: AggregateReturn | None

    @property
    def period(self) -> periods.Period:
        return periods.quarter(self.start_year, self.quarter)

    def is_late(self, today: date) -> bool:
        return today > self.deadline


def returns_owed(partnership, *, today: date, agencies=None, late_only: bool = False) -> list[ReturnOwed]:
    """Returns owed by ``agencies`` (all when None), soonest deadline first.

    A data set is owed for every quarter that has ended in the reporting years Assure holds,
    from the first quarter any agency returned it (or, before any return, the latest year's
    first quarter), by each active agency that submits it, unless a return has been submitted.
    """
    years = sorted(ReportingYear.objects.filter(partnership=partnership).values_list("start_year", flat=True))
    if not years:
        return []
    returns = AggregateReturn.objects.filter(dataset__partnership=partnership)
    found = {(r.dataset_id, r.agency_id, r.start_year, r.quarter): r for r in returns}
    owed = []
    for dataset in AggregateDataset.objects.filter(partnership=partnership).prefetch_related("agencies"):
        returned = [(year, quarter) for (dataset_id, _, year, quarter) in found if dataset_id == dataset.pk]
        first = min(returned, default=(years[-1], 1))
        submitting = [
            agency for agency in dataset.agencies.all() if agency.active and (agencies is None or agency in agencies)
        ]
        for start_year in years:
            for number in (1, 2, 3, 4):
                ended = periods.quarter(start_year, number).end
                if (start_year, number) < first or ended >= today:
                    continue
                deadline = add_working_days(ended, RETURN_WORKING_DAYS)
                if late_only and today <= deadline:
                    continue
                for agency in submitting:
                    existing = found.get((dataset.pk, agency.pk, start_year, number))
                    if existing is None or existing.status == AggregateReturn.Status.DRAFT:
                        owed.append(ReturnOwed(dataset, agency, start_year, number, deadline, existing))
    return sorted(owed, key=lambda r: (r.deadline, r.dataset.name, r.agency.name))


def returns_owed_to(user, partnership, *, today: date, late_only: bool = False) -> list[ReturnOwed]:
    """The returns owed that a person may see: their own agencies' for an agency lead, every agency's for the partnership."""
    if not can(user, Area.AGENCY_RETURNS, Action.VIEW):
        return []
    agencies = (
        None
        if is_partnership_wide(user, Area.AGENCY_RETURNS, Action.VIEW)
        else set(agencies_for(user, Area.AGENCY_RETURNS, Action.VIEW))
    )
    return returns_owed(partnership, today=today, agencies=agencies, late_only=late_only)


def accepted_quarter_totals(*, partnership, dataset_code: str, start_year: int) -> tuple[list[str], dict[int, list]]:
    """The measures of a quarterly data set, and for each quarter (1 to 4) of the year starting in April of
    ``start_year``, the sum of the agencies' accepted returns for each measure, in measure order (None where no
    accepted return holds it). Other apps read agencies' returns here."""
    measures = list(AggregateMeasure.objects.filter(dataset__partnership=partnership, dataset__code=dataset_code))
    values = AggregateValue.objects.filter(
        aggregate_return__dataset__partnership=partnership,
        aggregate_return__dataset__code=dataset_code,
        aggregate_return__start_year=start_year,
        aggregate_return__status=AggregateReturn.Status.ACCEPTED,
    ).values_list("aggregate_return__quarter", "measure_id", "value")
    totals: dict[tuple[int, int], int] = {}
    for quarter, measure_id, value in values:
        totals[quarter, measure_id] = totals.get((quarter, measure_id), 0) + value
    return [m.label for m in measures], {
        quarter: [totals.get((quarter, m.pk)) for m in measures] for quarter in (1, 2, 3, 4)
    }


# For other apps: published figures (governance's evidence rules, the yearly report) ------------------------------


def indicator_choices() -> list[tuple[str, str]]:
    """Every indicator, for a form that links one: (id, title), by title."""
    return sorted(((indicator.id, indicator.title) for indicator in INDICATORS.values()), key=lambda c: c[1])


def indicator_title(indicator_id: str) -> str:
    indicator = INDICATORS.get(indicator_id)
    return indicator.title if indicator else indicator_id


@dataclass(frozen=True)
class PublishedFigure:
    """An indicator's published figure for a year and the year before, with its target and polarity."""

    indicator_id: str
    title: str
    unit: str
    polarity: str
    start_year: int
    value: float | None  # None when there is no data, or no cases to divide by
    shown: str  # as the dashboard shows it, small counts of children hidden
    last_year_value: float | None
    last_year_shown: str
    target: float | None
    target_shown: str
    # "better", "worse" or "similar" by the indicator's polarity ("" when it has none, or a figure is missing).
    against_target: str
    against_last_year: str
    dashboard_url: str
    run_id: int | None


def _published_shown(indicator: Indicator, result: IndicatorResult | None) -> str:
    if result is None or result.value is None:
        return display_value(indicator, result)
    counts = [result.numerator, result.denominator] if indicator.unit == PERCENT else [result.numerator]
    if indicator.unit != RATE and any(cell.suppressed for cell in disclose([counts], public=True)[0]):
        return SUPPRESSED
    return display_value(indicator, result)


def _comparator_shown(indicator: Indicator, value: float) -> str:
    if indicator.unit == PERCENT:
        return f"{value:.1f}%"
    return f"{value:,.1f}" if indicator.unit == RATE else f"{value:,.0f}"


def published_figure(partnership, *, indicator_id: str, start_year: int) -> PublishedFigure:
    """The run in force's figure for the reporting year starting in ``start_year`` and the year before (the same
    run, so on the same data), the year's target, and the dashboard page and period that show it."""
    indicator = INDICATORS[indicator_id]
    run = run_in_force(partnership)
    this_year = year_result(run, indicator_id, start_year) if run else None
    last_year = year_result(run, indicator_id, start_year - 1) if run else None
    target = target_for(partnership, indicator_id, start_year)
    return PublishedFigure(
        indicator_id=indicator_id,
        title=indicator.title,
        unit=indicator.unit,
        polarity=indicator.polarity,
        start_year=start_year,
        value=this_year.value if this_year else None,
        shown=_published_shown(indicator, this_year),
        last_year_value=last_year.value if last_year else None,
        last_year_shown=_published_shown(indicator, last_year),
        target=target.target if target else None,
        target_shown=_comparator_shown(indicator, target.target) if target else "No target",
        against_target=status_against(
            indicator, this_year.value if this_year else None, target.target if target else None
        ),
        against_last_year=status_against(
            indicator, this_year.value if this_year else None, last_year.value if last_year else None
        ),
        dashboard_url=f"{reverse('performance:area', args=[indicator.area])}?year={start_year}",
        run_id=run.pk if run else None,
    )


def accepted_quarter_measures(*, partnership, dataset_code: str, start_year: int) -> dict | None:
    """A quarterly data set's name, its measures' labels by code, and for each quarter (1 to 4) of the reporting
    year with an accepted return, the sum of the agencies' accepted returns for each measure, by code. None when the
    partnership has no such data set."""
    dataset = AggregateDataset.objects.filter(partnership=partnership, code=dataset_code).first()
    if dataset is None:
        return None
    values = AggregateValue.objects.filter(
        aggregate_return__dataset__partnership=partnership,
        aggregate_return__dataset__code=dataset_code,
        aggregate_return__start_year=start_year,
        aggregate_return__status=AggregateReturn.Status.ACCEPTED,
    ).values_list("aggregate_return__quarter", "measure__code", "value")
    totals: dict[int, dict[str, int]] = {}
    for quarter, code, value in values:
        totals.setdefault(quarter, {})
        totals[quarter][code] = totals[quarter].get(code, 0) + value
    return {
        "name": dataset.name,
        "labels": {measure.code: measure.label for measure in dataset.measures.all()},
        "quarters": dict(sorted(totals.items())),
        "url": f"{reverse('performance:return-list')}?{urlencode({'dataset': dataset.pk})}",
    }


# What each figure means: how it compares, its trend and its caveats ---------------------------------------------


def shown_value(indicator: Indicator, result: IndicatorResult | None) -> Decimal | None:
    """The figure as the pages show it: a count, or a percentage or rate to one decimal place, half up."""
    if result is None or result.value is None:
        return None
    if indicator.unit == PERCENT:
        return round_half_up(result.numerator, result.denominator)
    if indicator.unit == RATE:
        return round_half_up(result.numerator, result.denominator, scale=10_000)
    return Decimal(result.numerator)


def _one_place(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class HowWeCompare:
    """A figure against England and against its target, in words (decisions.md, "How we compare")."""

    england: str = ""
    target: str = ""
    polarity: str = ""
    # "better", "worse" or "" (similar, no polarity, or nothing to compare): the tag beside the words.
    england_verdict: str = ""
    target_verdict: str = ""

    @property
    def phrases(self) -> list[str]:
        return [phrase for phrase in (self.england, self.target, self.polarity) if phrase]


def _better_or_worse(indicator: Indicator, higher: bool) -> str:
    if indicator.polarity == HIGHER:
        return "better" if higher else "worse"
    if indicator.polarity == LOWER:
        return "worse" if higher else "better"
    return ""


def _difference(indicator: Indicator, difference: Decimal) -> str:
    size = abs(difference)
    if indicator.unit == PERCENT:
        return f"{size:.1f} point{'' if size == 1 else 's'}"
    if indicator.unit == RATE:
        return f"{size:,.1f} per 10,000"
    return f"{size:,.0f}"


def how_we_compare(
    indicator: Indicator,
    result: IndicatorResult | None,
    england: Benchmark | None,
    target: IndicatorTarget | None,
) -> HowWeCompare:
    """The one place that decides how a figure compares.

    Against England (rates and percentages only, never counts): "Higher (Lower) than England — better (worse)"
    only outside the 99.8 % funnel limits, "Similar to England" inside. Against the target: the signed difference
    in the figure's unit ("0.4 points below target"), better or worse by polarity. A figure whose polarity is
    neither says "Higher is not better or worse".
    """
    value = shown_value(indicator, result)
    if value is None:
        return HowWeCompare()
    england_words = england_verdict = ""
    if england is not None and indicator.unit != COUNT:
        compare = (
            statistics.compare_percentage(value=result.value, denominator=result.denominator, england=england.value)
            if indicator.unit == PERCENT
            else statistics.compare_rate_per_10k(
                value=result.value, population=result.denominator, england=england.value
            )
        )
        if compare is not None:
            if compare.within_998:
                england_words = "Similar to England"
            else:
                higher = result.value > england.value
                england_verdict = _better_or_worse(indicator, higher)
                england_words = f"{'Higher' if higher else 'Lower'} than England" + (
                    f" — {england_verdict}" if england_verdict else ""
                )
    target_words = target_verdict = ""
    if target is not None:
        difference = value - _one_place(target.target)
        if difference == 0:
            target_words = "On target"
        else:
            target_verdict = _better_or_worse(indicator, difference > 0)
            target_words = f"{_difference(indicator, difference)} {'above' if difference > 0 else 'below'} target" + (
                f" — {target_verdict}" if target_verdict else ""
            )
    polarity = (
        "Higher is not better or worse"
        if indicator.polarity not in (HIGHER, LOWER) and (england_words or target_words)
        else ""
    )
    return HowWeCompare(england_words, target_words, polarity, england_verdict, target_verdict)


@dataclass(frozen=True)
class Caveat:
    """A data-quality finding beside the figure it affects, linking to it on the data-quality page."""

    text: str
    finding: str  # the finding's anchor on the data-quality page


def year_quality(run: IndicatorRun, start_year: int) -> DataQualityResult | None:
    return run.data_quality.filter(
        period_kind=IndicatorResult.PeriodKind.YEAR, period_start=periods.reporting_year(start_year).start
    ).first()


def _base(indicator: Indicator, result: IndicatorResult) -> int:
    """What a finding is measured against: a percentage's denominator, else the records counted."""
    return (result.denominator or 0) if indicator.unit == PERCENT else result.numerator


def _count_text(count: int, public: bool) -> str:
    return SUPPRESSED if disclose_count(count, public=public).suppressed else f"{count:,}"


def caveats_for(
    indicator: Indicator, result: IndicatorResult | None, checks: dict | None, *, public: bool
) -> list[Caveat]:
    """The findings that affect a figure, by the catalogue's mapping: shown when the finding changes the shown
    value or touches at least 0.5 % of the figure's base (decisions.md, "Caveats")."""
    if result is None or result.value is None or not checks:
        return []
    found = []
    duplicates = checks.get(SUSPECTED_DUPLICATES) or 0
    if indicator.id in AFFECTED_BY_DUPLICATES and duplicates:
        changes = False
        if indicator.id == "re_referrals_12m_pct":
            without = checks.get("re_referrals_12m_pct_without_suspected_duplicates") or {}
            changes = round_half_up(without.get("numerator", 0), without.get("denominator", 0)) != shown_value(
                indicator, result
            )
        if changes or duplicates >= CAVEAT_SHARE * max(_base(indicator, result), 1):
            found.append(
                Caveat(
                    f"{_count_text(duplicates, public)} possible duplicate referral{'s' if duplicates != 1 else ''}"
                    " — see data quality",
                    "suspected-duplicate-referrals",
                )
            )
    left_out = (checks.get(LEFT_OUT_FOR_DATES) or {}).get(indicator.event_kind, 0)
    if left_out and left_out >= CAVEAT_SHARE * max(_base(indicator, result), 1):
        kind = KIND_LABELS[indicator.event_kind].lower()
        found.append(
            Caveat(f"{_count_text(left_out, public)} {kind} left out for their dates — see data quality", "left-out")
        )
    return found


@dataclass(frozen=True)
class YearFigure:
    """One reporting year's figure as shown ("No data" for a year the run does not cover)."""

    start_year: int
    label: str
    result: IndicatorResult | None
    shown: str


def year_figures(run: IndicatorRun, indicator: Indicator, years: list[int], *, public: bool) -> list[YearFigure]:
    """An indicator's figure for each of ``years`` from the same run, each hidden on its own when small."""
    found = {
        r.period_start.year: r
        for r in run.results.filter(
            indicator_id=indicator.id,
            period_kind=IndicatorResult.PeriodKind.YEAR,
            period_start__in=[periods.reporting_year(y).start for y in years],
        )
    }
    figures = []
    for start_year in years:
        result = found.get(start_year)
        hidden = result is not None and _hidden(indicator, result, public)
        figures.append(
            YearFigure(
                start_year,
                periods.reporting_year_label(start_year),
                result,
                SUPPRESSED if hidden else ("No data" if result is None else display_value(indicator, result)),
            )
        )
    return figures


def _hidden(indicator: Indicator, result: IndicatorResult, public: bool) -> bool:
    numerator = disclose_count(result.numerator, public=public and indicator.unit != RATE)
    denominator = disclose_count(result.denominator, public=public and indicator.unit == PERCENT)
    return numerator.suppressed or denominator.suppressed


# Completeness of each source in use ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Completeness:
    """A source's records in a reporting year beside what its earlier years lead one to expect."""

    label: str
    file_name: str
    uploaded: date
    records: int
    expected: int | None  # about how many, from up to three earlier years; None without any
    low: bool

    @property
    def sentence(self) -> str:
        text = f"{self.label}: {self.records:,} record{'s' if self.records != 1 else ''} in {{year}}"
        if self.expected is not None:
            text += f" — expected about {self.expected:,} from previous years"
        return text


def _about(value: float) -> int:
    """A number to two significant figures, as "about" says it: 2,980 is about 3,000."""
    if value < 100:
        return round(value)
    magnitude = 10 ** (len(str(int(value))) - 2)
    return int(Decimal(value / magnitude).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * magnitude


def completeness(version: DataVersion | None, start_year: int) -> list[Completeness]:
    """For each source of ``version`` that covers the year: its records in the year and the number its earlier
    years lead one to expect (their mean, over up to three years), flagged when more than 20 % short. A CIN census
    or SSDA903 source covers its own collection year; its earlier years are the same kind's earlier sources."""
    if version is None:
        return []
    in_version = list(version.sources.select_related("extract").order_by("position"))
    by_key = {source.key: source for source in in_version}
    rows = []
    for source in in_version:
        key = SourceKey.parse(source.key)
        if key.group == "annex_a":
            earlier = [source.records_by_year.get(str(start_year - back)) for back in (1, 2, 3)]
            records = source.records_by_year.get(str(start_year), 0)
        elif key.number == start_year:
            earlier = [
                by_key[str(SourceKey(key.group, start_year - back))].records_by_year.get(str(start_year - back))
                if str(SourceKey(key.group, start_year - back)) in by_key
                else None
                for back in (1, 2, 3)
            ]
            records = source.records_by_year.get(str(start_year), 0)
        else:
            continue
        earlier = [count for count in earlier if count]
        expected = _about(sum(earlier) / len(earlier)) if earlier else None
        rows.append(
            Completeness(
                label=source.label,
                file_name=source.file_name,
                uploaded=timezone.localtime(source.extract.uploaded_at).date(),
                records=records,
                expected=expected,
                low=expected is not None and records < (1 - FALL_WARNING) * expected,
            )
        )
    return rows


# What readers will see change when the working figures are published ---------------------------------------------


@dataclass(frozen=True)
class FigureChange:
    indicator: Indicator
    year: str
    before: str
    after: str
    size: float  # how large the change is, as a share of the figure before (a new figure counts as largest)
    caveats: list[Caveat] = field(default_factory=list)


def changes_on_publishing(working: IndicatorRun, in_force: IndicatorRun | None) -> list[FigureChange]:
    """Every reporting-year figure readers will see change if ``working`` is published instead of ``in_force``,
    largest first, with the data-quality findings that affect each."""
    before = {}
    if in_force is not None:
        before = {
            (r.indicator_id, r.period_start): r
            for r in in_force.results.filter(period_kind=IndicatorResult.PeriodKind.YEAR)
        }
    quality = {
        q.period_start: q.checks for q in working.data_quality.filter(period_kind=IndicatorResult.PeriodKind.YEAR)
    }
    changes = []
    for result in working.results.filter(
        period_kind=IndicatorResult.PeriodKind.YEAR, indicator_id__in=list(INDICATORS)
    ):
        indicator = INDICATORS[result.indicator_id]
        old = before.get((result.indicator_id, result.period_start))
        new_value, old_value = shown_value(indicator, result), shown_value(indicator, old)
        if old is not None and new_value == old_value:
            continue
        if old_value is None or new_value is None:
            size = float("inf")
        else:
            size = float(abs(new_value - old_value) / abs(old_value)) if old_value else float("inf")
        changes.append(
            FigureChange(
                indicator=indicator,
                year=result.period_label,
                before="No data" if old is None else display_value(indicator, old),
                after=display_value(indicator, result),
                size=size,
                caveats=caveats_for(indicator, result, quality.get(result.period_start), public=False),
            )
        )
    return sorted(changes, key=lambda change: (-change.size, change.indicator.title, change.year))


# The DfE rules --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DfeRulesFound:
    """What the DfE rules found in one source's file: their summary, and failures by rule and message."""

    source: object
    status: str
    summary: str
    rules: list[tuple[str, str, int]]  # rule code, message, failures
    failures: int


def dfe_rules_of(sources) -> list[DfeRulesFound]:
    """For each source whose file the DfE rules checked (CIN census, SSDA903), what they found."""
    found = []
    for source in sources:
        if not source.dfe_rules:
            continue
        rules = list(
            source.dfe_failures.values("rule", "message").annotate(failures=Count("pk")).order_by("-failures", "rule")
        )
        found.append(
            DfeRulesFound(
                source=source,
                status=source.dfe_rules.get("status", ""),
                summary=source.dfe_rules.get("summary", ""),
                rules=[(rule["rule"], rule["message"], rule["failures"]) for rule in rules],
                failures=sum(rule["failures"] for rule in rules),
            )
        )
    return found


def dfe_rules_in(version: DataVersion | None) -> list[DfeRulesFound]:
    return dfe_rules_of(version.sources.order_by("position")) if version else []
