"""Normalising raw text tables (CSV files, workbook sheets) into event rows with DuckDB.

A table arrives as text columns plus a ``row_no`` (the row's number in its file or
sheet). One SQL statement parses every column at once; a second lists every refused
cell. No Python runs per row here, so a national-sized CSV costs what DuckDB costs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from . import codes
from .events import RowError


@dataclass(frozen=True)
class Column:
    """One column an importer reads: its role in the event model and how to parse it."""

    role: str
    header: str
    parse: str  # "id", "date", "code", "count" or "text"
    code_set: codes.CodeSet | None = None
    required: bool = False  # a row without a value here is refused
    optional_column: bool = False  # the file may lack the column altogether

    def parse_sql(self, raw: str) -> str:
        if self.parse == "id":
            return f"child_identifier({raw})"
        if self.parse == "date":
            return f"parse_date({raw})"
        if self.parse == "count":
            return f"parse_count({raw})"
        if self.parse == "code":
            return codes.lookup_sql(self.code_set, raw)
        return raw

    @property
    def expected(self) -> str:
        if self.parse == "date":
            return codes.DATE_EXPECTED
        if self.parse == "count":
            return codes.COUNT_EXPECTED
        if self.parse == "code":
            return self.code_set.expected
        return "a value"


def normalise_header(header: object) -> str:
    text = str(header).replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


def match_columns(
    columns: tuple[Column, ...], headers: list[str]
) -> tuple[dict[str, str | None], list[str]]:
    """Pair each wanted column with the file's header of the same name; list the missing ones."""
    by_name = {}
    for header in headers:
        by_name.setdefault(normalise_header(header), header)
    found: dict[str, str | None] = {}
    missing = []
    for column in columns:
        actual = by_name.get(normalise_header(column.header))
        if actual is None and not column.optional_column:
            missing.append(column.header)
        found[column.role] = actual
    return found, missing


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def parse_table(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    columns: tuple[Column, ...],
    found: dict[str, str | None],
    *,
    file: str,
    sheet: str | None,
) -> tuple[str, list[RowError]]:
    """Parse ``relation`` into a temporary table of accepted rows; return its name and the refused cells.

    The accepted table has one column per role (canonical values) and ``row_no``.
    Rows whose wanted cells are all empty are ignored: spreadsheets end in blank rows.
    """
    raw_columns = ", ".join(
        f"clean_text({_ident(found[column.role])}) AS {_ident('raw_' + column.role)}"
        if found[column.role] is not None
        else f"CAST(NULL AS VARCHAR) AS {_ident('raw_' + column.role)}"
        for column in columns
    )
    parsed_columns = ", ".join(
        f"{column.parse_sql(_ident('raw_' + column.role))} AS {_ident(column.role)}" for column in columns
    )
    bad = {
        column.role: (
            f"(raw_{column.role} IS NULL)" if column.required else "FALSE"
        )
        + f" OR (raw_{column.role} IS NOT NULL AND {_ident(column.role)} IS NULL)"
        for column in columns
    }
    any_value = "coalesce(" + ", ".join(f"raw_{column.role}" for column in columns) + ") IS NOT NULL"
    parsed = f"parsed_{relation}"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {parsed} AS
        SELECT *, {' OR '.join(f'({condition})' for condition in bad.values())} AS refused FROM (
            SELECT row_no, {raw_columns}, {parsed_columns}
            FROM (SELECT * FROM {relation}) AS source_rows
        ) WHERE {any_value}
        """
    )
    error_queries = " UNION ALL ".join(
        f"SELECT row_no, {index} AS column_order, raw_{column.role} AS value FROM {parsed} WHERE {bad[column.role]}"
        for index, column in enumerate(columns)
    )
    errors = []
    for row_no, column_order, value in con.execute(
        f"SELECT * FROM ({error_queries}) ORDER BY row_no, column_order"
    ).fetchall():
        column = columns[column_order]
        expected = column.expected + (" (required)" if column.required and value is None else "")
        errors.append(
            RowError(file=file, sheet=sheet, row=row_no, column=found[column.role] or column.header,
                     value=value, expected=expected)
        )
    return parsed, errors


def text_table(headers: list[str], rows: list[tuple], row_numbers: list[int]) -> pa.Table:
    """An all-text Arrow table from Python rows (the workbook path), with ``row_no``."""
    width = len(headers)
    columns = {
        header: pa.array([row[index] if index < len(row) else None for row in rows], pa.string())
        for index, header in enumerate(headers[:width])
    }
    columns["row_no"] = pa.array(row_numbers, pa.int64())
    return pa.table(columns)
