from tests.performance.builders import events, figures, indicators, referral


def test_a_referral_0_to_7_days_after_the_childs_previous_one_is_a_suspected_duplicate():
    result = indicators(
        events(
            referral=[
                referral("A", "2019-06-01"),
                referral("A", "2019-06-01"),
                referral("B", "2019-06-01"),
                referral("B", "2019-06-08"),
                referral("C", "2019-06-01"),
                referral("C", "2019-06-09"),
            ]
        )
    )
    assert result["data_quality"]["suspected_duplicate_referrals"] == 2


def test_re_referrals_are_recomputed_without_suspected_duplicates_in_numerator_denominator_and_look_back():
    result = indicators(
        events(
            referral=[
                referral("A", "2019-05-01"),
                referral("A", "2019-05-03"),  # a double-keyed referral
                referral("B", "2018-12-01"),
                referral("B", "2018-12-05"),
                referral("B", "2019-06-01"),
                referral("C", "2019-07-01"),
            ]
        )
    )
    assert figures(result, "re_referrals_12m_pct") == (2, 4)
    without = result["data_quality"]["re_referrals_12m_pct_without_suspected_duplicates"]
    assert (without["numerator"], without["denominator"]) == (1, 3)
    assert without["value"] == 100.0 / 3


def test_duplicates_outside_the_period_are_not_counted_but_still_removed():
    result = indicators(events(referral=[referral("A", "2019-03-28"), referral("A", "2019-04-02")]))
    assert result["data_quality"]["suspected_duplicate_referrals"] == 1
    without = result["data_quality"]["re_referrals_12m_pct_without_suspected_duplicates"]
    assert (without["numerator"], without["denominator"]) == (0, 0)
    assert without["value"] is None
