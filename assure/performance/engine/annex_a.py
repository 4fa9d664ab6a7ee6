"""Ofsted Annex A Lists 1-8, from a workbook or from a folder of CSV files (one per list).

Lists are recognised by their column headers, not by sheet or file names. Lists 9-11
(care leavers, adoption, adopters) are recognised and skipped: no indicator reads them.
List 6 (children in need) adds primary need and closure to the referral of the same
child and date; it never adds referrals, since it holds one row per child's latest
episode, which List 3 already counts when it falls in List 3's window.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from . import archive, codes
from .events import (
    ImportResult,
    Pseudonymiser,
    RowError,
    child_keys,
    conform,
    new_result,
    pseudonymise_tables,
)
from .faults import ImportRejected, listed, quoted
from .limits import Limits, RowCounter, check_time, running, scratch_folder
from .tabular import (
    Column,
    Parsed,
    TextTableBuilder,
    load_csv,
    match_columns,
    normalise_header,
    numbers,
    parse_table,
    text_table,
)


@dataclass(frozen=True)
class AnnexAList:
    number: int
    title: str
    signature: str  # the header that tells this list from the others
    columns: tuple[Column, ...] = ()

    @property
    def used(self) -> bool:
        return bool(self.columns)


CHILD_ID = Column("child_id", "Child Unique ID", "id", required=True)
CHILD_COLUMNS = (
    CHILD_ID,
    Column("gender", "Gender", "code", codes.GENDER, optional_column=True),
    Column("ethnicity", "Ethnicity", "code", codes.ETHNICITY, optional_column=True),
    Column("date_of_birth", "Date of Birth", "date", optional_column=True),
    Column("disability", "Does the Child have a Disability", "code", codes.DISABILITY, optional_column=True),
)


def _list(number, title, signature, *columns):
    return AnnexAList(number, title, signature, CHILD_COLUMNS + columns)


LISTS = (
    _list(
        1,
        "Contacts",
        "Date of Contact",
        Column("contact_date", "Date of Contact", "date", required=True),
        Column("source", "Contact Source", "code", codes.SOURCE, required=True),
    ),
    _list(
        2,
        "Early help",
        "Assessment start date",
        Column("start_date", "Assessment start date", "date", required=True),
        Column("end_date", "Assessment completion date", "date"),
        Column("organisation", "Organisation completing assessment", "text"),
    ),
    _list(
        3,
        "Referrals",
        "Date of referral",
        Column("referral_date", "Date of referral", "date", required=True),
        Column("source", "Referral Source", "code", codes.SOURCE, required=True),
        Column("nfa", "Referral NFA?", "code", codes.YES_NO, required=True),
    ),
    _list(
        4,
        "Assessments",
        "Continuous Assessment Start Date",
        Column("start_date", "Continuous Assessment Start Date", "date", required=True),
        Column("authorised_date", "Continuous Assessment Date of Authorisation", "date"),
    ),
    _list(
        5,
        "Section 47 enquiries and ICPCs",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        Column("strategy_date", "Strategy discussion initiating Section 47 Enquiry Start Date", "date", required=True),
        Column(
            "icpc_not_required", "Was an Initial Child Protection Conference deemed unnecessary?", "code", codes.YES_NO
        ),
        Column("icpc_date", "Date of Initial Child Protection Conference", "date"),
        Column(
            "resulted_in_plan",
            "Did the Initial Child Protection Conference Result in a Child Protection Plan",
            "code",
            codes.YES_NO,
        ),
    ),
    _list(
        6,
        "Children in need",
        "CIN Start Date",
        Column("cin_start_date", "CIN Start Date", "date", required=True),
        Column("primary_need", "Primary Need Code", "code", codes.PRIMARY_NEED),
        Column("closure_date", "CIN Closure Date", "date"),
        Column("closure_reason", "Reason for Closure", "code", codes.CLOSURE_REASON),
    ),
    _list(
        7,
        "Child protection",
        "Child Protection Plan Start Date",
        Column("start_date", "Child Protection Plan Start Date", "date", required=True),
        Column("initial_category", "Initial Category of Abuse", "code", codes.CATEGORY, required=True),
        Column("latest_category", "Latest Category of Abuse", "code", codes.CATEGORY),
        Column("end_date", "Child Protection Plan End Date", "date"),
        Column("previous_plans", "Number of Previous Child Protection Plans", "count"),
    ),
    _list(
        8,
        "Children in care",
        "Date Started to be Looked After",
        Column("start_date", "Date Started to be Looked After", "date", required=True),
        Column("legal_status", "Child's Legal Status", "code", codes.LEGAL_STATUS, required=True),
        Column("end_date", "Date Ceased to be Looked After", "date"),
    ),
    AnnexAList(9, "Care leavers", "Eligibility Category"),
    AnnexAList(10, "Adoption", "Date of Decision that Child Should be Placed for Adoption"),
    AnnexAList(11, "Adopters", "Individual adopter identifier"),
)

_EVENT_OF_LIST = {1: "contact", 2: "early_help", 3: "referral", 4: "assessment", 5: "s47", 7: "cpp", 8: "care_period"}
_HEADER_MARKERS = {normalise_header("Child Unique ID"), normalise_header("Individual adopter identifier")}


def recognise(headers: list[object]) -> AnnexAList | None:
    names = {normalise_header(header) for header in headers if header is not None}
    for annex_list in LISTS:
        if normalise_header(annex_list.signature) in names:
            return annex_list
    return None


def is_header_row(cells: list[object]) -> bool:
    return any(normalise_header(cell) in _HEADER_MARKERS for cell in cells if cell is not None)


@dataclass
class LoadedList:
    """One list found in an input, read and parsed (``parsed`` is None for a list no indicator reads)."""

    annex_list: AnnexAList
    parsed: Parsed | None
    file: str
    sheet: str | None
    notes: list[str] = field(default_factory=list)  # warnings about how it was read


def read_annex_a(
    path: str | Path,
    *,
    name: str | None = None,
    pseudonymise: Pseudonymiser | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Import an Annex A workbook (.xlsx), a zip or folder of list CSVs, or a single list CSV.

    ``name`` is the input as its owner knows it (the uploaded file's name), used in every
    message and row error; it defaults to the path.
    """
    limits, name = limits or Limits(), name or str(path)
    with running(limits, name), codes.connection(limits) as con:
        with _csv_files_of(Path(path), name, limits) as files:
            parts = load_lists(con, Path(path), name=name, limits=limits, files=files)
            return lists_to_events(con, parts, pseudonymise)


