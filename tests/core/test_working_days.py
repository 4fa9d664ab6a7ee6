from datetime import date

from assure.core.workdays import add_working_days, is_working_day, working_days_between


def test_it_counts_a_week_from_monday_to_monday_as_five():
    assert working_days_between(date(2019, 11, 4), date(2019, 11, 11)) == 5


def test_it_leaves_out_bank_holidays_including_one_off_days():
    # 8 May 2020 (VE Day) replaced the early May bank holiday of Monday 4 May.
    assert not is_working_day(date(2020, 5, 8))
    assert is_working_day(date(2020, 5, 4))
    assert working_days_between(date(2020, 5, 4), date(2020, 5, 11)) == 4


def test_it_leaves_out_christmas_and_boxing_day_substitutes():
    # 25 and 26 December 2021 fell at a weekend: 27 and 28 December were bank holidays.
    assert working_days_between(date(2021, 12, 24), date(2021, 12, 31)) == 3


def test_it_counts_zero_for_the_same_day_and_negative_backwards():
    assert working_days_between(date(2020, 1, 6), date(2020, 1, 6)) == 0
    assert working_days_between(date(2020, 1, 13), date(2020, 1, 6)) == -5


def test_it_adds_working_days_past_easter():
    # Good Friday 10 April and Easter Monday 13 April 2020.
    assert add_working_days(date(2020, 4, 9), 1) == date(2020, 4, 14)
    assert add_working_days(date(2020, 4, 1), 15) == date(2020, 4, 24)


def test_adding_and_counting_agree():
    start = date(2019, 12, 20)
    for count in range(0, 40):
        assert working_days_between(start, add_working_days(start, count)) == count
