"""Run the DfE validation rules on one file and write what they found as JSON.

Run by the validators' own environment (``.venv-validators/bin/python``), never imported
into Assure's process: Data to Insight's ``cin_validator`` and ``lac_validator`` pin
pandas and numpy below 2. Their command lines print truncated tables or hard-code a year
and an authority, so this driver calls them as libraries:

    python dfe_driver.py --kind cin --year 2022 --input census.xml --output report.json

``--year`` is the collection year by its start (2022 for 2022-23, whose census is dated
31 March 2023), which chooses the rule set (``cin2022_23``, ``lac2022_23``). The report:

    {"rule_set": "cin2022_23", "available": true,
     "failures": [{"rule", "message", "child", "table", "field", "row"}],
     "rules_run": 123, "rules_not_run": [{"rule", "problem"}], "rules_skipped": [...]}

``available`` is false when the package has no rule set for the year; ``problem`` (and
no failures) says why a rule set could not run on the file at all ("memory" when it
needed more than its limit). A rule that raises
is listed in ``rules_not_run`` with the exception's type only (its text may quote a
child's identifier). Child identifiers are the file's own: Assure pseudonymises them
before storing anything. Only the standard library is imported at the top, so Assure can
import this module to find its path.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import json
import math
import re
import sys
from pathlib import Path


def rule_set_name(kind: str, year: int) -> str:
    return f"{'cin' if kind == 'cin' else 'lac'}{year}_{(year + 1) % 100:02d}"


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _row(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _watched(registry, not_run: list[dict]) -> dict:
    """The rule set with every rule recording when it raises: the CIN validator prints the
    error and carries on as if the rule had passed."""
    rules = {}
    for code, rule in registry.items():

        def watched(*arguments, _function=rule.func, _code=code):
            try:
                return _function(*arguments)
            except Exception as error:
                not_run.append({"rule": str(_code), "problem": type(error).__name__})
                raise

        rules[code] = dataclasses.replace(rule, func=watched)
    return rules


def run_cin(path: Path, year: int) -> dict:
    rule_set = rule_set_name("cin", year)
    try:
        module = importlib.import_module(f"cin_validator.rules.{rule_set}")
    except ModuleNotFoundError:
        return {"rule_set": rule_set, "available": False}
    import xml.etree.ElementTree as ElementTree

    from cin_validator import cin_validator

    not_run: list[dict] = []
    registry = _watched(module.registry, not_run)
    # Assure's import has already refused any file with a DTD, so no entity can expand here.
    root = ElementTree.parse(path).getroot()
    data = cin_validator.process_data(cin_validator.convert_data(root))
    validator = cin_validator.CinValidator(data, registry)
    failures = [
        {
            "rule": str(issue["rule_code"]),
            "message": _text(issue["rule_description"]),
            "child": _text(issue["child_id"]),
            "table": _text(issue["tables_affected"]),
            "field": _text(issue["columns_affected"]),
            "row": _row(issue["row_id"]),
        }
        for issue in validator.full_issue_df.to_dict("records")
    ]
    failures += [
        {
            "rule": str(issue["rule_code"]),
            "message": _text(issue["rule_description"]),
            "child": None,
            "table": None,
            "field": None,
            "row": None,
        }
        for issue in validator.multichild_issues.to_dict("records")
    ]
    return {
        "rule_set": rule_set,
        "available": True,
        "failures": failures,
        "rules_run": len(registry) - len(not_run),
        "rules_not_run": not_run,
        "rules_skipped": [],
    }


def run_903(path: Path, year: int, local_authority: str) -> dict:
    rule_set = rule_set_name("903", year)
    try:
        module = importlib.import_module(f"lac_validator.rules.{rule_set}")
    except ModuleNotFoundError:
        return {"rule_set": rule_set, "available": False}
    from lac_validator import lac_validator
    from lac_validator.report import Report

    registry = module.registry
    files = [{"name": path.name, "file_content": path.read_bytes(), "description": "This year"}]
    metadata = {"collectionYear": str(year + 1), "localAuthority": local_authority}
    validator = lac_validator.LacValidator(metadata=metadata, files=files, registry=registry)
    report = Report(validator.ds_results, registry)
    failures = []
    if any(column.startswith("ERR_") for column in report.report.columns):
        issues = lac_validator.create_issue_df(report.report, report.error_report)
        failures = [
            {
                "rule": str(issue["rule_code"]),
                "message": _text(issue["rule_description"]),
                "child": _text(issue["child_id"]),
                "table": _text(issue["tables_affected"]),
                "field": _text(issue["columns_affected"]),
                "row": _row(issue["row_id"]),
            }
            for issue in issues.to_dict("records")
        ]
    return {
        "rule_set": rule_set,
        "available": True,
        "failures": failures,
        "rules_run": len(validator.dones),
        "rules_not_run": [{"rule": str(code), "problem": "the rule failed to run"} for code in validator.fails],
        "rules_skipped": [str(code) for code in validator.skips],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("cin", "903"), required=True)
    parser.add_argument("--year", type=int, required=True, help="the collection year's start, 2022 for 2022-23")
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--local-authority", default="", help="the authority's code, for the SSDA903 rules")
    arguments = parser.parse_args(argv)
    # The validators print as they go; standard output is left for nothing but this driver's end.
    with contextlib.redirect_stdout(sys.stderr):
        try:
            if arguments.kind == "cin":
                report = run_cin(arguments.input, arguments.year)
            else:
                report = run_903(arguments.input, arguments.year, arguments.local_authority)
        except Exception as error:
            # The rule set as a whole could not run on this file. The SSDA903 validator's own
            # refusals (UploadError) say what it expected; other errors may quote the data,
            # so only their type is given.
            if isinstance(error, MemoryError) or (isinstance(error, ImportError) and "map" in str(error)):
                problem = "memory"  # past the address-space limit Assure set
            elif type(error).__name__ == "UploadError":
                problem = re.sub(r"[\[\]']", "", str(error))  # its lists of column names, as plain text
            else:
                problem = type(error).__name__
            report = {"rule_set": rule_set_name(arguments.kind, arguments.year), "available": True, "problem": problem}
    arguments.output.write_text(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
