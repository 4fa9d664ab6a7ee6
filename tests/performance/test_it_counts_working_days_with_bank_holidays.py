from datetime import date

from assure.core.workdays import add_working_days
from tests.performance.builders import events, figures, indicators


def assessment(child_id, start_date, authorised_date):
    return {"child_id": child_id, "start_date": start_date, "authorised_date": authorised_date}


def test_an_assessment_authorised_on_the_45th_working_day_is_in_time_and_the_46th_is_not():
    start = date(2020, 4, 3)  # Easter and the VE-day holiday of 8 May 2020 fall inside
    on_time = add_working_days(start, 45)
    late = add_working_days(start, 46)
    result = indicators(
        events(
            assessment=[
                assessment("A", start.isoformat(), on_time.isoformat()),
                assessment("B", start.isoformat(), late.isoformat()),
            ]
        ),
        period_from="2020-04-01",
        period_to="2021-03-31",
    )
    assert on_time == date(2020, 6, 11)  # by hand: 4+4+5+5+4+5+5+4+5 to 5 June is 41
    assert figures(result, "assessments_within_45wd_pct") == (1, 2)


def test_assessments_count_when_authorised_in_the_period_whatever_their_start():
    result = indicators(
        events(
            assessment=[
                assessment("A", "2019-03-01", "2019-04-01"),
                assessment("B", "2020-03-01", "2020-04-01"),
                assessment("C", "2020-03-01", None),
            ]
        )
    )
    assert figures(result, "assessments_completed") == (1, None)


def s47(child_id, strategy_date, icpc_date, **fields):
    return {"child_id": child_id, "strategy_date": strategy_date, "icpc_date": icpc_date, **fields}


def test_an_icpc_15_working_days_after_the_strategy_discussion_is_in_time_across_two_bank_holidays():
    # Friday 1 May 2020: 8 May (VE day) and 25 May (spring bank holiday) are not working days,
    # so the 15th working day is Tuesday 26 May.
    result = indicators(
        events(s47=[s47("A", "2020-05-01", "2020-05-26"), s47("B", "2020-05-01", "2020-05-27")]),
        period_from="2020-04-01",
        period_to="2021-03-31",
    )
    assert figures(result, "icpc_within_15wd_pct") == (1, 2)


def test_a_monday_to_the_next_monday_is_5_working_days_but_4_over_ve_day():
    result = indicators(
        events(s47=[s47("A", "2020-03-02", "2020-03-09"), s47("B", "2020-05-04", "2020-05-11")]),
        period_from="2020-01-01",
        period_to="2020-12-31",
    )
    assert figures(result, "icpc_within_15wd_pct") == (2, 2)
    tight = indicators(
        events(assessment=[assessment("A", "2020-05-04", "2020-05-11")]),
        period_from="2020-01-01",
        period_to="2020-12-31",
    )
    assert figures(tight, "assessments_within_45wd_pct") == (1, 1)
