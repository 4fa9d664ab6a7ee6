from tests.performance.builders import events, figures, indicators, referral


def test_an_assessment_belongs_to_the_most_recent_referral_on_or_before_its_start():
    result = indicators(
        events(
            referral=[referral("A", "2019-05-01"), referral("A", "2019-07-01")],
            assessment=[{"child_id": "A", "start_date": "2019-07-01"}],
        )
    )
    assert figures(result, "referrals_to_assessment_or_s47_pct") == (1, 2)


def test_an_assessment_belongs_to_every_referral_of_the_child_on_that_date():
    result = indicators(
        events(
            referral=[referral("A", "2019-05-01"), referral("A", "2019-05-01"), referral("A", "2019-04-20")],
            assessment=[{"child_id": "A", "start_date": "2019-05-10"}],
        )
    )
    assert figures(result, "referrals_to_assessment_or_s47_pct") == (2, 3)


def test_a_section_47_enquiry_attaches_by_its_strategy_discussion():
    result = indicators(
        events(
            referral=[referral("A", "2019-05-01"), referral("B", "2019-05-01")],
            s47=[
                {"child_id": "A", "strategy_date": "2019-05-02"},
                {"child_id": "B", "strategy_date": None, "icpc_date": "2019-05-20"},
            ],
        )
    )
    assert figures(result, "referrals_to_assessment_or_s47_pct") == (1, 2)


def test_work_started_before_any_referral_of_the_child_attaches_to_none():
    result = indicators(
        events(
            referral=[referral("A", "2019-05-01")],
            assessment=[{"child_id": "A", "start_date": "2019-04-30"}, {"child_id": "B", "start_date": "2019-06-01"}],
        )
    )
    assert figures(result, "referrals_to_assessment_or_s47_pct") == (0, 1)


def test_a_referral_in_the_period_counts_when_its_assessment_starts_after_the_period():
    result = indicators(
        events(
            referral=[referral("A", "2020-03-30")],
            assessment=[{"child_id": "A", "start_date": "2020-04-02"}],
        )
    )
    assert figures(result, "referrals_to_assessment_or_s47_pct") == (1, 1)
