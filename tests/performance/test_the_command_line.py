import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assure.performance.engine import INDICATOR_IDS
from assure.performance.engine.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
CIN = str(SAMPLES / "cin-census" / "CIN_Census_2024.xml")
EPISODES = str(SAMPLES / "ssda903" / "SSDA903_2020_episodes.csv")


def run(*arguments):
    out = io.StringIO()
    call_command("indicators", *arguments, stdout=out)
    return out.getvalue()


def test_it_prints_one_json_object_with_every_indicator_and_check():
    document = json.loads(
        run(
            "--input",
            CIN,
            "--input",
            EPISODES,
            "--from",
            "2019-04-01",
            "--to",
            "2020-03-31",
            "--population",
            "46950",
            "--json",
        )
    )
    assert list(document) == ["from", "to", "population", "indicators", "data_quality", "warnings", "notes"]
    assert (document["from"], document["to"], document["population"]) == ("2019-04-01", "2020-03-31", 46950)
    assert list(document["indicators"]) == list(INDICATOR_IDS)
    for result in document["indicators"].values():
        assert set(result) == {"numerator", "denominator", "value", "partial"}
    assert document["indicators"]["cpp_open_neglect_pct"]["value"] is None
    assert document["indicators"]["cla_started"]["numerator"] == 1
    assert document["data_quality"]["rows_rejected"] == 2


def test_the_command_line_reference_date_checks_future_events():
    document = json.loads(
        run(
            "--input",
            EPISODES,
            "--from",
            "2019-04-01",
            "--to",
            "2020-03-31",
            "--population",
            "100",
            "--reference-date",
            "2019-06-30",
            "--json",
        )
    )
    # the V4 episode ending 18/07/2019 and the J2 episode ending 26/09/2019
    assert document["data_quality"]["events_after_reference_date"] == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--input", "/no/such/file.xml"], "no such file or folder"),
        (["--input", str(SAMPLES / "LICENSE-liia-tools.txt")], "not a recognised format"),
        (["--input", CIN, "--from", "2019-13-01"], "--from '2019-13-01' is not a date; expected YYYY-MM-DD"),
        (["--input", CIN, "--to", "2019-01-01"], "--to 2019-01-01 is before --from 2019-04-01"),
        (["--input", CIN, "--population", "many"], "--population 'many' is not a whole number"),
        (["--from", "2019-04-01"], "--input is missing"),
    ],
)
def test_bad_input_stops_with_status_2_and_says_what_was_expected(arguments, message):
    defaults = {"--from": "2019-04-01", "--to": "2020-03-31", "--population": "100"}
    for option, value in defaults.items():
        if option not in arguments:
            arguments = [*arguments, option, value]
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace("?", r"\?")) as raised:
        run(*arguments, "--json")
    assert raised.value.returncode == 2
    assert "\n" not in str(raised.value)


def test_the_engine_runs_without_django_and_exits_2_with_one_line_on_stderr(capsys):
    assert (
        main(
            [
                "indicators",
                "--input",
                "/no/such/folder",
                "--from",
                "2019-04-01",
                "--to",
                "2020-03-31",
                "--population",
                "10",
                "--json",
            ]
        )
        == 2
    )
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no such file or folder" in error


def test_the_synth_command_writes_the_demo(tmp_path):
    out = io.StringIO()
    call_command("synth", "--demo", "--out", str(tmp_path), stdout=out)
    assert "List_3_referrals.csv 15410" in out.getvalue()
