"""Reading any supported input, recognised by its content rather than its name."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import annex_a, ssda903
from .cin_census import read_cin_census
from .events import ImportRejected, ImportResult, Pseudonymiser, merge

FORMATS_EXPECTED = "an Annex A workbook (.xlsx) or folder of list CSVs, a CIN census XML file, or an SSDA903 CSV"


def detect(path: str | Path) -> str:
    """'annex_a', 'cin_census' or 'ssda903'; ImportRejected when the content is none of them."""
    path = Path(path)
    if not path.exists():
        raise ImportRejected(f"{path}: no such file or folder; expected {FORMATS_EXPECTED}")
    if path.is_dir():
        return "annex_a"
    try:
        with open(path, "rb") as handle:
            start = handle.read(4096)
    except OSError as error:
        raise ImportRejected(f"{path}: cannot be read ({error})") from error
    if start.startswith(b"PK\x03\x04"):
        return "annex_a"
    text = start.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("<"):
        return "cin_census"
    first_lines = text.splitlines()[:3]
    if first_lines:
        headers = [cell.strip() for cell in first_lines[0].split(",")]
        if ssda903.is_episodes(headers) or ssda903.is_header(headers):
            return "ssda903"
        if any(annex_a.is_header_row(line.split(",")) for line in first_lines):
            return "annex_a"
    raise ImportRejected(f"{path}: not a recognised format; expected {FORMATS_EXPECTED}")


_READERS = {
    "annex_a": annex_a.read_annex_a,
    "cin_census": read_cin_census,
    "ssda903": ssda903.read_ssda903,
}


def read_input(path: str | Path, *, pseudonymise: Pseudonymiser | None = None) -> ImportResult:
    return _READERS[detect(path)](path, pseudonymise=pseudonymise)


def read_inputs(paths: Sequence[str | Path], *, pseudonymise: Pseudonymiser | None = None) -> ImportResult:
    """Read every input in order and merge them (natural keys across inputs)."""
    return merge([read_input(path, pseudonymise=pseudonymise) for path in paths])
