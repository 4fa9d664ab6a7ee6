"""Random referral histories against a direct, row-by-row reading of indicators.md."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from assure.core.periods import add_months
from tests.performance.builders import events, indicators, referral

PERIOD = (date(2019, 4, 1), date(2020, 3, 31))

histories = st.lists(
    st.tuples(st.sampled_from("ABCD"), st.integers(min_value=0, max_value=900)),
    min_size=1,
    max_size=25,
)


def plain_re_referrals(rows):
    in_period = [(child, day) for child, day in rows if PERIOD[0] <= day <= PERIOD[1]]
    repeats = sum(
        1
        for child, day in in_period
        if any(other == child and add_months(day, -12) <= earlier < day for other, earlier in rows)
    )
    return repeats, len(in_period)


def plain_duplicates(rows):
    """Each child's referrals by date, ties in input order; a duplicate follows its predecessor by 0-7 days."""
    duplicate = [False] * len(rows)
    for child in {child for child, _ in rows}:
        order = sorted((day, position) for position, (other, day) in enumerate(rows) if other == child)
        for (before, _), (day, position) in zip(order, order[1:], strict=False):
            duplicate[position] = (day - before).days <= 7
    return duplicate


@settings(max_examples=40, deadline=None)
@given(histories)
def test_re_referrals_and_suspected_duplicates_match_the_plain_reading(history):
    rows = [(child, date(2018, 1, 1) + timedelta(days=offset)) for child, offset in history]
    result = indicators(events(referral=[referral(child, day.isoformat()) for child, day in rows]))
    found = result["indicators"]["re_referrals_12m_pct"]
    assert (found["numerator"], found["denominator"]) == plain_re_referrals(rows)

    duplicate = plain_duplicates(rows)
    in_period = [PERIOD[0] <= day <= PERIOD[1] for _, day in rows]
    assert result["data_quality"]["suspected_duplicate_referrals"] == sum(
        1 for is_duplicate, inside in zip(duplicate, in_period, strict=True) if is_duplicate and inside
    )
    kept = [row for row, is_duplicate in zip(rows, duplicate, strict=True) if not is_duplicate]
    without = result["data_quality"]["re_referrals_12m_pct_without_suspected_duplicates"]
    assert (without["numerator"], without["denominator"]) == plain_re_referrals(kept)
