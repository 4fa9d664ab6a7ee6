"""Reading any supported input, recognised by its content rather than its name."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import annex_a, ssda903
from .cin_census import read_cin_census
from .events import ImportResult, Pseudonymiser, merge
from .faults import ImportRejected
from .limits import Limits

FORMATS_EXPECTED = (
    "an Annex A workbook (.xlsx), a zip or folder of its list CSVs, a CIN census XML file, or an SSDA903 CSV"
)


def detect(path: str | Path, *, name: str | None = None) -> str:
    """'annex_a', 'cin_census' or 'ssda903'; ImportRejected when the content is none of them.

    ``name`` is the input as its owner knows it, for the message; it defaults to the path.
    """
    path = Path(path)
    name = name or str(path)
    if not path.exists():
        raise ImportRejected(f"{name}: no such file or folder; expected {FORMATS_EXPECTED}")
    if path.is_dir():
        return "annex_a"
    try:
        with open(path, "rb") as handle:
            start = handle.read(4096)
    except OSError as error:
        raise ImportRejected(f"{name} cannot be read ({error.strerror or 'unreadable'})") from None
    if start.startswith(b"PK\x03\x04"):
        return "annex_a"  # a workbook, or a zip of list CSVs
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
    raise ImportRejected(f"{name} is not a recognised format; expected {FORMATS_EXPECTED}")


_READERS = {
    "annex_a": annex_a.read_annex_a,
    "cin_census": read_cin_census,
    "ssda903": ssda903.read_ssda903,
}


def read_input(
    path: str | Path,
    *,
    name: str | None = None,
    pseudonymise: Pseudonymiser | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Read one input under the import limits; the result says which format it was (``kind``)."""
    kind = detect(path, name=name)
    result = _READERS[kind](path, name=name, pseudonymise=pseudonymise, limits=limits)
    result.kind = kind
    return result


def read_inputs(
    paths: Sequence[str | Path], *, pseudonymise: Pseudonymiser | None = None, limits: Limits | None = None
) -> ImportResult:
    """Read every input in order and merge them (natural keys across inputs)."""
    return merge([read_input(path, pseudonymise=pseudonymise, limits=limits) for path in paths])
