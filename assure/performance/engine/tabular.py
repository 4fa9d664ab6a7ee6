"""Normalising raw text tables (CSV files, workbook sheets) into canonical values.

A CSV is read in one pass: DuckDB takes out the wanted columns (cleaning identifiers on
the way) straight into Arrow, in the file's order, so each row's number is its position.
Each date, code and count column is then dictionary-encoded in Arrow and parsed once per
distinct text; the values are taken back to the rows and the refused rows found with
vectorised masks. Only refused rows are read into Python, to list their faulty cells, so
a national-sized CSV costs what DuckDB and Arrow cost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

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


@dataclass
class Parsed:
    """A text table parsed: its accepted rows, its refused cells, and its last row with any value."""

    table: pa.Table  # row_no, then one canonical value per role (dates, codes and texts dictionary-encoded)
    errors: list[RowError]
    last_row: int  # the number of the last row holding any wanted value; 0 when none does


def select_columns(found: dict[str, str | None]) -> str:
    """The SQL select list taking each wanted column's raw text out of a text table, named by its role."""
    return ", ".join(
        f"{_ident(header) if header is not None else 'CAST(NULL AS VARCHAR)'} AS {_ident(role)}"
        for role, header in found.items()
    )


def parse_table(
    con: duckdb.DuckDBPyConnection,
    text: pa.Table,
    columns: tuple[Column, ...],
    *,
    headers: dict[str, str | None],
    file: str,
    sheet: str | None,
) -> Parsed:
    """Parse ``text`` (``row_no`` and each role's raw text, as :func:`select_columns` reads it).

    Rows whose wanted cells are all empty are left out: spreadsheets end in blank rows.
    Each date, code, count and free-text column is dictionary-encoded, its distinct texts
    (a few thousand at most) cleaned and parsed, and the results taken back to the rows;
    identifiers (one per child) are checked in Arrow and only those needing it cleaned.
    No Python runs per row; refused rows alone are read into Python, to list their cells.
    ``headers`` names each role's column as the file does, for the error report.
    """
    rows = text.num_rows
    encoded = {
        column.role: pc.dictionary_encode(text.column(column.role).combine_chunks())
        for column in columns
        if column.parse in _PARSED_PER_DISTINCT
    }
    distinct = _parse_distinct(
        con, [(column, encoded[column.role].dictionary) for column in columns if column.role in encoded]
    )
    present, bad, values, shown = [], [], {}, {}
    for column in columns:
        if column.role in encoded:
            indices = encoded[column.role].indices
            cleaned, parsed = distinct[column.role]
            empty = pc.is_null(cleaned)  # a text that cleans to nothing is no value
            invalid = pc.and_(pc.invert(empty), pc.is_null(parsed))
            # Masks are taken to the rows only when some distinct text needs it (rarely).
            column_present = (
                pc.fill_null(pc.take(pc.invert(empty), indices), False) if _some(empty) else pc.is_valid(indices)
            )
            column_bad = pc.fill_null(pc.take(invalid, indices), False) if _some(invalid) else None
            # Kept dictionary-encoded: only the rows that are used are ever decoded.
            values[column.role] = pa.DictionaryArray.from_arrays(indices, parsed)
            shown[column.role] = (cleaned, indices)
        else:
            cells = _identifiers(con, text.column(column.role).combine_chunks())
            column_present, column_bad = pc.is_valid(cells), None
            values[column.role] = cells
            shown[column.role] = (cells, None)
        if column.required:
            missing = pc.invert(column_present)
            column_bad = missing if column_bad is None else pc.or_(column_bad, missing)
        present.append(column_present)
        bad.append(column_bad)
    row_no = text.column("row_no").combine_chunks()
    kept = _any(present, rows)
    refused = pc.and_(kept, _any(bad, rows))
    kept_rows = pc.indices_nonzero(kept)
    last_row = row_no[kept_rows[-1].as_py()].as_py() if len(kept_rows) else 0
    accepted = pc.and_(kept, pc.invert(refused))
    table = pa.table({"row_no": row_no, **values})
    if pc.all(accepted).as_py() is not True:
        table = table.filter(accepted)
    refused_rows = pc.indices_nonzero(refused)
    if not len(refused_rows):
        return Parsed(table, [], last_row)
    errors = []
    numbers = row_no.take(refused_rows).to_pylist()
    faults = [
        (column, bad_cells.take(refused_rows).to_pylist())
        for column, bad_cells in zip(columns, bad, strict=True)
        if bad_cells is not None
    ]
    cells = {}
    for column, _ in faults:
        texts, indices = shown[column.role]
        cells[column.role] = (
            texts.take(indices.take(refused_rows)) if indices is not None else texts.take(refused_rows)
        ).to_pylist()
    for position, number in enumerate(numbers):
        for column, flags in faults:
            if not flags[position]:
                continue
            value = cells[column.role][position]
            errors.append(
                RowError(
                    file=file,
                    sheet=sheet,
                    row=number,
                    column=headers[column.role] or column.header,
                    value=value,
                    expected=column.expected + (" (required)" if column.required and value is None else ""),
                )
            )
    return Parsed(table, errors, last_row)