@contextmanager
def _csv_files_of(path: Path, name: str, limits: Limits) -> Iterator[list[tuple[Path, str]] | None]:
    """The list CSVs of a zip, unpacked into a private folder removed afterwards; None for other inputs."""
    if path.is_dir() or not archive.is_zip(path) or archive.is_workbook(path, name, limits):
        yield None
        return
    folder = scratch_folder(limits, "unpacked-")
    try:
        yield archive.unpack_csvs(path, name, folder, limits)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def load_lists(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    *,
    name: str | None = None,
    limits: Limits | None = None,
    files: list[tuple[Path, str]] | None = None,
) -> list[LoadedList]:
    """Find the lists in a workbook, folder or CSV, read each and parse it into canonical values.

    ``files`` gives the CSVs (path, name for messages) when they were unpacked from a zip.
    """
    path, limits = Path(path), limits or Limits()
    name = name or str(path)
    counter = RowCounter(limits, name)
    if files is None and path.is_dir():
        files = [(child, f"{name}/{child.name}") for child in sorted(path.iterdir()) if child.suffix.lower() == ".csv"]
        if not files:
            raise ImportRejected(f"{name} holds no .csv files; expected one CSV per Annex A list")
    if files is not None:
        parts = [_load_csv(con, file, display, counter) for file, display in files]
    elif archive.is_zip(path):
        parts = _load_workbook(con, path, name, limits, counter)
    else:
        parts = [_load_csv(con, path, name, counter)]
    if not any(part.annex_list.used for part in parts):
        raise ImportRejected(
            f"{name} holds no Annex A List 1 to 8; expected sheets or files with the Annex A column headers"
        )
    return parts


def _load_csv(con: duckdb.DuckDBPyConnection, file: Path, name: str, counter: RowCounter) -> LoadedList:
    try:
        with open(file, newline="", encoding="utf-8-sig", errors="replace") as handle:
            # At most the first three rows, each at most a header's width: a bomb has no line ends.
            first_rows = list(islice(csv.reader(_bounded_lines(handle)), 3))
    except (OSError, csv.Error):
        raise ImportRejected(
            f"{name} cannot be read as a CSV file; expected comma-separated text with the list's header row"
        ) from None
    header_index = next((number for number, row in enumerate(first_rows) if is_header_row(row)), None)
    annex_list = recognise(first_rows[header_index]) if header_index is not None else None
    if annex_list is None:
        raise ImportRejected(
            f"{name} is not an Annex A list; expected a header row with “Child Unique ID” and a list's column names"
        )
    if not annex_list.used:
        return LoadedList(annex_list, None, name, None)
    text, found, notes = load_csv(
        con,
        file,
        annex_list.columns,
        name=name,
        skip=header_index,
        pick=lambda headers: _match(annex_list, headers, name, None),
        counter=counter,
    )
    parsed = parse_table(con, text, annex_list.columns, headers=found, file=name, sheet=None)
    return LoadedList(annex_list, parsed, name, None, notes)


