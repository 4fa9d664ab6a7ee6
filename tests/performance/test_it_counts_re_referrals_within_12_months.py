from tests.performance.builders import events, figures, indicators, referral


def test_a_referral_exactly_12_months_after_the_previous_one_is_a_re_referral():
    result = indicators(events(referral=[referral("A", "2018-06-15"), referral("A", "2019-06-15")]))
    assert figures(result, "re_referrals_12m_pct") == (1, 1)


def test_a_referral_12_months_and_a_day_after_the_previous_one_is_not():
    result = indicators(events(referral=[referral("A", "2018-06-14"), referral("A", "2019-06-15")]))
    assert figures(result, "re_referrals_12m_pct") == (0, 1)


def test_the_window_from_a_leap_day_starts_on_28_february():
    counted = indicators(events(referral=[referral("A", "2019-02-28"), referral("A", "2020-02-29")]))
    not_counted = indicators(events(referral=[referral("A", "2019-02-27"), referral("A", "2020-02-29")]))
    assert figures(counted, "re_referrals_12m_pct") == (1, 1)
    assert figures(not_counted, "re_referrals_12m_pct") == (0, 1)


def test_another_referral_on_the_same_day_is_not_an_earlier_one():
    result = indicators(events(referral=[referral("A", "2019-06-15"), referral("A", "2019-06-15")]))
    assert figures(result, "re_referrals_12m_pct") == (0, 2)


def test_both_referrals_in_the_period_count_in_the_denominator_and_the_later_in_the_numerator():
    result = indicators(
        events(referral=[referral("A", "2019-05-01"), referral("A", "2019-09-01"), referral("B", "2019-09-01")])
    )
    assert figures(result, "re_referrals_12m_pct") == (1, 3)
    assert result["indicators"]["re_referrals_12m_pct"]["value"] == 100.0 / 3


def test_another_childs_referral_does_not_make_a_re_referral():
    result = indicators(events(referral=[referral("A", "2019-05-01"), referral("B", "2019-06-01")]))
    assert figures(result, "re_referrals_12m_pct") == (0, 2)


def test_it_is_partial_when_the_data_starts_inside_the_look_back_window():
    short_history = indicators(events(referral=[referral("A", "2018-09-01"), referral("A", "2019-06-01")]))
    full_history = indicators(events(referral=[referral("A", "2018-04-01"), referral("A", "2019-06-01")]))
    assert short_history["indicators"]["re_referrals_12m_pct"]["partial"] is True
    assert full_history["indicators"]["re_referrals_12m_pct"]["partial"] is False
