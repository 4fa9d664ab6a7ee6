"""Normalising raw text tables (CSV files, workbook sheets) into canonical values with DuckDB.

A table arrives as text columns plus ``row_no`` (the row's number in its file or sheet).
Each date and code column is parsed once per distinct text and joined back; one statement
then gives every row its values and says whether it is refused, and only refused rows are
read again, to list their faulty cells. No Python runs per row, so a national-sized CSV
costs what DuckDB costs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from . import codes
from .events import RowError
from .faults import ImportRejected
from .limits import RowCounter


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


def match_columns(columns: tuple[Column, ...], headers: list[str]) -> tuple[dict[str, str | None], list[str]]:
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
    """Parse ``relation`` into a table of canonical values; return its name and the refused cells.

    The table has ``row_no``, one value per role, and ``refused``. Rows whose wanted cells
    are all empty are left out: spreadsheets end in blank rows. Dates and codes are parsed
    once per distinct text (a few thousand) and joined back, not once per row.
    """
    # Dates and codes: cleaned and parsed once per distinct text in the column, then joined back.
    selects, joins, cleaned = [], [], []
    for column in columns:
        header = found[column.role]
        raw, value = _ident("raw_" + column.role), _ident(column.role)
        if header is None:
            selects.append(f"CAST(NULL AS VARCHAR) AS {raw}, CAST(NULL AS VARCHAR) AS {value}")
        elif column.parse in ("date", "code", "count"):
            lookup = f"lookup_{relation}_{column.role}"
            _lookup_table(con, lookup, column, f"SELECT DISTINCT {_ident(header)} AS original FROM {relation}")
            joins.append(f"LEFT JOIN {lookup} ON {lookup}.original = source_rows.{_ident(header)}")
            selects.append(f"{lookup}.cleaned AS {raw}, {lookup}.value AS {value}")
        else:
            # cleaned once, in the inner query, then read twice
            clean = _ident("clean_" + column.role)
            cleaned.append(f"clean_text({_ident(header)}) AS {clean}")
            selects.append(f"source_rows.{clean} AS {raw}, {column.parse_sql(f'source_rows.{clean}')} AS {value}")
    source = f"(SELECT *{''.join(', ' + item for item in cleaned)} FROM {relation})"
    bad = {
        column.role: (f"(raw_{column.role} IS NULL)" if column.required else "FALSE")
        + f" OR (raw_{column.role} IS NOT NULL AND {_ident(column.role)} IS NULL)"
        for column in columns
    }
    any_value = "coalesce(" + ", ".join(f"raw_{column.role}" for column in columns) + ") IS NOT NULL"
    parsed = f"parsed_{relation}"
    view = f"parsing_{relation}"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW {view} AS
        SELECT * FROM (
            SELECT source_rows.row_no, {", ".join(selects)} FROM {source} AS source_rows {" ".join(joins)}
        ) WHERE {any_value}
        """
    )
    # The text is kept only for refused rows, to report them; accepted rows keep their values.
    values = ", ".join(_ident(column.role) for column in columns)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {parsed} AS SELECT row_no, {values}, "
        f"{' OR '.join(f'({condition})' for condition in bad.values())} AS refused FROM {view}"
    )
    if not con.execute(f"SELECT count(*) FROM {parsed} WHERE refused").fetchall()[0][0]:
        return parsed, []
    refused_rows = f"refused_{relation}"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {refused_rows} AS SELECT * FROM {view} "
        f"WHERE row_no IN (SELECT row_no FROM {parsed} WHERE refused)"
    )
    error_queries = " UNION ALL ".join(
        f"SELECT row_no, {index} AS column_order, raw_{column.role} AS value FROM {refused_rows} WHERE {bad[column.role]}"
        for index, column in enumerate(columns)
    )
    errors = []
    for row_no, column_order, value in con.execute(
        f"SELECT * FROM ({error_queries}) ORDER BY row_no, column_order"
    ).fetchall():
        column = columns[column_order]
        expected = column.expected + (" (required)" if column.required and value is None else "")
        errors.append(
            RowError(
                file=file,
                sheet=sheet,
                row=row_no,
                column=found[column.role] or column.header,
                value=value,
                expected=expected,
            )
        )
    return parsed, errors


