"""Every sample file under tests/fixtures/samples, and exactly what it gives."""

from datetime import date
from pathlib import Path

import pytest

from assure.performance.engine import ImportRejected, compute, read_input

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"

KINDS = ("child", "contact", "early_help", "referral", "assessment", "s47", "cpp", "care_period")


def counts(*numbers):
    return dict(zip(KINDS, numbers, strict=True))


# file: (rows imported per event kind, [(sheet, row, column, value)] refused, reference date)
IMPORTED = {
    # 41 children, each met with one date of birth
    "annex-a/liia-tools-annex-a-messy.xlsx": (
        counts(41, 5, 5, 6, 5, 5, 7, 5),
        [("List 6", 2, "Primary Need Code", "PSRMEM - Support with memory and cognition")],
        None,
    ),
    "annex-a/ofsted-annex-a-template-2019.xlsx": (counts(0, 0, 0, 0, 0, 0, 0, 0), [], None),
    "cin-census/CIN2rows.xml": (counts(1, 0, 0, 1, 1, 1, 2, 0), [], date(2024, 3, 31)),
    "cin-census/CIN_Census_2021.xml": (counts(1, 0, 0, 1, 1, 1, 1, 0), [], date(2023, 3, 31)),
    # <Sex>1</Sex> is a GenderCurrent code where the 2024 schema wants M/F/U: the first
    # child's characteristics are refused, its events are not.
    "cin-census/CIN_Census_2024.xml": (
        counts(1, 0, 0, 2, 2, 1, 1, 0),
        [(None, 1, "ChildIdentifiers/Sex", "1")],
        date(2024, 3, 31),
    ),
    "cin-census/CIN_Census_2026.xml": (
        counts(1, 0, 0, 2, 2, 1, 1, 0),
        [(None, 1, "ChildIdentifiers/Sex", "1")],
        date(2024, 3, 31),
    ),
    # Byte for byte CIN_Census_2021.xml: its "issue" (validator rule 2887Q) is about content
    # the census validator judges, which the indicators' data-quality checks report instead.
    "cin-census/CIN_la_issues_2887Q.xml": (counts(1, 0, 0, 1, 1, 1, 1, 0), [], date(2023, 3, 31)),
    # CIN_Census_2021.xml dated 28 March 2023: a mid-year extract (its "header issue" is the
    # date), read with a note saying so.
    "cin-census/CIN_header_issues_100.xml": (counts(1, 0, 0, 1, 1, 1, 1, 0), [], date(2023, 3, 28)),
    "cin-census/liia-tools-cin-2022.xml": (counts(1, 0, 0, 1, 1, 1, 1, 0), [], date(2022, 3, 31)),
    "ssda903/SSDA903_2020_episodes.csv": (counts(0, 0, 0, 0, 0, 0, 0, 4), [(None, 3, "LS", None)], None),
    "ssda903/SSDA903_2020_header.csv": (counts(4, 0, 0, 0, 0, 0, 0, 0), [(None, 6, "ETHNIC", "UNKN")], None),
}

REJECTED = {
    "annex-a/codes-used-2019.csv": "not a recognised format",
}


def test_every_sample_file_has_a_decided_outcome():
    files = {
        path.relative_to(SAMPLES).as_posix() for path in SAMPLES.rglob("*") if path.is_file() and path.parent != SAMPLES
    }
    assert files == set(IMPORTED) | set(REJECTED)


@pytest.mark.parametrize("name", sorted(IMPORTED))
def test_a_sample_imports_with_an_exact_row_count_and_error_report(name):
    expected_counts, expected_errors, expected_reference = IMPORTED[name]
    result = read_input(SAMPLES / name)
    assert result.row_counts() == expected_counts
    assert [(error.sheet, error.row, error.column, error.value) for error in result.errors] == expected_errors
    assert all(error.file.endswith(name) and error.expected for error in result.errors)
    assert result.reference_date == expected_reference


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_a_broken_sample_is_rejected_whole_with_a_clear_reason(name):
    with pytest.raises(ImportRejected, match=REJECTED[name]):
        read_input(SAMPLES / name)


