"""The annual LADO report for a year and the two before it: the reference report's section 4.4.1 tables, referrals
by sector and by referrer, the managing-allegations training of the year, timescale targets, and a paragraph
stating the figures. Plain data, so that pages, downloads and the yearly report read the same thing.

Year totals by outcome and band are activity counts, shown as counted. Breakdowns by a characteristic (sector,
referrer) are suppressed outside the compartment (``core.disclosure``); a year whose figures are not there shows
"No figures".
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from assure.core.disclosure import SUPPRESSED, disclose
from assure.core.downloads import Percent
from assure.core.periods import reporting_year_label

from .figures import BANDS, NOT_COLLATED, YearFigures, percent_half_up
from .models import OUTCOME_ORDER, EmploymentSector, Outcome, ReferrerKind

NO_FIGURES = "No figures"
OUTCOMES_TITLE = "Outcomes of allegations concluded in the year"


@dataclass(frozen=True)
class BandRow:
    label: str
    counts: list[int | None]
    percents: list[Decimal | None]
    rolling: list[Decimal | None]

    @property
    def by_year(self) -> list[tuple]:
        """(number, % of concluded, rolling %) for each year."""
        return list(zip(self.counts, self.percents, self.rolling, strict=True))


@dataclass(frozen=True)
class CountRow:
    """A row of counts, one per year: a number, ``NOT_COLLATED``, ``SUPPRESSED`` ("[c]"), or None (no figures)."""

    label: str
    counts: list
    note: str = ""


@dataclass(frozen=True)
class Rate:
    count: int
    total: int
    percent: Decimal | None


@dataclass(frozen=True)
class TargetRow:
    year: str
    within_months: int
    target: int
    achieved: Decimal | None
    source: str = ""

    @property
    def label(self) -> str:
        months = "1 month" if self.within_months == 1 else f"{self.within_months} months"
        return f"{self.target}% within {months}"

    @property
    def met(self) -> bool | None:
        return None if self.achieved is None else self.achieved >= self.target


@dataclass(frozen=True)
class Confirmed:
    """Who confirmed a year's figures, and when."""

    by: str
    on: date


@dataclass(frozen=True)
class LadoReport:
    start_year: int
    years: list[str]
    figures: list[YearFigures | None]
    referred: list[int | None]
    bands: list[BandRow]
    concluded: list[int | None]
    outcomes: list[CountRow]
    outcome_totals: list
    substantiation: list[Rate | None]
    by_sector: list[CountRow]
    by_referrer: list[CountRow]
    breakdowns_suppressed: bool
    targets: list[TargetRow]
    training: object | None
    paragraph: str
    confirmations: list[Confirmed | None] = field(default_factory=list)

    @property
    def has_figures(self) -> bool:
        return any(figures is not None for figures in self.figures)

    @property
    def year(self) -> str:
        return self.years[-1]

    @property
    def sources(self) -> list[str]:
        return [figures.source if figures else NO_FIGURES for figures in self.figures]

    def download_rows(self) -> list[list]:
        """Every figure as one row: table, row, year, measure, value (a number, a percentage or a marker)."""
        rows = []
        for year, count in zip(self.years, self.referred, strict=True):
            rows.append(["Allegations referred", "Allegations referred", year, "Number", _value(count)])
        for band in self.bands:
            for index, year in enumerate(self.years):
                rows.append(["Concluded cases by time taken", band.label, year, "Number", _value(band.counts[index])])
                rows.append(
                    [
                        "Concluded cases by time taken",
                        band.label,
                        year,
                        "% of concluded",
                        _percent(band.percents[index]),
                    ]
                )
                rows.append(
                    ["Concluded cases by time taken", band.label, year, "Rolling %", _percent(band.rolling[index])]
                )
        for year, count in zip(self.years, self.concluded, strict=True):
            rows.append(["Concluded cases by time taken", "Total concluded", year, "Number", _value(count)])
        for title, table in (
            (OUTCOMES_TITLE, self.outcomes),
            ("Referrals by employment sector", self.by_sector),
            ("Referrals by who referred", self.by_referrer),
        ):
            for row in table:
                for year, count in zip(self.years, row.counts, strict=True):
                    rows.append([title, row.label, year, "Number", _value(count)])
        for year, rate in zip(self.years, self.substantiation, strict=True):
            rows.append(
                [OUTCOMES_TITLE, "Substantiated, % of concluded", year, "%", _percent(rate.percent if rate else None)]
            )
        for target in self.targets:
            rows.append(
                ["Timescale targets", target.label, target.year, "Rolling % achieved", _percent(target.achieved)]
            )
        return rows


def _value(count):
    return NO_FIGURES if count is None else count


def _percent(points: Decimal | None):
    return NO_FIGURES if points is None else Percent(points)


