from decimal import Decimal

from assure.performance.engine.indicators import display, round_half_up


def test_6_25_rounds_up_to_6_3_where_binary_float_rounding_gives_6_2():
    assert round(6.25, 1) == 6.2
    assert round_half_up(25, 400) == Decimal("6.3")


def test_the_solihull_re_referral_rate_is_32_7_or_33_in_whole_numbers():
    assert round_half_up(1001, 3061) == Decimal("32.7")
    assert round_half_up(1001, 3061, places=0) == Decimal("33")


def test_rates_per_10000_and_counts_display_as_appendix_3_shows_them():
    assert display("referral_rate_per_10k", {"numerator": 3061, "denominator": 46950, "value": 0}, places=0) == Decimal(
        "652"
    )
    assert display("referrals", {"numerator": 3061, "denominator": None, "value": 3061}) == Decimal("3061")


def test_nothing_over_nothing_has_no_display():
    assert display("icpc_to_cpp_pct", {"numerator": 0, "denominator": 0, "value": None}) is None
