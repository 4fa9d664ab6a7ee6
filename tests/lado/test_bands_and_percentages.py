"""Time bands run from receipt to the outcome with clamped month arithmetic (decisions.md section 6); band
percentages add to 100 by largest remainder; rolling percentages round half up."""

from datetime import date
from decimal import Decimal

import pytest

from assure.lado.figures import band_of, percent_half_up, percents_largest_remainder, rolling_percents
from assure.lado.selectors import year_figures
from tests.lado.builders import concluded


@pytest.mark.parametrize(
    ("received", "outcome", "band"),
    [
        (date(2020, 1, 31), date(2020, 2, 29), "within_1_month"),
        (date(2020, 1, 31), date(2020, 3, 1), "within_3_months"),
        (date(2019, 11, 30), date(2020, 2, 29), "within_3_months"),
        (date(2019, 11, 30), date(2020, 3, 1), "within_12_months"),
        (date(2020, 2, 29), date(2021, 2, 28), "within_12_months"),
        (date(2020, 2, 29), date(2021, 3, 1), "over_12_months"),
        (date(2020, 1, 31), date(2020, 1, 31), "within_1_month"),
    ],
)
def test_it_puts_the_named_dates_in_their_bands(received, outcome, band):
    assert band_of(received, outcome) == band


def test_the_years_figures_count_cases_by_their_outcome_date_in_the_bands(lado):
    concluded(lado, received_on=date(2020, 1, 31), outcome_on=date(2020, 2, 29))
    concluded(lado, received_on=date(2020, 1, 31), outcome_on=date(2020, 3, 1))
    concluded(lado, received_on=date(2019, 11, 30), outcome_on=date(2020, 2, 29), outcome="unfounded")
    # Concluded in 2020-21: counted there, though referred in 2019-20.
    concluded(lado, received_on=date(2020, 2, 29), outcome_on=date(2021, 3, 1))
    figures = year_figures(lado.agency.partnership, 2019)
    assert figures.referred == 4
    assert figures.bands == {"within_1_month": 1, "within_3_months": 2, "within_12_months": 0, "over_12_months": 0}
    assert figures.outcomes["substantiated"] == 2 and figures.outcomes["unfounded"] == 1
    later = year_figures(lado.agency.partnership, 2020)
    assert later.referred == 0 and later.bands["over_12_months"] == 1


def test_band_percentages_add_to_100_by_largest_remainder():
    # 2018/19: 44 of 91 is 48.35 %, printed 49 % so that the four add to 100.
    assert percents_largest_remainder([33, 44, 12, 2]) == [Decimal(36), Decimal(49), Decimal(13), Decimal(2)]
    assert percents_largest_remainder([32, 58, 13, 3]) == [Decimal(30), Decimal(55), Decimal(12), Decimal(3)]
    assert percents_largest_remainder([0, 0, 0, 0]) == [None, None, None, None]


def test_rolling_percentages_round_half_up():
    assert rolling_percents([33, 44, 12, 2]) == [Decimal(36), Decimal(85), Decimal(98), Decimal(100)]
    assert percent_half_up(1, 8) == Decimal(13)  # 12.5 rounds up
    assert percent_half_up(19, 50) == Decimal(38)
