"""The canonical event model (indicators.md, "The canonical event model").

Every importer returns an :class:`ImportResult`: one Arrow table per event kind with
a fixed schema, the rows it refused, and warnings. Each event row keeps where it
came from (file, sheet, row) so data-quality findings can point back at it, and a
``seq`` that orders rows as they were met (lists in list order, rows in file order):
first-met rules (date of birth, duplicate ties, merging) read that order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from . import codes

Pseudonymiser = Callable[[str], str]

_PROVENANCE = [
    ("source_file", pa.string()),
    ("source_sheet", pa.string()),
    ("source_row", pa.int64()),
    ("seq", pa.int64()),
    # The ReferenceDate of the CIN census file the event was read from: it bounds that
    # file's events only (indicators.md, data-quality exclusions). Empty for other formats.
    ("file_reference_date", pa.date32()),
]


def _schema(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema([("child_id", pa.string()), *fields, *_PROVENANCE])


SCHEMAS: dict[str, pa.Schema] = {
    "child": _schema(
        ("date_of_birth", pa.date32()),
        ("gender", pa.string()),
        ("ethnicity", pa.string()),
        ("disability", pa.string()),
    ),
    "contact": _schema(("contact_date", pa.date32()), ("source", pa.string())),
    "early_help": _schema(("start_date", pa.date32()), ("end_date", pa.date32()), ("organisation", pa.string())),
    "referral": _schema(
        ("referral_date", pa.date32()),
        ("source", pa.string()),
        ("nfa", pa.bool_()),
        ("primary_need", pa.string()),
        ("closure_date", pa.date32()),
        ("closure_reason", pa.string()),
    ),
    "assessment": _schema(("start_date", pa.date32()), ("authorised_date", pa.date32())),
    "s47": _schema(
        ("strategy_date", pa.date32()),
        ("icpc_date", pa.date32()),
        ("icpc_not_required", pa.bool_()),
        ("resulted_in_plan", pa.bool_()),
    ),
    "cpp": _schema(
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("initial_category", pa.string()),
        ("latest_category", pa.string()),
        ("previous_plans", pa.int32()),
    ),
    "care_period": _schema(("start_date", pa.date32()), ("end_date", pa.date32()), ("legal_status", pa.string())),
}

EVENT_KINDS = tuple(SCHEMAS)

# Natural keys for merging several inputs (indicators.md table). The child table is
# not merged by key: every observation of a child is kept, so that the first date of
# birth met and any conflicting one can both be seen.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "contact": ("child_id", "contact_date", "source"),
    "early_help": ("child_id", "start_date"),
    "referral": ("child_id", "referral_date"),
    "assessment": ("child_id", "start_date"),
    "s47": ("child_id", "strategy_date", "icpc_date"),
    "cpp": ("child_id", "start_date"),
    "care_period": ("child_id", "start_date"),
}

CATEGORIES = ("neglect", "emotional", "physical", "sexual", "multiple")


@dataclass(frozen=True)
class RowError:
    """A row refused on import: where it is, which column, the value, and what was expected."""

    file: str
    sheet: str | None
    row: int | None
    column: str
    value: str | None
    expected: str

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
        }


@dataclass
class ImportResult:
    """What an import read: the event tables, the refused rows, and what the reader should know.

    ``warnings`` are real risks (text read as Latin-1, a list no indicator reads);
    ``notes`` are information (a CIN census read as a mid-year extract). ``reference_date``
    is a CIN census file's ReferenceDate (its events carry it too, as
    ``file_reference_date``); ``kind`` the format read ('annex_a', 'cin_census', 'ssda903').
    """

    tables: dict[str, pa.Table]
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reference_date: date | None = None
    notes: list[str] = field(default_factory=list)
    kind: str | None = None

    def row_counts(self) -> dict[str, int]:
        return {kind: self.tables[kind].num_rows for kind in EVENT_KINDS}


def empty_table(kind: str) -> pa.Table:
    return SCHEMAS[kind].empty_table()


def conform(kind: str, table: pa.Table | duckdb.DuckDBPyRelation) -> pa.Table:
    """Cast a table (or DuckDB relation) with the kind's columns to its exact schema."""
    if not isinstance(table, pa.Table):
        table = table.to_arrow_table()
    schema = SCHEMAS[kind]
    columns = [
        table.column(name).cast(schema.field(name).type)
        if name in table.column_names
        else pa.nulls(table.num_rows, schema.field(name).type)  # a reference date only CIN files give
        for name in schema.names
    ]
    return pa.Table.from_arrays(columns, schema=schema)


