"""Working-day arithmetic for England and Wales.

Statutory clocks (rapid review 15 working days, ICPC 15, assessment 45) count
Monday to Friday less the bank holidays of England and Wales, one-off days
(such as 8 May 2020) included, as the ``holidays`` package gives them.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def _bank_holidays_in(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """Every England-and-Wales bank holiday from 1 January ``first_year`` to 31 December ``last_year``."""
    days: set[date] = set()
    for year in range(first_year, last_year + 1):
        days |= _bank_holidays_in(year)
    return frozenset(days)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays_in(day.year)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``.

    A Monday start and the next Monday end is 5. Negative when ``end`` is before
    ``start`` (counting the working days from ``end`` up to, not including, ``start``).
    """
    if end < start:
        return -working_days_between(end, start)
    whole_weeks, remainder = divmod((end - start).days, 7)
    count = whole_weeks * 5
    for offset in range(1, remainder + 1):
        if (start + timedelta(days=whole_weeks * 7 + offset)).weekday() < 5:
            count += 1
    holidays_in_range = sum(
        1 for holiday in bank_holidays(start.year, end.year) if start < holiday <= end and holiday.weekday() < 5
    )
    return count - holidays_in_range


def add_working_days(start: date, count: int) -> date:
    """The date that is ``count`` working days after ``start`` (``count`` >= 0)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day
