"""The DfE validation rules (Data to Insight's ``csc-validator-be-cin`` and ``-903``), run
on a file Assure's import has accepted, beside Assure's own checks (decisions.md, "DfE
validation rules").

The rules need pandas and numpy below 2, so they live in their own environment
(``make validators`` builds ``.venv-validators``) and run there as a separate process:
``dfe_driver.py`` in a temporary directory, with the file's collection year, at most 10
minutes and 2 GB of address space. Its JSON report is read, every child identifier is
pseudonymised, and the report is deleted with the directory. A year with no published
rule set, or a rule set that cannot run, is reported as such: never silently skipped.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow.compute as pc

from assure.core.periods import reporting_year_label

from . import dfe_driver
from .cin_census import collection_year as cin_collection_year
from .events import ImportResult, Pseudonymiser

SECONDS = 10 * 60
ADDRESS_SPACE = 2 * 1024**3
_KINDS = {"cin_census": "cin", "ssda903": "903"}
_TITLES = {"cin": "CIN census", "903": "SSDA903"}


@dataclass(frozen=True)
class RuleFailure:
    """One place a DfE rule failed: the rule, its message, the (pseudonymised) child and the field."""

    rule: str
    message: str
    child: str | None
    field: str | None
    table: str | None
    row: int | None


@dataclass
class DfeRulesReport:
    """What the DfE rules found in one file, or why they could not look.

    ``status`` is "checked", "not_available" (no published rule set for the year) or
    "could_not_run" (``problem`` says why).
    """

    kind: str
    collection_year: int | None
    rule_set: str | None
    status: str
    failures: list[RuleFailure] = field(default_factory=list)
    rules_run: int = 0
    rules_not_run: list[dict] = field(default_factory=list)
    rules_skipped: list[str] = field(default_factory=list)
    problem: str | None = None

    @property
    def summary(self) -> str:
        title = _TITLES[self.kind]
        if self.status == "not_available":
            return f"DfE rules not available for {reporting_year_label(self.collection_year)}"
        if self.status == "could_not_run":
            return f"The DfE {title} rules could not run: {self.problem}"
        text = (
            f"DfE {title} rules for {reporting_year_label(self.collection_year)}: "
            f"{len(self.failures):,} failure{'s' if len(self.failures) != 1 else ''} of {self.rules_run:,} rules run"
        )
        if self.rules_not_run:
            text += "; rules that could not run: " + ", ".join(sorted({item["rule"] for item in self.rules_not_run}))
        return text

    def counts(self) -> dict[str, int]:
        """Failures per rule code."""
        return dict(Counter(failure.rule for failure in self.failures))

    def as_dict(self) -> dict:
        return {**asdict(self), "summary": self.summary}


def validators_python() -> Path:
    """The validators' environment: ``ASSURE_VALIDATORS_PYTHON``, or ``.venv-validators`` in the checkout."""
    configured = os.environ.get("ASSURE_VALIDATORS_PYTHON")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[3] / ".venv-validators" / "bin" / "python"


def file_collection_year(imported: ImportResult) -> int | None:
    """The collection year (by its start) of an accepted CIN census or SSDA903 episodes file.

    A CIN census file's is the year to 31 March holding its ReferenceDate; an SSDA903
    episodes file's the year to 31 March holding its latest episode date. An SSDA903
    header file carries no date: None.
    """
    if imported.kind == "cin_census":
        return cin_collection_year(imported.reference_date)
    periods = imported.tables["care_period"]
    if imported.kind == "ssda903" and periods.num_rows:
        latest = max(day for day in (pc.max(periods["start_date"]).as_py(), pc.max(periods["end_date"]).as_py()) if day)
        return cin_collection_year(latest)
    return None