def new_result(tables: dict[str, pa.Table] | None = None, **kwargs) -> ImportResult:
    tables = dict(tables or {})
    for kind in EVENT_KINDS:
        tables.setdefault(kind, empty_table(kind))
    return ImportResult(tables=tables, **kwargs)


def pseudonymise_tables(tables: dict[str, pa.Table], pseudonymise: Pseudonymiser | None) -> dict[str, pa.Table]:
    """Replace every child_id by ``pseudonymise(child_id)``, calling it once per distinct id."""
    if pseudonymise is None:
        return tables
    distinct = pc.unique(
        pa.chunked_array(
            [chunk for table in tables.values() for chunk in table.column("child_id").chunks],
            type=pa.string(),
        )
    ).drop_null()
    replacements = pa.array([pseudonymise(child_id) for child_id in distinct.to_pylist()], pa.string())
    result = {}
    for kind, table in tables.items():
        positions = pc.index_in(table.column("child_id"), value_set=distinct)
        position = table.schema.get_field_index("child_id")
        result[kind] = table.set_column(position, "child_id", pc.take(replacements, positions))
    return result


def child_keys(identifiers: dict[str, pa.ChunkedArray]) -> dict[str, pa.ChunkedArray]:
    """For each column of child identifiers, the keys its children are matched on.

    When every identifier is a whole number written plainly (digits, no sign, no leading
    zero) the number is the key: one identifier, one number, and whole numbers are
    matched far faster than text. Otherwise (a pseudonym, a leading zero) the key is the
    identifier itself.
    """
    try:
        numbers = {name: pc.cast(column, pa.int64()) for name, column in identifiers.items()}
    except pa.ArrowInvalid:
        return identifiers
    # "007", "-7" and "0x7" cast too; they would not be told from "7".
    for column in identifiers.values():
        if pc.any(pc.or_(pc.starts_with(column, "0"), pc.starts_with(column, "-"))).as_py() is True:
            return identifiers
    return numbers


def merge(results: Sequence[ImportResult]) -> ImportResult:
    """Merge several inputs (indicators.md, "Merging several inputs").

    Within one input every row is its own event. Across inputs, events with the same
    natural key are one event: the first input met keeps it, and fields it left empty
    are filled from the later inputs in order.
    """
    if len(results) == 1:
        return results[0]
    con = codes.connect()
    merged: dict[str, pa.Table] = {}
    for kind in EVENT_KINDS:
        parts = []
        for input_no, result in enumerate(results):
            parts.append(
                result.tables[kind].append_column(
                    "input_no", pa.array([input_no] * result.tables[kind].num_rows, pa.int32())
                )
            )
        con.register("stacked", pa.concat_tables(parts))
        if kind == "child":
            relation = con.sql(
                "SELECT * EXCLUDE (seq, input_no), row_number() OVER (ORDER BY input_no, seq) AS seq "
                "FROM stacked ORDER BY input_no, seq"
            )
        else:
            merged[kind] = _merge_by_key(con, kind)
            con.unregister("stacked")
            continue
        merged[kind] = conform(kind, relation)
        con.unregister("stacked")
    # Each CIN file's ReferenceDate stays with its own events; the merged inputs have none of their own.
    return ImportResult(
        tables=merged,
        errors=[error for result in results for error in result.errors],
        warnings=[warning for result in results for warning in result.warnings],
        notes=[note for result in results for note in result.notes],
    )


def _merge_by_key(con: duckdb.DuckDBPyConnection, kind: str) -> pa.Table:
    key = ", ".join(NATURAL_KEYS[kind])
    fields = [name for name in SCHEMAS[kind].names if name not in NATURAL_KEYS[kind] and name not in dict(_PROVENANCE)]
    fills = "".join(
        f", coalesce({name}, arg_min({name}, (input_no, seq)) FILTER (WHERE input_no > first_input AND {name} IS NOT NULL) "
        f"OVER (PARTITION BY {key})) AS {name}"
        for name in fields
    )
    relation = con.sql(
        f"""
        WITH keyed AS (
            SELECT *, min(input_no) OVER (PARTITION BY {key}) AS first_input FROM stacked
        ), filled AS (
            SELECT {key}{fills}, source_file, source_sheet, source_row, file_reference_date, input_no, first_input, seq
            FROM keyed
        )
        SELECT * EXCLUDE (seq, input_no, first_input), row_number() OVER (ORDER BY input_no, seq) AS seq
        FROM filled WHERE input_no = first_input ORDER BY input_no, seq
        """
    )
    return conform(kind, relation)
