from tests.performance.builders import events, figures, indicators


def care(child_id, start_date, end_date=None, legal_status="C2"):
    return {"child_id": child_id, "start_date": start_date, "end_date": end_date, "legal_status": legal_status}


def test_children_looked_after_at_the_end_are_distinct_and_short_breaks_are_left_out():
    result = indicators(
        events(
            care_period=[
                care("A", "2019-01-01"),
                care("A", "2019-06-01", legal_status="E1"),
                care("B", "2019-01-01", legal_status="V3"),
                care("C", "2019-01-01", legal_status="V4"),
                care("D", "2019-01-01", "2020-03-31"),
                care("E", "2019-01-01", "2020-04-01"),
            ]
        )
    )
    assert figures(result, "cla_at_end") == (2, None)
    assert result["indicators"]["cla_rate_per_10k"] == {
        "numerator": 2,
        "denominator": 10000,
        "value": 2.0,
        "partial": False,
    }


def test_periods_starting_the_day_another_ended_are_one_period_of_care():
    result = indicators(
        events(
            care_period=[
                care("A", "2019-05-01", "2019-07-01", "V2"),
                care("A", "2019-07-01", None, "C1"),
                care("B", "2019-05-01", "2019-06-01"),
                care("B", "2019-06-02"),
                care("C", "2019-05-01", "2019-06-01", "V3"),
                care("C", "2019-06-01"),
            ]
        )
    )
    # A: one period; B: a day's gap makes two; C: the short break is left out first, so the care order starts one.
    assert figures(result, "cla_started") == (4, None)