def check_dfe_rules(
    path: str | Path,
    imported: ImportResult,
    *,
    pseudonymise: Pseudonymiser | None = None,
    year: int | None = None,
    local_authority: str = "",
    seconds: float = SECONDS,
    address_space: int = ADDRESS_SPACE,
    scratch_dir: Path | None = None,
    python: Path | None = None,
) -> DfeRulesReport:
    """Run the DfE rules on ``path``, a file Assure's import accepted as ``imported``.

    Taking the import's result is what keeps the rules to accepted files. ``year`` (the
    collection year's start) defaults to the file's own (:func:`file_collection_year`).
    Child identifiers in the failures are ``pseudonymise``d, as the events were.
    """
    if imported.kind not in _KINDS:
        raise ValueError(f"the DfE rules check CIN census and SSDA903 files, not {imported.kind}")
    kind = _KINDS[imported.kind]
    year = year if year is not None else file_collection_year(imported)
    if year is None:
        return DfeRulesReport(
            kind,
            None,
            None,
            "could_not_run",
            problem="the file's collection year is not known (an SSDA903 header file has no dates)",
        )
    rule_set = dfe_driver.rule_set_name(kind, year)
    python = python or validators_python()
    if not python.exists():
        return DfeRulesReport(
            kind, year, rule_set, "could_not_run", problem="they are not installed on this server (make validators)"
        )
    if scratch_dir is not None:
        scratch_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="dfe-rules-", dir=scratch_dir))
    try:
        report = _run_driver(python, kind, year, Path(path), folder, local_authority, seconds, address_space)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if isinstance(report, str):
        return DfeRulesReport(kind, year, rule_set, "could_not_run", problem=report)
    if not report["available"]:
        return DfeRulesReport(kind, year, rule_set, "not_available")
    if report.get("problem") == "memory":
        return DfeRulesReport(kind, year, rule_set, "could_not_run", problem=_too_much_memory(address_space))
    if report.get("problem"):
        return DfeRulesReport(kind, year, rule_set, "could_not_run", problem=report["problem"])
    children = {item["child"] for item in report["failures"] if item["child"]}
    pseudonyms = {child: pseudonymise(child) if pseudonymise else child for child in children}
    return DfeRulesReport(
        kind,
        year,
        rule_set,
        "checked",
        failures=[
            RuleFailure(
                rule=item["rule"],
                message=item["message"] or "",
                child=pseudonyms.get(item["child"]),
                field=item["field"],
                table=item["table"],
                row=item["row"],
            )
            for item in report["failures"]
        ],
        rules_run=report["rules_run"],
        rules_not_run=report["rules_not_run"],
        rules_skipped=report["rules_skipped"],
    )


def _run_driver(
    python: Path,
    kind: str,
    year: int,
    path: Path,
    folder: Path,
    local_authority: str,
    seconds: float,
    address_space: int,
) -> dict | str:
    """The driver's report, or why it gave none."""
    output = folder / "report.json"

    def limit_address_space() -> None:  # runs in the child, before the driver starts
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    command = [
        str(python),
        dfe_driver.__file__,
        f"--kind={kind}",
        f"--year={year}",
        f"--input={path.resolve()}",
        f"--output={output}",
        f"--local-authority={local_authority}",
    ]
    # One thread each for the numeric libraries: each thread reserves address space.
    environment = {"PATH": os.environ.get("PATH", ""), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    try:
        done = subprocess.run(
            command,
            cwd=folder,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=seconds,
            preexec_fn=limit_address_space,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"they took longer than {_duration(seconds)}, the most they may take"
    if done.returncode != 0 or not output.exists():
        if b"MemoryError" in done.stderr or b"Cannot allocate memory" in done.stderr:
            return _too_much_memory(address_space)
        return "they stopped with an error before reporting"
    return json.loads(output.read_text())


def _too_much_memory(address_space: int) -> str:
    return f"they needed more than {address_space / 1024**2:,.0f} MB of memory, the most they may use"


def _duration(seconds: float) -> str:
    return f"{seconds / 60:g} minutes" if seconds >= 60 else f"{seconds:g} seconds"
