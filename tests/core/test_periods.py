from datetime import date

import pytest

from assure.core.periods import (
    Period,
    add_months,
    quarter,
    quarter_of,
    reporting_year,
    reporting_year_start,
    rolling_year,
)


def test_it_clamps_month_arithmetic_to_the_month_end():
    assert add_months(date(2020, 2, 29), -12) == date(2019, 2, 28)
    assert add_months(date(2020, 8, 31), -18) == date(2019, 2, 28)
    assert add_months(date(2019, 1, 31), 1) == date(2019, 2, 28)
    assert add_months(date(2020, 3, 31), -24) == date(2018, 3, 31)


def test_a_reporting_year_runs_april_to_march():
    year = reporting_year(2019)
    assert (year.start, year.end, year.label) == (date(2019, 4, 1), date(2020, 3, 31), "2019-20")
    assert reporting_year_start(date(2020, 3, 31)) == 2019
    assert reporting_year_start(date(2020, 4, 1)) == 2020


def test_quarters_follow_the_reporting_year():
    assert quarter(2019, 1) == Period(date(2019, 4, 1), date(2019, 6, 30), "Q1 2019-20")
    assert quarter(2019, 4) == Period(date(2020, 1, 1), date(2020, 3, 31), "Q4 2019-20")
    assert quarter_of(date(2019, 12, 31)).label == "Q3 2019-20"
    with pytest.raises(ValueError):
        quarter(2019, 5)


def test_a_rolling_year_is_the_twelve_months_to_a_day():
    assert rolling_year(date(2019, 12, 31)) == Period(
        date(2019, 1, 1), date(2019, 12, 31), "12 months to 31 December 2019"
    )


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before it starts"):
        Period(date(2020, 1, 2), date(2020, 1, 1))