def _breakdown(figures: list[YearFigures | None], attribute: str, choices, *, suppress: bool) -> list[CountRow]:
    columns = [getattr(f, attribute) if f else None for f in figures]
    matrix = [[column.get(choice.value, 0) if column is not None else None for column in columns] for choice in choices]
    cells = disclose(matrix, public=suppress)
    rows = []
    for choice, row_cells in zip(choices, cells, strict=True):
        counts = []
        for year_figures, column, cell in zip(figures, columns, row_cells, strict=True):
            if year_figures is None:
                counts.append(None)
            elif column is None:
                counts.append(NOT_COLLATED)
            else:
                counts.append(SUPPRESSED if cell.suppressed else cell.value)
        rows.append(CountRow(choice.label, counts))
    return rows


def _outcome_rows(figures: list[YearFigures | None]) -> list[CountRow]:
    rows = []
    for outcome in OUTCOME_ORDER:
        counts = []
        for year_figures in figures:
            if year_figures is None:
                counts.append(None)
            else:
                count = year_figures.outcomes.get(outcome.value)
                counts.append(NOT_COLLATED if count is None else count)
        label = (
            "No further action after initial consideration" if outcome == Outcome.NO_FURTHER_ACTION else outcome.label
        )
        note = "local category" if outcome == Outcome.NO_FURTHER_ACTION else ""
        rows.append(CountRow(label, counts, note))
    return rows


def paragraph(figures: list[YearFigures | None], targets: list[TargetRow], training) -> str:
    """The figures of the year in words, with the two years before where they are there."""
    this_year = figures[-1]
    if this_year is None:
        return ""
    sentences = []
    earlier = [f for f in reversed(figures[:-1]) if f is not None]
    referred = f"In {this_year.label} the LADO received {_allegations(this_year.referred)}"
    if earlier:
        referred += ", against " + " and ".join(f"{f.referred} in {f.label}" for f in earlier)
    sentences.append(referred + ".")
    concluded = this_year.concluded
    within_three = this_year.rolling_percent_within(3)
    if concluded:
        counts = this_year.band_counts()
        sentence = (
            f"{concluded} {'case was' if concluded == 1 else 'cases were'} concluded in the year: "
            f"{counts[0] + counts[1]} of {concluded} ({within_three}%) within 3 months"
        )
        three_month_target = next((t for t in targets if t.year == this_year.label and t.within_months == 3), None)
        if three_month_target is not None:
            sentence += f", against an expectation of {three_month_target.target}%"
        sentences.append(sentence + ".")
        if this_year.substantiated is not None:
            sentence = (
                f"{this_year.substantiated} of {concluded} allegations concluded in the year were substantiated "
                f"({this_year.substantiation_percent}%)"
            )
            previous = figures[-2]
            if previous is not None and previous.substantiated is not None and previous.concluded:
                sentence += (
                    f", compared with {previous.substantiated} of {previous.concluded} in {previous.label} "
                    f"({previous.substantiation_percent}%)"
                )
            sentences.append(sentence + ".")
    if training is not None and training.courses:
        sessions = "session was" if training.courses == 1 else "sessions were"
        sentences.append(
            f"{training.courses} managing allegations training {sessions} delivered, attended by "
            f"{training.attended} practitioners."
        )
    return " ".join(sentences)


def _allegations(count: int) -> str:
    return "1 allegation" if count == 1 else f"{count} allegations"


def build_report(
    start_year: int,
    figures: list[YearFigures | None],
    *,
    targets: list,
    training,
    suppress_breakdowns: bool,
    confirmations: list | None = None,
) -> LadoReport:
    """The report for ``start_year`` from the figures of it and the two years before (None where there are none)."""
    years = [reporting_year_label(year) for year in range(start_year - 2, start_year + 1)]
    band_rows = []
    for index, band in enumerate(BANDS):
        band_rows.append(
            BandRow(
                band.label,
                [f.band_counts()[index] if f else None for f in figures],
                [f.band_percents()[index] if f else None for f in figures],
                [f.rolling_percents()[index] if f else None for f in figures],
            )
        )
    by_year = {f.label: f for f in figures if f is not None}
    target_rows = [
        TargetRow(
            year=reporting_year_label(target.start_year),
            within_months=target.within_months,
            target=target.percent,
            achieved=by_year[reporting_year_label(target.start_year)].rolling_percent_within(target.within_months)
            if reporting_year_label(target.start_year) in by_year
            else None,
            source=target.source,
        )
        for target in targets
    ]
    return LadoReport(
        start_year=start_year,
        years=years,
        figures=figures,
        referred=[f.referred if f else None for f in figures],
        bands=band_rows,
        concluded=[f.concluded if f else None for f in figures],
        outcomes=_outcome_rows(figures),
        outcome_totals=[
            None if f is None else (f.outcome_total if f.outcome_total is not None else NOT_COLLATED) for f in figures
        ],
        substantiation=[
            Rate(f.substantiated, f.concluded, percent_half_up(f.substantiated, f.concluded))
            if f is not None and f.substantiated is not None
            else None
            for f in figures
        ],
        by_sector=_breakdown(figures, "by_sector", EmploymentSector, suppress=suppress_breakdowns),
        by_referrer=_breakdown(figures, "by_referrer", ReferrerKind, suppress=suppress_breakdowns),
        breakdowns_suppressed=suppress_breakdowns,
        targets=target_rows,
        training=training,
        paragraph=paragraph(figures, target_rows, training),
        confirmations=confirmations or [],
    )
