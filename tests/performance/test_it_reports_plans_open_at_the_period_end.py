from tests.performance.builders import events, figures, indicators, plan


def test_a_plan_ending_on_the_last_day_is_no_longer_open_but_one_ending_the_next_day_is():
    result = indicators(
        events(
            cpp=[
                plan("A", "2019-01-01", "2020-03-31"),
                plan("B", "2019-01-01", "2020-04-01"),
                plan("C", "2019-01-01", None),
                plan("D", "2020-04-01", None),
            ]
        )
    )
    assert figures(result, "cpp_open_at_end") == (2, None)
    assert result["indicators"]["cpp_rate_per_10k"]["value"] == 2.0


def test_open_plans_are_shared_by_initial_category():
    result = indicators(
        events(
            cpp=[
                plan("A", "2019-06-01", category="neglect"),
                plan("B", "2019-06-01", category="neglect"),
                plan("C", "2019-06-01", category="emotional", latest_category="neglect"),
                plan("D", "2019-06-01", category="sexual"),
            ]
        )
    )
    assert figures(result, "cpp_open_neglect_pct") == (2, 4)
    assert figures(result, "cpp_open_emotional_pct") == (1, 4)
    assert figures(result, "cpp_open_sexual_pct") == (1, 4)
    assert figures(result, "cpp_open_physical_pct") == (0, 4)


def test_a_child_with_two_open_plans_counts_once_by_the_later_plan_and_is_reported():
    result = indicators(events(cpp=[plan("A", "2019-01-01", category="physical"), plan("A", "2019-06-01")]))
    assert figures(result, "cpp_open_at_end") == (1, None)
    assert figures(result, "cpp_open_neglect_pct") == (1, 1)
    assert result["data_quality"]["children_with_overlapping_plans"] == 1
    assert any("two or more child protection plans open on 2020-03-31" in warning for warning in result["warnings"])


def test_18_months_is_counted_back_from_the_period_end_clamped_to_the_month():
    # 2020-08-31 less 18 months is 2019-02-28.
    result = indicators(
        events(cpp=[plan("A", "2019-02-28"), plan("B", "2019-03-01")]), period_from="2020-06-01", period_to="2020-08-31"
    )
    assert figures(result, "cpp_open_18m_pct") == (1, 2)


def test_two_years_open_is_counted_back_24_months():
    result = indicators(events(cpp=[plan("A", "2018-03-31"), plan("B", "2018-04-01")]))
    assert figures(result, "cpp_open_2y_pct") == (1, 2)


def test_plans_started_are_each_counted_and_shared_by_initial_category():
    result = indicators(
        events(
            cpp=[
                plan("A", "2019-04-01", "2019-05-01", category="multiple"),
                plan("A", "2019-06-01", category="multiple"),
                plan("B", "2019-06-01"),
                plan("C", "2019-03-31"),
            ]
        )
    )
    assert figures(result, "cpp_started") == (3, None)
    assert figures(result, "cpp_started_multiple_pct") == (2, 3)
