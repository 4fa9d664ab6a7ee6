from tests.performance.builders import events, figures, indicators, referral


def test_referrals_are_counted_in_the_period_with_both_ends_included():
    result = indicators(
        events(
            referral=[
                referral("A", "2019-03-31"),
                referral("B", "2019-04-01"),
                referral("C", "2020-03-31"),
                referral("D", "2020-04-01"),
            ]
        )
    )
    assert result["indicators"]["referrals"] == {"numerator": 2, "denominator": None, "value": 2, "partial": False}


def test_the_referral_rate_is_per_10000_children_and_not_annualised():
    result = indicators(
        events(referral=[referral(str(n), "2019-05-01") for n in range(3)]),
        period_from="2019-04-01",
        period_to="2019-06-30",
        population=46950,
    )
    assert result["indicators"]["referral_rate_per_10k"] == {
        "numerator": 3,
        "denominator": 46950,
        "value": 10000.0 * 3 / 46950,
        "partial": False,
    }


def test_nfa_referrals_are_a_percentage_of_referrals():
    result = indicators(
        events(
            referral=[
                referral("A", "2019-05-01", nfa=True),
                referral("B", "2019-05-01"),
                referral("C", "2019-05-02"),
                referral("D", "2019-05-03", nfa=True),
            ]
        )
    )
    assert result["indicators"]["referrals_nfa_pct"]["value"] == 50.0


def test_a_percentage_over_nothing_is_null_not_zero():
    result = indicators(events())
    for indicator_id in (
        "re_referrals_12m_pct",
        "referrals_nfa_pct",
        "assessments_within_45wd_pct",
        "icpc_to_cpp_pct",
        "cpp_open_neglect_pct",
        "cpp_ended_2y_pct",
    ):
        assert result["indicators"][indicator_id]["value"] is None
        assert result["indicators"][indicator_id]["denominator"] == 0


def test_contacts_and_early_help_are_counted_by_their_dates():
    result = indicators(
        events(
            contact=[
                {"child_id": "A", "contact_date": "2019-04-01", "source": "6"},
                {"child_id": "A", "contact_date": "2019-04-01", "source": "6"},
                {"child_id": "B", "contact_date": "2020-04-01", "source": "2A"},
            ],
            early_help=[{"child_id": "A", "start_date": "2020-03-31"}, {"child_id": "B", "start_date": "2019-03-31"}],
        )
    )
    assert figures(result, "contacts") == (2, None)
    assert figures(result, "early_help_started") == (1, None)


def test_every_indicator_of_the_definitions_is_reported():
    result = indicators(events())
    expected = (
        {
            "contacts",
            "referrals",
            "referral_rate_per_10k",
            "re_referrals_12m_pct",
            "referrals_nfa_pct",
            "referrals_to_assessment_or_s47_pct",
            "referrals_with_prior_early_help_pct",
            "early_help_started",
            "assessments_completed",
            "assessments_within_45wd_pct",
            "s47_enquiries",
            "s47_rate_per_10k",
            "icpcs",
            "icpc_within_15wd_pct",
            "icpc_to_cpp_pct",
            "cpp_started",
            "cpp_open_at_end",
            "cpp_rate_per_10k",
            "cpp_open_18m_pct",
            "cpp_open_2y_pct",
            "cpp_ended_2y_pct",
            "cpp_second_or_subsequent_pct",
            "cpp_repeat_within_2y_pct",
            "cpp_repeat_within_2y_neglect_pct",
            "cla_at_end",
            "cla_rate_per_10k",
            "cla_started",
        }
        | {f"cpp_started_{c}_pct" for c in ("neglect", "emotional", "physical", "sexual", "multiple")}
        | {f"cpp_open_{c}_pct" for c in ("neglect", "emotional", "physical", "sexual", "multiple")}
    )
    assert set(result["indicators"]) == expected
    assert set(result["data_quality"]) == {
        "suspected_duplicate_referrals",
        "re_referrals_12m_pct_without_suspected_duplicates",
        "events_after_reference_date",
        "events_before_birth",
        "date_inversions",
        "conflicting_dates_of_birth",
        "children_with_overlapping_plans",
        "rows_rejected",
    }