def numbers(con: duckdb.DuckDBPyConnection, first: int, count: int) -> pa.Array:
    """``first``, ``first + 1``, … (``count`` of them) as an Arrow int64 array."""
    return con.sql(f"SELECT range FROM range({first}, {first + count})").to_arrow_table().column(0).combine_chunks()


_PARSED_PER_DISTINCT = ("date", "code", "count", "text")


def _identifiers(con: duckdb.DuckDBPyConnection, cells: pa.Array) -> pa.Array:
    """Child identifiers cleaned: only those that are not plain letters and digits can change."""
    plain = pc.fill_null(pc.ascii_is_alnum(cells), True)
    if pc.all(plain).as_py() is not False:
        return cells
    others = pc.invert(plain)
    texts = cells.filter(others)
    con.register("identifier_texts", pa.table({"position": numbers(con, 0, len(texts)), "original": texts}))
    try:
        cleaned = con.sql(
            "SELECT child_identifier(clean_text(original)) AS cleaned FROM identifier_texts ORDER BY position"
        ).to_arrow_table()
    finally:
        con.unregister("identifier_texts")
    return pc.replace_with_mask(cells, others, cleaned.column("cleaned").combine_chunks())


def _some(flags: pa.Array) -> bool:
    return pc.any(flags).as_py() is True


def _any(flags: list[pa.Array | None], rows: int) -> pa.Array:
    """Row by row, whether any of the flags is set (None: a flag set on no row)."""
    result = pa.repeat(pa.scalar(False), rows)
    for flag in flags:
        if flag is not None:
            result = pc.or_(result, flag)
    return result


def _parse_distinct(
    con: duckdb.DuckDBPyConnection, columns: list[tuple[Column, pa.Array]]
) -> dict[str, tuple[pa.Array, pa.Array]]:
    """For each column, its distinct texts cleaned, and their values (None when no valid value).

    The distinct texts of all the columns go to DuckDB in one query, which cleans them and
    parses dates and counts. Codes are then read in Python, once per distinct text (a
    handful): one long CASE per column would cost DuckDB more to plan than to run.
    """
    if not columns:
        return {}
    texts = pa.concat_arrays([texts for _, texts in columns])
    con.register(
        "distinct_texts",
        pa.table({"position": pa.array(range(len(texts)), pa.int64()), "original": texts}),
    )
    try:
        parsed = con.sql(
            "SELECT cleaned, parse_date(cleaned) AS date, parse_count(cleaned) AS count FROM "
            "(SELECT position, clean_text(original) AS cleaned FROM distinct_texts) ORDER BY position"
        ).to_arrow_table()
    finally:
        con.unregister("distinct_texts")
    result, offset = {}, 0
    for column, column_texts in columns:
        part = parsed.slice(offset, len(column_texts))
        offset += len(column_texts)
        cleaned = part.column("cleaned").combine_chunks()
        if column.parse == "code":
            values = [
                codes.lookup_python(column.code_set, text) if text is not None else None for text in cleaned.to_pylist()
            ]
            kind = pa.bool_() if all(isinstance(v, bool) for v in column.code_set.spellings.values()) else pa.string()
            result[column.role] = (cleaned, pa.array(values, kind))
        elif column.parse == "text":
            result[column.role] = (cleaned, cleaned)
        else:
            result[column.role] = (cleaned, part.column(column.parse).combine_chunks())
    return result


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
    columns: tuple[Column, ...],
    *,
    name: str,
    skip: int,
    pick: Callable[[list[str]], dict[str, str | None]],
    counter: RowCounter,
) -> tuple[pa.Table, dict[str, str | None], list[str]]:
    """Read a CSV's wanted columns, in one pass, as a text table for :func:`parse_table`.

    ``pick`` gets the file's headers and returns role -> header for the columns wanted
    (raising ImportRejected when one is missing). Returns the table (``row_no`` and one
    column per role), that mapping, and notes for the warnings. A file that is not UTF-8
    (Excel's "CSV" on Windows) is read as Latin-1 and said so; one DuckDB cannot read as
    CSV at all is rejected whole. ``name`` is the file as its owner knows it: DuckDB's own
    messages name the stored path, so they are never shown.
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
            # The result keeps the file's order, which gives each record its row number;
            # one row past the limit is enough to know the limit is passed.
            text = con.sql(f"SELECT {select_columns(found)} FROM {reader} LIMIT {most + 1}").to_arrow_table()
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
    counter.add(text.num_rows, name)
    text = text.append_column("row_no", numbers(con, skip + 2, text.num_rows))
    notes = [] if encoding == "utf-8" else [f"{name} is not UTF-8 text; it was read as Latin-1 (Windows) text"]
    return text, found, notes


def text_table(table: pa.Table, found: dict[str, str | None]) -> pa.Table:
    """A text table built in Python (a workbook sheet, with ``row_no``) as :func:`load_csv` gives a CSV's."""
    return pa.table(
        {
            "row_no": table.column("row_no"),
            **{
                role: table.column(header) if header is not None else pa.nulls(table.num_rows, pa.string())
                for role, header in found.items()
            },
        }
    )
