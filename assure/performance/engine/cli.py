"""The ``indicators`` and ``synth`` commands, callable with or without Django.

The Django management commands add these arguments to their parser and call
:func:`run_indicators` / :func:`run_synth`; ``python -m assure.performance.engine``
does the same through :func:`main`. Bad input raises :class:`UsageError` with a
one-line message saying what was wrong and what was expected (exit status 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from .cin_census import collection_year
from .dfe_rules import check_dfe_rules, file_collection_year
from .events import Pseudonymiser, merge
from .faults import ImportRejected
from .indicators import INDICATOR_IDS, compute, display
from .inputs import read_input


class UsageError(Exception):
    """Bad arguments or input: the command stops with exit status 2 and this one-line message."""


def add_indicator_arguments(parser: argparse.ArgumentParser) -> None:
    # Nothing is marked required for argparse: a missing argument is reported by
    # UsageError in one line, like every other bad input.
    parser.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="PATH",
        help="Annex A workbook or folder, CIN census XML or SSDA903 CSV (repeatable; merged in order)",
    )
    parser.add_argument("--from", dest="period_from", metavar="YYYY-MM-DD", help="first day of the period")
    parser.add_argument("--to", dest="period_to", metavar="YYYY-MM-DD", help="last day of the period")
    parser.add_argument("--population", metavar="N", help="0-17 population for the period")
    parser.add_argument("--reference-date", metavar="YYYY-MM-DD", help="events dated after it are left out")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--validate",
        action="store_true",
        help="also check each CIN census and SSDA903 input against the DfE validation rules of its collection year",
    )


def add_synth_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--children", metavar="N", help="number of children in the synthetic partnership")
    parser.add_argument("--seed", metavar="S", default="1", help="random seed (same seed, same files)")
    parser.add_argument("--out", metavar="DIR", help="folder to write the Annex A list CSVs into")
    parser.add_argument("--years", metavar="Y", default="5", help="years of history, ending on --end")
    parser.add_argument("--end", metavar="YYYY-MM-DD", default="2020-03-31", help="last day of the history")
    parser.add_argument(
        "--demo", action="store_true", help="write the demo partnership calibrated to the 2019-20 annual report instead"
    )


def _date(value: str | None, option: str) -> date:
    if value is None:
        raise UsageError(f"{option} is missing; expected {option} YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date; expected YYYY-MM-DD") from None


def _whole_number(value: str | None, option: str, *, minimum: int) -> int:
    if value is None:
        raise UsageError(f"{option} is missing; expected a whole number of at least {minimum}")
    try:
        number = int(value)
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a whole number; expected a whole number of at least {minimum}"
        ) from None
    if number < minimum:
        raise UsageError(f"{option} {number} is too small; expected a whole number of at least {minimum}")
    return number


def run_indicators(options: dict, *, pseudonymise: Pseudonymiser | None = None) -> dict:
    """Validate the options, read and merge the inputs, and compute the indicator document.

    With ``validate``, the document's ``dfe_rules`` lists, for each CIN census and SSDA903
    input, what the DfE rules found (child identifiers ``pseudonymise``d when given). An
    SSDA903 header file, which has no dates, is checked for the collection year of --to.
    """
    if not options.get("input"):
        raise UsageError("--input is missing; expected at least one --input PATH")
    period_from = _date(options.get("period_from"), "--from")
    period_to = _date(options.get("period_to"), "--to")
    if period_to < period_from:
        raise UsageError(
            f"--to {period_to} is before --from {period_from}; expected a period that ends after it starts"
        )
    population = _whole_number(options.get("population"), "--population", minimum=1)
    reference_date = _date(options["reference_date"], "--reference-date") if options.get("reference_date") else None
    try:
        results = [read_input(path) for path in options["input"]]
    except ImportRejected as error:
        raise UsageError(str(error)) from None
    document = compute(
        merge(results),
        period_from=period_from,
        period_to=period_to,
        population=population,
        reference_date=reference_date,
    )
    if options.get("validate"):
        document["dfe_rules"] = [
            {
                "input": str(path),
                **check_dfe_rules(
                    path,
                    result,
                    pseudonymise=pseudonymise,
                    year=file_collection_year(result) or collection_year(period_to),
                ).as_dict(),
            }
            for path, result in zip(options["input"], results, strict=True)
            if result.kind in ("cin_census", "ssda903")
        ]
    return document


def format_document(document: dict, as_json: bool) -> str:
    if as_json:
        return json.dumps(document, indent=2)
    lines = [f"Indicators {document['from']} to {document['to']} (population {document['population']})"]
    for indicator_id in INDICATOR_IDS:
        result = document["indicators"][indicator_id]
        shown = display(indicator_id, result)
        fraction = f"{result['numerator']}/{result['denominator']}" if result["denominator"] is not None else ""
        partial = " (partial)" if result["partial"] else ""
        lines.append(f"  {indicator_id:40} {'-' if shown is None else shown!s:>10} {fraction}{partial}")
    lines.append("Data quality:")
    for key, value in document["data_quality"].items():
        lines.append(f"  {key:40} {value['numerator'] if isinstance(value, dict) else value}")
    lines.extend(f"Warning: {warning}" for warning in document["warnings"])
    lines.extend(f"Note: {note}" for note in document["notes"])
    for report in document.get("dfe_rules", []):
        lines.append(f"{report['input']}: {report['summary']}")
        counts = Counter(failure["rule"] for failure in report["failures"])
        lines.extend(f"  rule {rule:10} {number:>6}" for rule, number in sorted(counts.items()))
    return "\n".join(lines)


def run_synth(options: dict) -> str:
    """Write a synthetic Annex A history (or the calibrated demo) and say what was written."""
    from . import synth  # the generator is only needed here

    out = options.get("out")
    if not out:
        raise UsageError("--out is missing; expected --out DIR")
    if options.get("demo"):
        written = synth.demo_history(Path(out))
        return f"wrote the demo partnership's Annex A lists to {out}: " + ", ".join(
            f"{name} {rows}" for name, rows in written.items()
        )
    children = _whole_number(options.get("children"), "--children", minimum=1)
    seed = _whole_number(options.get("seed"), "--seed", minimum=0)
    years = _whole_number(options.get("years"), "--years", minimum=1)
    end = _date(options.get("end"), "--end")
    written = synth.write_history(Path(out), children=children, seed=seed, years=years, end=end)
    return f"wrote {children} children's Annex A lists to {out}: " + ", ".join(
        f"{name} {rows}" for name, rows in written.items()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assure.performance.engine")
    commands = parser.add_subparsers(dest="command", required=True)
    add_indicator_arguments(commands.add_parser("indicators", help="compute the indicators for a period"))
    add_synth_arguments(commands.add_parser("synth", help="write a synthetic Annex A history"))
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "indicators":
            print(format_document(run_indicators(vars(arguments)), arguments.json))
        else:
            print(run_synth(vars(arguments)))
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
