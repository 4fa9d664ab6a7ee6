from tests.performance.builders import events, figures, indicators, referral


def early_help(child_id, start_date):
    return {"child_id": child_id, "start_date": start_date, "organisation": "Locality team"}


def test_early_help_from_12_months_before_up_to_the_referral_day_counts():
    result = indicators(
        events(
            referral=[
                referral("A", "2019-06-15"),
                referral("B", "2019-06-15"),
                referral("C", "2019-06-15"),
                referral("D", "2019-06-15"),
            ],
            early_help=[
                early_help("A", "2018-06-15"),
                early_help("B", "2019-06-15"),
                early_help("C", "2018-06-14"),
                early_help("D", "2019-06-16"),
            ],
        )
    )
    assert figures(result, "referrals_with_prior_early_help_pct") == (2, 4)


def test_it_is_partial_without_early_help_data_reaching_back_12_months():
    result = indicators(events(referral=[referral("A", "2019-06-15")], early_help=[early_help("A", "2019-01-01")]))
    assert result["indicators"]["referrals_with_prior_early_help_pct"]["partial"] is True
