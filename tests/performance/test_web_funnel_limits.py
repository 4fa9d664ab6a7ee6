import pytest

from assure.performance.statistics import compare_percentage, compare_rate_per_10k


def test_a_small_difference_on_a_small_denominator_is_noise():
    comparison = compare_percentage(value=30.0, denominator=50, england=22.6)
    assert comparison.within_95
    assert "allowing for chance" in comparison.verdict


def test_solihulls_33_percent_re_referrals_is_outside_the_998_limits():
    comparison = compare_percentage(value=32.7, denominator=3061, england=22.6)
    assert not comparison.within_998
    assert comparison.upper_998 == pytest.approx(22.6 + 3.090232 * 100 * (0.226 * 0.774 / 3061) ** 0.5)


def test_limits_narrow_as_the_denominator_grows():
    small = compare_percentage(value=25, denominator=100, england=22.6)
    large = compare_percentage(value=25, denominator=10_000, england=22.6)
    assert (large.upper_95 - large.lower_95) < (small.upper_95 - small.lower_95)


def test_rates_use_the_population():
    assert compare_rate_per_10k(value=652.0, population=46_950, england=545.3).within_998 is False
    assert compare_rate_per_10k(value=550.0, population=46_950, england=545.3).within_95 is True


def test_nothing_to_compare_gives_none():
    assert compare_percentage(value=10, denominator=0, england=20) is None
    assert compare_rate_per_10k(value=10, population=46_950, england=None) is None
