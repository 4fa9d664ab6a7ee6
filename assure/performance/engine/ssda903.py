"""SSDA903 (children looked after) CSV tables: episodes become care periods, the header
table supplies dates of birth. Each file is its own input; both are parsed in DuckDB."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from . import codes
from .events import ImportResult, Pseudonymiser, conform, new_result, pseudonymise_tables
from .faults import ImportRejected, listed
from .limits import Limits, RowCounter, running
from .tabular import Column, load_csv, match_columns, parse_table

EPISODE_COLUMNS = (
    Column("child_id", "CHILD", "id", required=True),
    Column("start_date", "DECOM", "date", required=True),
    Column("legal_status", "LS", "code", codes.LEGAL_STATUS, required=True),
    Column("end_date", "DEC", "date"),
)
HEADER_COLUMNS = (
    Column("child_id", "CHILD", "id", required=True),
    Column("gender", "SEX", "code", codes.SSDA903_SEX),
    Column("date_of_birth", "DOB", "date"),
    Column("ethnicity", "ETHNIC", "code", codes.ETHNICITY),
)


def csv_headers(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        return [name.strip() for name in handle.readline(64 * 1024).rstrip("\r\n").split(",")]


def is_episodes(headers: list[str]) -> bool:
    return {"CHILD", "DECOM", "LS"} <= {header.upper() for header in headers}


def is_header(headers: list[str]) -> bool:
    return {"CHILD", "SEX", "DOB"} <= {header.upper() for header in headers}


def read_ssda903(
    path: str | Path,
    *,
    name: str | None = None,
    pseudonymise: Pseudonymiser | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Import an SSDA903 episodes CSV (care periods) or header CSV (children), told apart by their columns."""
    path, limits = Path(path), limits or Limits()
    name = name or str(path)
    headers = csv_headers(path)
    if is_episodes(headers):
        kind, columns = "care_period", EPISODE_COLUMNS
    elif is_header(headers):
        kind, columns = "child", HEADER_COLUMNS
    else:
        raise ImportRejected(
            f"{name} is not an SSDA903 table; expected the episodes (CHILD, DECOM, LS, DEC) or header (CHILD, SEX, DOB) columns"
        )

    def pick(actual: list[str]) -> dict[str, str | None]:
        found, missing = match_columns(columns, actual)
        if missing:
            raise ImportRejected(
                f"{name} lacks the column{'s' if len(missing) > 1 else ''} {listed(missing)}; expected the SSDA903 layout"
            )
        return found

    with running(limits, name), codes.connection(limits) as con:
        text, found, notes = load_csv(
            con, path, columns, name=name, skip=0, pick=pick, counter=RowCounter(limits, name)
        )
        parsed = parse_table(con, text, columns, headers=found, file=name, sheet=None)
    rows = parsed.table
    table = conform(
        kind,
        rows.append_column("source_file", pa.repeat(pa.scalar(name, pa.string()), rows.num_rows))
        .append_column("source_row", rows.column("row_no"))
        .append_column("seq", rows.column("row_no")),
    )
    tables = pseudonymise_tables(new_result({kind: table}).tables, pseudonymise)
    return new_result(tables, errors=parsed.errors, warnings=notes)