def _bounded_lines(handle, most: int = 64 * 1024) -> Iterator[str]:
    """Lines of a text file, each cut at ``most`` characters."""
    while line := handle.readline(most):
        yield line


def _match(annex_list: AnnexAList, headers: list[str], file: str, sheet: str | None) -> dict[str, str | None]:
    found, missing = match_columns(annex_list.columns, headers)
    if missing:
        where = file + (f", sheet {quoted(sheet)}" if sheet else "")
        raise ImportRejected(
            f"{where}: List {annex_list.number} ({annex_list.title}) lacks the column"
            + ("s " if len(missing) > 1 else " ")
            + listed(missing)
            + "; expected the Annex A template's headers"
        )
    return found


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _load_workbook(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, limits: Limits, counter: RowCounter
) -> list[LoadedList]:
    import openpyxl  # only the workbook path needs it

    archive.check_workbook_size(path, name, limits)
    try:
        # Cached values: a formula cell reads as the figure Excel last showed.
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        raise ImportRejected(
            f"{name} cannot be opened as an Excel workbook; expected a workbook saved as .xlsx"
        ) from None
    parts = []
    try:
        for sheet in workbook.worksheets:
            part = _load_sheet(con, sheet, name, limits, counter)
            if part is not None:
                parts.append(part)
    except archive.READ_ERRORS:
        raise ImportRejected(
            f"{name} is damaged: part of the workbook cannot be read; save it again in Excel"
        ) from None
    finally:
        workbook.close()
    return parts


def _load_sheet(con, sheet, name: str, limits: Limits, counter: RowCounter) -> LoadedList | None:
    """One sheet's list, read only as wide as its last recognised header (a cell in column XFD costs nothing)."""
    sheet.reset_dimensions()
    header_row_no, headers = None, None
    candidates = sheet.iter_rows(min_row=1, max_row=5, max_col=limits.header_cells, values_only=True)
    for row_no, row in enumerate(candidates, start=1):
        if is_header_row(list(row)):
            header_row_no, headers = row_no, list(row)
            break
    annex_list = recognise(headers) if headers else None
    if annex_list is None:
        return None  # guidance, codes and front sheets
    if not annex_list.used:
        return LoadedList(annex_list, None, name, sheet.title)
    wanted = {normalise_header(column.header) for column in annex_list.columns}
    width = max(
        position
        for position, header in enumerate(headers, start=1)
        if header is not None and normalise_header(header) in wanted
    )
    names = _unique_headers(headers[:width])
    found = _match(annex_list, names, name, sheet.title)
    builder = TextTableBuilder(names)
    rows = 0
    where = f"{name}, sheet {quoted(sheet.title)},"
    data = sheet.iter_rows(min_row=header_row_no + 1, max_col=width, values_only=True)
    for row_no, row in enumerate(data, start=header_row_no + 1):
        if rows % 10_000 == 0:
            check_time()
        if all(value is None for value in row):
            continue  # spreadsheets end in blank rows, and missing rows come back empty
        rows += 1
        if rows > limits.rows_per_list:
            counter.add(rows, where)
        builder.add(tuple(_cell_text(value) for value in row), row_no)
    counter.add(rows, where)
    text = text_table(builder.table(), found)
    parsed = parse_table(con, text, annex_list.columns, headers=found, file=name, sheet=sheet.title)
    return LoadedList(annex_list, parsed, name, sheet.title)


def _unique_headers(headers: list[object]) -> list[str]:
    names, seen = [], set()
    for position, header in enumerate(headers, start=1):
        name = str(header).strip() if header is not None and str(header).strip() else f"column {position}"
        while name in seen:
            name = f"{name} ({position})"
        seen.add(name)
        names.append(name)
    return names


