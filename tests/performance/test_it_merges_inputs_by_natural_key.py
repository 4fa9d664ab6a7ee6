from datetime import date

from assure.performance.engine import compute, read_inputs
from tests.performance.annex_a_files import write_list


def referral_row(child_id, referral_date, **cells):
    return {
        "Child Unique ID": child_id,
        "Date of referral": referral_date,
        "Referral Source": "q) 6: Police",
        "Referral NFA?": "b) No",
        **cells,
    }


def year(events):
    return compute(events, period_from=date(2019, 4, 1), period_to=date(2020, 3, 31), population=10000)


def test_the_same_referral_in_two_inputs_is_counted_once(tmp_path):
    write_list(
        tmp_path / "old" / "referrals.csv", 3, [referral_row("1", "01/06/2019"), referral_row("2", "01/06/2019")]
    )
    write_list(
        tmp_path / "new" / "referrals.csv", 3, [referral_row("1", "01/06/2019"), referral_row("3", "02/06/2019")]
    )
    result = year(read_inputs([tmp_path / "old", tmp_path / "new"]))
    assert result["indicators"]["referrals"]["numerator"] == 3


def test_two_rows_with_one_key_in_one_input_are_two_events(tmp_path):
    write_list(
        tmp_path / "one" / "referrals.csv", 3, [referral_row("1", "01/06/2019"), referral_row("1", "01/06/2019")]
    )
    result = year(read_inputs([tmp_path / "one"]))
    assert result["indicators"]["referrals"]["numerator"] == 2


def test_fields_empty_in_the_first_input_are_filled_from_later_ones(tmp_path):
    plan = {
        "Child Unique ID": "1",
        "Child Protection Plan Start Date": "01/06/2019",
        "Initial Category of Abuse": "a) Neglect",
    }
    write_list(tmp_path / "first" / "plans.csv", 7, [plan])
    write_list(
        tmp_path / "second" / "plans.csv",
        7,
        [{**plan, "Initial Category of Abuse": "d) Emotional abuse", "Child Protection Plan End Date": "01/02/2020"}],
    )
    merged = read_inputs([tmp_path / "first", tmp_path / "second"])
    plans = merged.tables["cpp"].to_pylist()
    assert [(plan["initial_category"], plan["end_date"]) for plan in plans] == [("neglect", date(2020, 2, 1))]
    assert plans[0]["source_file"].endswith("first/plans.csv")


def test_a_date_of_birth_comes_from_the_first_input_that_has_one(tmp_path):
    write_list(tmp_path / "first" / "referrals.csv", 3, [referral_row("1", "01/06/2019")])
    write_list(
        tmp_path / "second" / "referrals.csv", 3, [referral_row("1", "01/06/2019", **{"Date of Birth": "01/01/2010"})]
    )
    write_list(
        tmp_path / "third" / "referrals.csv", 3, [referral_row("1", "01/06/2019", **{"Date of Birth": "02/01/2010"})]
    )
    result = year(read_inputs([tmp_path / "first", tmp_path / "second", tmp_path / "third"]))
    assert result["data_quality"]["conflicting_dates_of_birth"] == 1
    assert result["indicators"]["referrals"]["numerator"] == 1


def test_an_input_merged_with_itself_gives_the_same_figures(tmp_path):
    from assure.performance.engine import merge, read_annex_a
    from assure.performance.engine.synth import write_history

    write_history(tmp_path / "history", children=300, seed=5)
    once = read_annex_a(tmp_path / "history")
    twice = merge([once, read_annex_a(tmp_path / "history")])
    assert twice.row_counts()["referral"] == once.row_counts()["referral"]
    assert year(twice)["indicators"] == year(once)["indicators"]
