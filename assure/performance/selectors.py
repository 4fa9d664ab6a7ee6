"""Reads the dashboards, scorecards and reports share."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from assure.core import periods
from assure.core.disclosure import SUPPRESSED, disclose
from assure.core.models import Agency, ReportingYear
from assure.core.permissions import Action, Area, agencies_for, can, is_partnership_wide
from assure.core.workdays import add_working_days

from . import statistics
from .catalogue import INDICATORS, PERCENT, RATE, Indicator
from .engine.indicators import round_half_up
from .models import (
    AggregateDataset,
    AggregateMeasure,
    AggregateReturn,
    AggregateValue,
    Benchmark,
    IndicatorResult,
    IndicatorRun,
    IndicatorTarget,
)

# A quarterly return is due from the day after its quarter ends and late after this many working days
# (decisions.md section 4).
RETURN_WORKING_DAYS = 20


def latest_run(partnership) -> IndicatorRun | None:
    return IndicatorRun.objects.filter(data_version__partnership=partnership).order_by("-started_at", "-pk").first()


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


def run_in_force(partnership) -> IndicatorRun | None:
    """The run everyone but the analyst reads: the published run published last (decisions.md section 2). A run
    does not record when it was published, so the latest computed of the published runs stands for it."""
    runs = IndicatorRun.objects.filter(data_version__partnership=partnership, is_published=True)
    return runs.order_by("-started_at", "-pk").first()


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
