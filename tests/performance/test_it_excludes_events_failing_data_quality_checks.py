from datetime import date

from tests.performance.builders import events, figures, indicators, plan, referral


def test_events_after_the_reference_date_are_counted_and_left_out():
    event_set = events(referral=[referral("A", "2019-06-01", closure_date="2020-05-01"), referral("B", "2019-06-01")])
    result = indicators(event_set, reference_date="2020-03-31")
    assert figures(result, "referrals") == (1, None)
    assert result["data_quality"]["events_after_reference_date"] == 1
    assert figures(indicators(event_set), "referrals") == (2, None)


def test_an_event_more_than_270_days_before_birth_is_left_out():
    result = indicators(
        events(
            child=[{"child_id": "A", "date_of_birth": "2020-03-01"}, {"child_id": "B", "date_of_birth": "2020-03-01"}],
            referral=[referral("A", "2019-06-05"), referral("B", "2019-06-04")],  # 270 and 271 days before
        )
    )
    assert figures(result, "referrals") == (1, None)
    assert result["data_quality"]["events_before_birth"] == 1


def test_date_inversions_are_left_out_of_every_indicator():
    result = indicators(
        events(
            assessment=[{"child_id": "A", "start_date": "2019-06-10", "authorised_date": "2019-06-01"}],
            s47=[{"child_id": "A", "strategy_date": "2019-06-10", "icpc_date": "2019-06-01"}],
            cpp=[plan("A", "2019-06-10", "2019-06-01")],
            care_period=[{"child_id": "A", "start_date": "2019-06-10", "end_date": "2019-06-09", "legal_status": "C2"}],
        )
    )
    assert result["data_quality"]["date_inversions"] == 4
    for indicator_id in ("assessments_completed", "icpcs", "s47_enquiries", "cpp_started", "cla_started"):
        assert figures(result, indicator_id) == (0, None)


def test_the_first_date_of_birth_met_is_used_and_a_different_one_is_reported():
    result = indicators(
        events(
            child=[
                {"child_id": "A", "date_of_birth": None},
                {"child_id": "A", "date_of_birth": "2019-12-01"},
                {"child_id": "A", "date_of_birth": "2010-01-01"},
            ],
            referral=[referral("A", "2019-02-01")],
        ),
        period_from="2018-04-01",
        period_to="2019-03-31",
    )
    assert result["data_quality"]["conflicting_dates_of_birth"] == 1
    assert result["data_quality"]["events_before_birth"] == 1
    assert any("conflicting dates of birth" in warning for warning in result["warnings"])


def test_the_rows_behind_each_count_are_listed_with_where_they_came_from():
    from assure.performance.engine import quality_rows

    event_set = events(
        child=[{"child_id": "A", "date_of_birth": "2019-01-01"}, {"child_id": "A", "date_of_birth": "2018-01-01"}],
        referral=[referral("A", "2019-06-01"), referral("B", "2020-05-01")],
        cpp=[plan("C", "2019-01-01"), plan("C", "2019-06-01", "2019-07-01"), plan("D", "2019-06-01", "2019-05-01")],
    )
    found = [
        (row["check"], row["event"], row["child_id"], row["sheet"], row["row"])
        for row in quality_rows(event_set, reference_date=date(2020, 3, 31))
    ]
    assert found == [
        ("children_with_overlapping_plans", "cpp", "C", "cpp", 1),
        ("children_with_overlapping_plans", "cpp", "C", "cpp", 2),
        ("conflicting_dates_of_birth", "child", "A", "child", 1),
        ("conflicting_dates_of_birth", "child", "A", "child", 2),
        ("date_inversions", "cpp", "D", "cpp", 3),
        ("events_after_reference_date", "referral", "B", "referral", 2),
    ]
