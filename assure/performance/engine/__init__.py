"""Assure's performance engine: importers, the canonical event model and the indicators.

Pure Python over DuckDB and Arrow, with no Django import, so it runs in a web request,
a background task, a management command or ``python -m assure.performance.engine``.

Public entry points:

- ``read_input(path, name=None, pseudonymise=None, limits=None)`` / ``read_inputs(paths, …)``:
  any supported file, zip or folder, recognised by content, read under the import
  ``Limits`` -> ``ImportResult`` (``read_annex_a``, ``read_cin_census``, ``read_ssda903``
  for one known format); ``ImportRejected`` (``LimitExceeded`` for a limit) refuses it;
- ``merge(results)``: several inputs into one, by natural key;
- ``compute(events, period_from=, period_to=, population=, reference_date=None)``:
  the indicator document (the command line's JSON);
- ``quality_rows(events, reference_date=None)``: the rows behind the data-quality counts;
- ``make_pseudonymiser(key)``: HMAC-SHA256 of child identifiers;
- ``check_dfe_rules(path, imported, pseudonymise=None, …)``: the DfE validation rules'
  failures (rule code, message, pseudonymised child, field) for an accepted CIN census or
  SSDA903 file, run in the validators' own environment -> ``DfeRulesReport``;
- ``england_benchmarks()``: DfE England figures mapped to indicator ids;
- ``synth.write_history`` / ``synth.demo_history``: synthetic Annex A histories.
"""

from .annex_a import read_annex_a
from .benchmarks import BenchmarkRecord, england_benchmarks, read_benchmark_file
from .cin_census import collection_year, read_cin_census
from .dfe_rules import DfeRulesReport, RuleFailure, check_dfe_rules
from .events import EVENT_KINDS, SCHEMAS, ImportResult, RowError, merge
from .faults import ImportRejected, LimitExceeded
from .indicators import DATA_QUALITY_KEYS, INDICATOR_IDS, compute, display, quality_rows, round_half_up
from .inputs import detect, read_input, read_inputs
from .limits import Limits
from .pseudonymise import make_pseudonymiser
from .ssda903 import read_ssda903

__all__ = [
    "BenchmarkRecord",
    "DATA_QUALITY_KEYS",
    "DfeRulesReport",
    "EVENT_KINDS",
    "INDICATOR_IDS",
    "ImportRejected",
    "ImportResult",
    "LimitExceeded",
    "Limits",
    "RowError",
    "RuleFailure",
    "SCHEMAS",
    "check_dfe_rules",
    "collection_year",
    "compute",
    "detect",
    "display",
    "england_benchmarks",
    "make_pseudonymiser",
    "merge",
    "quality_rows",
    "read_annex_a",
    "read_benchmark_file",
    "read_cin_census",
    "read_input",
    "read_inputs",
    "read_ssda903",
    "round_half_up",
]