def lists_to_events(
    con: duckdb.DuckDBPyConnection, parts: list[LoadedList], pseudonymise: Pseudonymiser | None
) -> ImportResult:
    """Put the parsed lists together as the canonical events (the map phase).

    Lists are taken in list order and rows in file order, which is the order events are
    met (``seq``). Each kind's table is its lists' rows with where they came from; the
    child table keeps each child's first row per date of birth; referrals gain List 6's
    primary need and closure. Only those two steps group or join, on narrow keys, in DuckDB.
    """
    errors: list[RowError] = []
    warnings: list[str] = []
    notes: list[str] = []
    pieces: dict[str, list[pa.Table]] = {}
    seq_offset = 0
    for part in sorted(parts, key=lambda part: part.annex_list.number):
        annex_list = part.annex_list
        warnings.extend(part.notes)
        if part.parsed is None:
            where = part.file + (f", sheet {quoted(part.sheet)}" if part.sheet else "")
            notes.append(f"List {annex_list.number} ({annex_list.title}) in {where} is not used by the indicators")
            continue
        errors.extend(part.parsed.errors)
        rows = part.parsed.table
        provenance = {
            "source_file": pa.repeat(pa.scalar(part.file, pa.string()), rows.num_rows),
            "source_sheet": pa.repeat(pa.scalar(part.sheet, pa.string()), rows.num_rows),
            "source_row": rows.column("row_no"),
            "seq": pc.add(rows.column("row_no"), seq_offset),
        }
        rows = rows.drop_columns(["row_no"])
        for name, values in provenance.items():
            rows = rows.append_column(name, values)
        pieces.setdefault(_EVENT_OF_LIST.get(annex_list.number, "cin"), []).append(rows)
        pieces.setdefault("child", []).append(rows)
        seq_offset += part.parsed.last_row + 1
    tables = {
        kind: _events(kind, pieces[kind]) for kind in _EVENT_OF_LIST.values() if kind in pieces and kind != "referral"
    }
    if "child" in pieces:
        tables["child"] = _first_met_children(con, pieces["child"])
    if "referral" in pieces:
        tables["referral"] = _referrals_with_need(con, _events("referral", pieces["referral"]), pieces.get("cin"))
    return new_result(
        pseudonymise_tables(new_result(tables).tables, pseudonymise), errors=errors, warnings=warnings, notes=notes
    )


def _events(kind: str, pieces: list[pa.Table]) -> pa.Table:
    """The kind's rows of each list, one after another, with the kind's exact schema."""
    return pa.concat_tables(conform(kind, piece) for piece in pieces)


def _first_met_children(con: duckdb.DuckDBPyConnection, pieces: list[pa.Table]) -> pa.Table:
    """Each date of birth a child was given, once, as first met (with that row's other details).

    Every list row repeats the child's details, so the first one and any conflicting one
    both stay visible. Only the keys are grouped; the chosen rows are then taken from
    their lists, and only those rows' details decoded.
    """
    identifiers = pa.chunked_array(
        [chunk for piece in pieces for chunk in piece.column("child_id").chunks], pa.string()
    )
    con.register(
        "child_keys",
        pa.table(
            {
                "child_key": child_keys({"child": identifiers})["child"],
                "date_of_birth": pa.chunked_array(
                    [chunk for piece in pieces for chunk in piece.column("date_of_birth").chunks],
                    # Lists with no rows hold no chunks: the type cannot be read from them.
                    pieces[0].schema.field("date_of_birth").type,
                ),
                "position": numbers(con, 0, len(identifiers)),
            }
        ),
    )
    try:
        chosen = (
            con.sql(
                "SELECT min(position) AS position FROM child_keys GROUP BY child_key, date_of_birth ORDER BY position"
            )
            .to_arrow_table()
            .column("position")
        )
    finally:
        con.unregister("child_keys")
    children, start = [], 0
    for piece in pieces:
        end = start + piece.num_rows
        within = chosen.filter(pc.and_(pc.greater_equal(chosen, start), pc.less(chosen, end)))
        children.append(conform("child", piece.take(pc.subtract(within, start))))
        start = end
    return pa.concat_tables(children)


def _referrals_with_need(
    con: duckdb.DuckDBPyConnection, referrals: pa.Table, cin_pieces: list[pa.Table] | None
) -> pa.Table:
    """Referrals with the primary need and closure of List 6's row for the same child and date."""
    if cin_pieces:
        cin_rows = pa.concat_tables(
            piece.select(["child_id", "cin_start_date", "primary_need", "closure_date", "closure_reason", "seq"])
            for piece in cin_pieces
        )
        keys = child_keys({"referral": referrals.column("child_id"), "cin": cin_rows.column("child_id")})
        con.register(
            "referral_keys",
            pa.table(
                {
                    "child_key": keys["referral"],
                    "referral_date": referrals.column("referral_date"),
                    "position": numbers(con, 0, referrals.num_rows),
                }
            ),
        )
        con.register("cin_rows", cin_rows.append_column("child_key", keys["cin"]))
        try:
            need = con.sql(
                """
                WITH cin AS (
                    SELECT child_key, cin_start_date, arg_min(primary_need, seq) AS primary_need,
                           arg_min(closure_date, seq) AS closure_date, arg_min(closure_reason, seq) AS closure_reason
                    FROM cin_rows GROUP BY child_key, cin_start_date
                )
                SELECT cin.primary_need, cin.closure_date, cin.closure_reason
                FROM referral_keys AS r
                LEFT JOIN cin ON cin.child_key = r.child_key AND cin.cin_start_date = r.referral_date
                ORDER BY r.position
                """
            ).to_arrow_table()
        finally:
            con.unregister("referral_keys")
            con.unregister("cin_rows")
        for name in need.column_names:
            referrals = referrals.set_column(referrals.schema.get_field_index(name), name, need.column(name))
    return conform("referral", referrals)
