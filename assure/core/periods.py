"""Reporting years, quarters and month arithmetic.

A reporting year runs 1 April to 31 March and is named by its start year
("2019-20" starts on 1 April 2019). Quarters are Apr-Jun (Q1), Jul-Sep (Q2),
Oct-Dec (Q3) and Jan-Mar (Q4). Periods are inclusive at both ends.
"""

import calendar
from dataclasses import dataclass
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day-of-month ``months`` later (negative: earlier), clamped to the month's last day."""
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    label: str = ""

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def reporting_year_start(day: date) -> int:
    """The start year of the reporting year that holds ``day``."""
    return day.year if day.month >= 4 else day.year - 1


def reporting_year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def reporting_year(start_year: int) -> Period:
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31), reporting_year_label(start_year))


def quarter(start_year: int, number: int) -> Period:
    """Quarter ``number`` (1-4) of the reporting year starting in ``start_year``."""
    if number not in (1, 2, 3, 4):
        raise ValueError("a reporting year has quarters 1 to 4")
    first = add_months(date(start_year, 4, 1), 3 * (number - 1))
    last = add_months(first, 3)
    end = date.fromordinal(last.toordinal() - 1)
    return Period(first, end, f"Q{number} {reporting_year_label(start_year)}")


def quarters(start_year: int) -> list[Period]:
    return [quarter(start_year, number) for number in (1, 2, 3, 4)]


def quarter_of(day: date) -> Period:
    start_year = reporting_year_start(day)
    number = ((day.month - 4) % 12) // 3 + 1
    return quarter(start_year, number)


def rolling_year(end: date) -> Period:
    """The 12 months ending on ``end`` (for a rolling year at a quarter, its last day)."""
    start = date.fromordinal(add_months(end, -12).toordinal() + 1)
    return Period(start, end, f"12 months to {end:%d %B %Y}")