def _lookup_table(con: duckdb.DuckDBPyConnection, name: str, column: Column, distinct: str) -> None:
    """``name``: each distinct text of a column (``original``), cleaned, and its value.

    Dates and counts are parsed in SQL. Codes are read in Python, once per distinct text
    (a handful): one long CASE per column would cost DuckDB more to plan than to run.
    """
    if column.parse != "code":
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT original, cleaned, {column.parse_sql('cleaned')} AS value "
            f"FROM (SELECT original, clean_text(original) AS cleaned FROM ({distinct}))"
        )
        return
    rows = con.execute(f"SELECT original, clean_text(original) FROM ({distinct}) WHERE original IS NOT NULL").fetchall()
    values = [codes.lookup_python(column.code_set, cleaned) if cleaned is not None else None for _, cleaned in rows]
    kind = pa.bool_() if all(isinstance(v, bool) for v in column.code_set.spellings.values()) else pa.string()
    con.register(
        name,
        pa.table(
            {
                "original": pa.array([original for original, _ in rows], pa.string()),
                "cleaned": pa.array([cleaned for _, cleaned in rows], pa.string()),
                "value": pa.array(values, kind),
            }
        ),
    )


class TextTableBuilder:
    """An all-text Arrow table built from Python rows (the workbook path), with ``row_no``.

    Rows are turned into Arrow every few thousand, so the Python objects of a large sheet
    never sit in memory all at once.
    """

    BATCH = 20_000

    def __init__(self, headers: list[str]):
        self.headers = headers
        self.rows: list[tuple] = []
        self.numbers: list[int] = []
        self.batches: list[pa.RecordBatch] = []

    def add(self, row: tuple, row_no: int) -> None:
        self.rows.append(row)
        self.numbers.append(row_no)
        if len(self.rows) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        width = len(self.headers)
        arrays = [
            pa.array([row[index] if index < len(row) else None for row in self.rows], pa.string())
            for index in range(width)
        ]
        arrays.append(pa.array(self.numbers, pa.int64()))
        self.batches.append(pa.RecordBatch.from_arrays(arrays, names=[*self.headers, "row_no"]))
        self.rows, self.numbers = [], []

    def table(self) -> pa.Table:
        self._flush()
        return pa.Table.from_batches(self.batches)


_LINE = re.compile(r"\bline:? (\d+)", re.IGNORECASE)


def load_csv(
    con: duckdb.DuckDBPyConnection,
    file: Path,
    relation: str,
    *,
    name: str,
    skip: int,
    pick: Callable[[list[str]], dict[str, str | None]],
    counter: RowCounter,
) -> tuple[dict[str, str | None], list[str]]:
    """Load a CSV's wanted columns into DuckDB as ``relation`` (text, plus ``row_no``).

    ``pick`` gets the file's headers and returns role -> header for the columns wanted
    (raising ImportRejected when one is missing). Returns that mapping and notes for the
    warnings. A file that is not UTF-8 (Excel's "CSV" on Windows) is read as Latin-1 and
    said so; one DuckDB cannot read as CSV at all is rejected whole. ``name`` is the
    file as its owner knows it: DuckDB's own messages name the stored path, so they are
    never shown.
    """
    escaped = str(file).replace("'", "''")
    most = counter.limits.rows_per_list
    for encoding in ("utf-8", "latin-1"):
        reader = (
            f"read_csv('{escaped}', header=true, all_varchar=true, skip={skip}, encoding='{encoding}', "
            "delim=',', quote='\"', escape='\"', strict_mode=false, null_padding=true)"
        )
        try:
            headers = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
            found = pick(headers)
            wanted = ", ".join(
                _ident(header) for header in dict.fromkeys(header for header in found.values() if header)
            )
            # rowid follows insertion order, which gives each record its row number in the file;
            # one row past the limit is enough to know the limit is passed.
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE {relation}_text AS SELECT {wanted} FROM {reader} LIMIT {most + 1}"
            )
            break
        except duckdb.InterruptException:
            raise
        except duckdb.Error as error:
            failure = error
    else:
        line = _LINE.search(str(failure))
        where = f" (the first problem is near line {line.group(1)})" if line else ""
        raise ImportRejected(
            f"{name} cannot be read as a CSV file{where}; expected comma-separated text with the list's header row"
        ) from None
    (rows,) = con.execute(f"SELECT count(*) FROM {relation}_text").fetchone()
    counter.add(rows, name)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {relation} AS SELECT *, rowid + {skip + 2} AS row_no FROM {relation}_text"
    )
    notes = [] if encoding == "utf-8" else [f"{name} is not UTF-8 text; it was read as Latin-1 (Windows) text"]
    return found, notes
