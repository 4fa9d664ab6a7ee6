"""The DfE validation rules, run in their own environment on files Assure accepted
(decisions.md, "DfE validation rules"). These tests need ``make validators``."""

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from assure.performance.engine import check_dfe_rules, make_pseudonymiser, read_input
from assure.performance.engine.dfe_rules import validators_python

from .cin_files import cin_child, cin_episode, write_census

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
CENSUS_2024 = SAMPLES / "cin-census" / "CIN_Census_2024.xml"
EPISODES = SAMPLES / "ssda903" / "SSDA903_2020_episodes.csv"
PSEUDONYMISE = make_pseudonymiser(b"a test key of 32 bytes, no more.")

# The validator itself, as its own command line runs it (python -m cin_validator run), counting
# what it reports per rule: child-level issues and the return-level ones it keeps apart.
VALIDATOR_ITSELF = """
import collections, importlib, json, sys
import xml.etree.ElementTree as ElementTree
from cin_validator import cin_validator
registry = importlib.import_module("cin_validator.rules." + sys.argv[2]).registry
root = ElementTree.parse(sys.argv[1]).getroot()
validator = cin_validator.CinValidator(cin_validator.process_data(cin_validator.convert_data(root)), registry)
codes = list(validator.full_issue_df["rule_code"].astype(str)) + list(validator.multichild_issues["rule_code"].astype(str))
print(json.dumps(collections.Counter(codes)))
"""


def test_the_counts_per_rule_equal_what_the_validator_itself_reports_for_the_same_census():
    report = check_dfe_rules(CENSUS_2024, read_input(CENSUS_2024), pseudonymise=PSEUDONYMISE)
    assert (report.status, report.rule_set, report.rules_not_run) == ("checked", "cin2023_24", [])
    done = subprocess.run(
        [str(validators_python()), "-c", VALIDATOR_ITSELF, str(CENSUS_2024), "cin2023_24"],
        capture_output=True,
        text=True,
        check=True,
    )
    itself = json.loads(done.stdout.splitlines()[-1])
    assert report.counts() == itself
    assert sum(itself.values()) == len(report.failures) > 20


def test_failures_name_the_rule_its_message_the_field_and_the_pseudonymised_child():
    report = check_dfe_rules(CENSUS_2024, read_input(CENSUS_2024), pseudonymise=PSEUDONYMISE)
    [failure] = [f for f in report.failures if f.rule == "8608" and f.field == "AssessmentActualStartDate"]
    assert failure.message == "Assessment Start Date cannot be later than its End Date"
    assert (failure.table, failure.child) == ("Assessments", PSEUDONYMISE("DfEX0000001"))
    children = {f.child for f in report.failures if f.child}
    assert children and all(len(child) == 64 for child in children)
    assert "DfEX0000001" not in json.dumps(report.as_dict())


def test_a_year_with_no_published_rule_set_says_so(tmp_path):
    census = write_census(
        tmp_path / "census.xml", "2020-03-31", cin_child("A", "2010-01-01", cin_episode("2019-05-01"))
    )
    report = check_dfe_rules(census, read_input(census))
    assert (report.status, report.rule_set) == ("not_available", "cin2019_20")
    assert report.summary == "DfE rules not available for 2019-20"


def test_a_mid_year_extract_is_checked_with_the_rules_of_its_collection_year(tmp_path):
    census = write_census(tmp_path / "july.xml", "2022-07-21", cin_child("A", "2010-01-01", cin_episode("2022-05-01")))
    assert check_dfe_rules(census, read_input(census)).rule_set == "cin2022_23"


def test_a_rule_set_that_cannot_run_on_the_file_is_reported_not_skipped():
    # The SSDA903 rules refuse the sample's extra TEST_COLUMN outright.
    report = check_dfe_rules(EPISODES, read_input(EPISODES), year=2022)
    assert report.status == "could_not_run" and report.failures == []
    assert report.summary.startswith("The DfE SSDA903 rules could not run: Failed to match provided data (CHILD, DECOM")


def test_an_ssda903_episodes_file_is_checked_for_the_year_of_its_latest_episode():
    report = check_dfe_rules(EPISODES, read_input(EPISODES))
    assert report.summary == "DfE rules not available for 2019-20"  # its last episode ends 26/09/2019


def test_the_rules_stop_at_their_time_limit():
    report = check_dfe_rules(CENSUS_2024, read_input(CENSUS_2024), seconds=0.2)
    assert (
        report.summary
        == "The DfE CIN census rules could not run: they took longer than 0.2 seconds, the most they may take"
    )


def test_the_rules_stop_at_their_address_space_limit():
    report = check_dfe_rules(CENSUS_2024, read_input(CENSUS_2024), address_space=60 * 1024**2)
    assert report.summary == (
        "The DfE CIN census rules could not run: they needed more than 60 MB of memory, the most they may use"
    )


def test_the_rules_run_in_a_temporary_folder_removed_with_their_report(tmp_path):
    scratch = tmp_path / "scratch"
    report = check_dfe_rules(CENSUS_2024, read_input(CENSUS_2024), scratch_dir=scratch)
    assert report.status == "checked"
    assert list(scratch.iterdir()) == []


def test_only_files_the_import_accepted_as_cin_or_ssda903_are_checked(tmp_path):
    annex_a = read_input(SAMPLES / "annex-a" / "liia-tools-annex-a-messy.xlsx")
    with pytest.raises(ValueError, match="not annex_a"):
        check_dfe_rules(SAMPLES / "annex-a" / "liia-tools-annex-a-messy.xlsx", annex_a)


def test_the_command_line_adds_the_rules_findings_with_validate(capsys):
    call_command(
        "indicators",
        "--input",
        str(CENSUS_2024),
        "--from",
        "2023-04-01",
        "--to",
        "2024-03-31",
        "--population",
        "1000",
        "--json",
        "--validate",
    )
    document = json.loads(capsys.readouterr().out)
    [report] = document["dfe_rules"]
    assert report["input"] == str(CENSUS_2024) and report["rule_set"] == "cin2023_24"
    assert Counter(failure["rule"] for failure in report["failures"])["8565"] == 4
    assert all(failure["child"] is None or len(failure["child"]) == 64 for failure in report["failures"])
