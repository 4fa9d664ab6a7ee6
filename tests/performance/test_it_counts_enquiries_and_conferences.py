from tests.performance.builders import events, figures, indicators, plan


def s47(child_id, strategy_date, icpc_date=None, **fields):
    return {"child_id": child_id, "strategy_date": strategy_date, "icpc_date": icpc_date, **fields}


def test_an_icpc_without_a_known_strategy_discussion_counts_as_an_icpc_only():
    result = indicators(events(s47=[s47("A", None, "2019-06-01"), s47("B", "2019-05-20", "2019-06-03")]))
    assert figures(result, "icpcs") == (2, None)
    assert figures(result, "s47_enquiries") == (1, None)
    assert figures(result, "icpc_within_15wd_pct") == (1, 1)


def test_enquiries_are_counted_by_strategy_date_and_conferences_by_their_own_date():
    result = indicators(events(s47=[s47("A", "2019-03-25", "2019-04-05"), s47("B", "2020-03-30", "2020-04-08")]))
    assert figures(result, "s47_enquiries") == (1, None)
    assert figures(result, "icpcs") == (1, None)
    assert result["indicators"]["s47_rate_per_10k"]["value"] == 1.0


def test_an_icpc_led_to_a_plan_by_its_recorded_outcome_or_else_by_a_plan_starting_that_day():
    result = indicators(
        events(
            s47=[
                s47("A", "2019-05-01", "2019-05-20", resulted_in_plan=True),
                s47("B", "2019-05-01", "2019-05-20", resulted_in_plan=False),
                s47("C", "2019-05-01", "2019-05-20"),
                s47("D", "2019-05-01", "2019-05-20"),
                s47("E", "2019-05-01", "2019-05-20", resulted_in_plan=False),
            ],
            cpp=[plan("C", "2019-05-20"), plan("D", "2019-05-21"), plan("E", "2019-05-20")],
        )
    )
    assert figures(result, "icpc_to_cpp_pct") == (2, 5)