def test_the_messy_workbook_cleans_unprefixed_codes():
    result = read_input(SAMPLES / "annex-a/liia-tools-annex-a-messy.xlsx")
    children = result.tables["child"].to_pylist()
    first = next(child for child in children if child["child_id"] == "9212044")
    assert first["gender"] == "female"  # written "Female", without the "b)" prefix
    plans = result.tables["cpp"].to_pylist()
    assert {plan["initial_category"] for plan in plans} == {"physical", "emotional"}
    s47 = result.tables["s47"].to_pylist()
    assert [enquiry["resulted_in_plan"] for enquiry in s47] == [True, True, None, None, True]


def test_the_messy_workbook_reports_plans_and_care_starting_long_before_birth():
    result = compute(
        read_input(SAMPLES / "annex-a/liia-tools-annex-a-messy.xlsx"),
        period_from=date(2020, 4, 1),
        period_to=date(2021, 3, 31),
        population=10000,
    )
    # child 6913085 (born 2020-05-29) on a plan from 2019-06-25; child 2529037 (born 2018-03-13)
    # looked after from 2010-02-24.
    assert result["data_quality"]["events_before_birth"] == 2
    assert result["data_quality"]["rows_rejected"] == 1


def test_the_2024_census_reports_its_future_and_inverted_dates_against_its_reference_date():
    result = compute(
        read_input(SAMPLES / "cin-census/CIN_Census_2024.xml"),
        period_from=date(2023, 4, 1),
        period_to=date(2024, 3, 31),
        population=10000,
    )
    # the assessment starting 2028-04-28 (also authorised before it started) and the
    # referral of 2024-10-24 are after the ReferenceDate 2024-03-31.
    assert result["data_quality"]["events_after_reference_date"] == 2
    assert result["data_quality"]["date_inversions"] == 1
    assert result["indicators"]["assessments_completed"]["numerator"] == 1


def test_an_icpc_on_the_episode_without_one_in_a_section_47_is_an_icpc_of_unknown_strategy(tmp_path):
    census = (SAMPLES / "cin-census/CIN_Census_2021.xml").read_text()
    census = census.replace("<DateOfInitialCPC>1970-06-17</DateOfInitialCPC>", "")
    (tmp_path / "census.xml").write_text(census)
    s47 = read_input(tmp_path / "census.xml").tables["s47"].to_pylist()
    assert [(event["strategy_date"], event["icpc_date"]) for event in s47] == [
        (date(1970, 6, 2), None),
        (None, date(1970, 12, 6)),
    ]


def test_two_identical_plans_in_one_census_are_two_plans_and_reported_as_overlapping():
    result = compute(
        read_input(SAMPLES / "cin-census/CIN2rows.xml"),
        period_from=date(2021, 4, 1),
        period_to=date(2022, 3, 31),
        population=10000,
    )
    assert result["indicators"]["cpp_started"]["numerator"] == 2
    assert result["indicators"]["cpp_open_at_end"]["numerator"] == 1
    assert result["data_quality"]["children_with_overlapping_plans"] == 1


def test_the_ssda903_header_gives_the_first_date_of_birth_and_reports_the_conflicts():
    episodes = read_input(SAMPLES / "ssda903/SSDA903_2020_episodes.csv")
    header = read_input(SAMPLES / "ssda903/SSDA903_2020_header.csv")
    from assure.performance.engine import merge

    result = compute(
        merge([episodes, header]), period_from=date(2019, 4, 1), period_to=date(2020, 3, 31), population=10000
    )
    assert result["data_quality"]["conflicting_dates_of_birth"] == 1  # 689661; 249901's other row was refused
    # 689661's J2 episode (16/05/2019) starts a period: the X1 episode before it was refused (no LS).
    assert result["indicators"]["cla_started"]["numerator"] == 1
    assert result["indicators"]["cla_at_end"]["numerator"] == 0
