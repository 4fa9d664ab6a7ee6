from tests.performance.builders import events, figures, indicators, plan


def test_a_plan_starting_within_24_months_of_the_end_of_an_earlier_one_is_a_repeat():
    result = indicators(
        events(
            cpp=[
                plan("A", "2017-01-01", "2017-06-01"),
                plan("A", "2019-06-01"),  # ended exactly 24 months before
                plan("B", "2017-01-01", "2017-05-31"),
                plan("B", "2019-06-01"),  # a day more than 24 months
                plan("C", "2019-04-01"),
            ]
        )
    )
    assert figures(result, "cpp_repeat_within_2y_pct") == (1, 3)
    assert figures(result, "cpp_second_or_subsequent_pct") == (2, 3)


def test_previous_plans_recorded_elsewhere_make_a_second_or_subsequent_plan():
    result = indicators(
        events(
            cpp=[
                plan("A", "2019-06-01", previous_plans=1),
                plan("B", "2019-06-01", previous_plans=0),
                plan("C", "2019-06-01"),
            ]
        )
    )
    assert figures(result, "cpp_second_or_subsequent_pct") == (1, 3)


def test_the_neglect_repeat_measure_counts_only_plans_started_under_neglect():
    result = indicators(
        events(
            cpp=[
                plan("A", "2018-01-01", "2018-06-01", category="physical"),
                plan("A", "2019-06-01", category="neglect"),
                plan("B", "2018-01-01", "2018-06-01"),
                plan("B", "2019-06-01", category="emotional"),
                plan("C", "2019-06-01", category="neglect"),
            ]
        )
    )
    assert figures(result, "cpp_repeat_within_2y_neglect_pct") == (1, 2)
    assert figures(result, "cpp_repeat_within_2y_pct") == (2, 3)


def test_a_plan_ended_in_the_period_lasted_two_years_from_730_days():
    result = indicators(
        events(
            cpp=[
                plan("A", "2017-06-01", "2019-06-01"),
                plan("B", "2017-06-02", "2019-06-01"),
                plan("C", "2018-01-01", "2020-04-01"),
            ]
        )
    )
    # 2017-06-01 to 2019-06-01 is 730 days; a day shorter is not two years.
    assert figures(result, "cpp_ended_2y_pct") == (1, 2)


def test_it_is_partial_when_plan_history_is_shorter_than_two_years_before_the_period():
    result = indicators(events(cpp=[plan("A", "2018-06-01", "2018-09-01"), plan("A", "2019-06-01")]))
    assert result["indicators"]["cpp_repeat_within_2y_pct"]["partial"] is True
    assert figures(result, "cpp_repeat_within_2y_pct") == (1, 1)
