"""The LADO's counting rules (decisions.md section 6), as plain data and pure functions.

- **Bands**, with ``Dn = add_months(received, n)``: within 1 month ⇔ outcome ≤ D1; within 3 months ⇔ D1 < outcome ≤
  D3; within 12 months ⇔ D3 < outcome ≤ D12; more than 12 months ⇔ outcome > D12. They sum to total concluded.
- **Percentages**: band % = count ÷ total concluded by largest remainder, so the four add to 100; rolling % =
  cumulative count ÷ total concluded, rounded half up.
- **Outcomes** of allegations concluded in the year; an outcome "not collated" in a year has no count, and no total
  or rate is computed for that year. Substantiation rate = substantiated ÷ total concluded.

A year's figures (``YearFigures``) are either computed from allegation records or entered as the LADO's published
aggregates; they are stored as plain JSON when the LADO confirms them.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from assure.core.periods import add_months, reporting_year_label

from .models import EmploymentSector, Outcome, ReferrerKind

NOT_COLLATED = "not collated"


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    months: int | None  # the band's upper bound in months; None for "more than 12 months"


BANDS = (
    Band("within_1_month", "Within 1 month", 1),
    Band("within_3_months", "Within 3 months", 3),
    Band("within_12_months", "Within 12 months", 12),
    Band("over_12_months", "More than 12 months", None),
)


def band_of(received: date, outcome_on: date) -> str:
    """The band of a case received on ``received`` whose outcome was agreed on ``outcome_on``."""
    for band in BANDS:
        if band.months is None or outcome_on <= add_months(received, band.months):
            return band.key
    raise AssertionError("the last band takes every case")


def percent_half_up(count: int, total: int) -> Decimal | None:
    """``count`` ÷ ``total`` as whole percentage points, rounded half up on the exact fraction."""
    if not total:
        return None
    return Decimal((200 * count + total) // (2 * total))


def percents_largest_remainder(counts: list[int]) -> list[Decimal | None]:
    """Whole percentages of ``counts`` that add to exactly 100: each rounded down, then the points left over go to
    the largest remainders (ties to the earlier count)."""
    total = sum(counts)
    if not total:
        return [None for _ in counts]
    floors = [100 * count // total for count in counts]
    remainders = [100 * count % total for count in counts]
    left = 100 - sum(floors)
    for index in sorted(range(len(counts)), key=lambda i: (-remainders[i], i))[:left]:
        floors[index] += 1
    return [Decimal(value) for value in floors]


def rolling_percents(counts: list[int]) -> list[Decimal | None]:
    total = sum(counts)
    running, rolling = 0, []
    for count in counts:
        running += count
        rolling.append(percent_half_up(running, total))
    return rolling


@dataclass(frozen=True)
class YearFigures:
    """One reporting year's LADO figures.

    ``outcomes`` maps each outcome to its count, or to None when it was not collated that year. ``by_sector`` and
    ``by_referrer`` are referrals in the year by the adult's employment sector and by who referred, or None when
    not collated (entered years).
    """

    start_year: int
    referred: int
    bands: dict[str, int]
    outcomes: dict[str, int | None]
    by_sector: dict[str, int] | None = None
    by_referrer: dict[str, int] | None = None
    entered: bool = False
    source: str = ""
    referred_late: int | None = None
    employer_told: int | None = None

    @property
    def label(self) -> str:
        return reporting_year_label(self.start_year)

    @property
    def concluded(self) -> int:
        return sum(self.bands.values())

    def band_counts(self) -> list[int]:
        return [self.bands.get(band.key, 0) for band in BANDS]

    def band_percents(self) -> list[Decimal | None]:
        return percents_largest_remainder(self.band_counts())

    def rolling_percents(self) -> list[Decimal | None]:
        return rolling_percents(self.band_counts())

    def rolling_percent_within(self, months: int) -> Decimal | None:
        index = next(i for i, band in enumerate(BANDS) if band.months == months)
        return self.rolling_percents()[index]

    @property
    def outcomes_collated(self) -> bool:
        return all(self.outcomes.get(outcome) is not None for outcome in Outcome)

    @property
    def outcome_total(self) -> int | None:
        """The outcomes table's total, or None when an outcome was not collated that year."""
        return sum(self.outcomes[outcome] for outcome in Outcome) if self.outcomes_collated else None

    @property
    def substantiated(self) -> int | None:
        return self.outcomes.get(Outcome.SUBSTANTIATED)

    @property
    def substantiation_percent(self) -> Decimal | None:
        return None if self.substantiated is None else percent_half_up(self.substantiated, self.concluded)

    def as_json(self) -> dict:
        return {
            "start_year": self.start_year,
            "referred": self.referred,
            "bands": dict(self.bands),
            "outcomes": dict(self.outcomes),
            "by_sector": self.by_sector,
            "by_referrer": self.by_referrer,
            "entered": self.entered,
            "source": self.source,
            "referred_late": self.referred_late,
            "employer_told": self.employer_told,
        }

    @classmethod
    def from_json(cls, data: dict) -> "YearFigures":
        return cls(**data)


def figures_from_cases(start_year: int, referred: list, concluded: list) -> YearFigures:
    """A year's figures from its cases: ``referred`` (received in the year) and ``concluded`` (outcome in the year),
    each a list of objects with ``received_on``, ``outcome``, ``outcome_on``, ``employment_sector``,
    ``referrer_kind`` and ``referred_late``/``employer_aware_on``."""
    bands = {band.key: 0 for band in BANDS}
    outcomes: dict[str, int | None] = {outcome.value: 0 for outcome in Outcome}
    for case in concluded:
        bands[band_of(case.received_on, case.outcome_on)] += 1
        outcomes[case.outcome] += 1
    by_sector = {sector.value: 0 for sector in EmploymentSector}
    by_referrer = {kind.value: 0 for kind in ReferrerKind}
    for case in referred:
        by_sector[case.employment_sector] += 1
        by_referrer[case.referrer_kind] += 1
    told = [case for case in referred if case.employer_aware_on]
    return YearFigures(
        start_year=start_year,
        referred=len(referred),
        bands=bands,
        outcomes=outcomes,
        by_sector=by_sector,
        by_referrer=by_referrer,
        source="Counted from the LADO's allegation records",
        referred_late=sum(1 for case in told if case.referred_late),
        employer_told=len(told),
    )


def figures_entered(entered) -> YearFigures:
    """A year's figures as the LADO published them before the records began (an ``EnteredYearFigures``)."""
    return YearFigures(
        start_year=entered.start_year,
        referred=entered.referred,
        bands={
            "within_1_month": entered.within_1_month,
            "within_3_months": entered.within_3_months,
            "within_12_months": entered.within_12_months,
            "over_12_months": entered.over_12_months,
        },
        outcomes={outcome.value: getattr(entered, outcome.value) for outcome in Outcome},
        entered=True,
        source=f"Entered as the LADO's published figures: {entered.source}",
    )
