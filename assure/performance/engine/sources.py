"""Each Annex A list of an input, read on its own (decisions.md, "A source").

An upload replaces only the sources it holds: a List-1-only file replaces List 1 and the other
lists stay from their own uploads. So each list is read into its own result, holding its events
and the children's details its own rows give: replacing one list never takes another list's
dates of birth with it. Merged in list order (``events.merge``) the lists give the same events as
the whole input read at once.

List 6 (children in need) makes no events of its own; it adds primary need and closure to the
List 3 referral of the same child and date (``annex_a``). Its result therefore holds its rows as
referrals keyed by child and CIN start date, carrying only those fields: the data in use keeps
those matching a referral of another source and fills them in, and never adds the others.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from . import archive, codes
from .annex_a import LISTS, LoadedList, lists_to_events, load_lists
from .events import ImportResult, Pseudonymiser, conform, pseudonymise_tables
from .faults import ImportRejected, quoted
from .limits import Limits, running, scratch_folder

CHILDREN_IN_NEED = 6
LIST_TITLES = {annex_list.number: annex_list.title for annex_list in LISTS}


@dataclass
class AnnexALists:
    """The lists an input holds, each read on its own, by list number (1 to 8), and what the reader should know
    about the lists no indicator reads (9 to 11)."""

    lists: dict[int, ImportResult]
    notes: list[str] = field(default_factory=list)


def read_annex_a_lists(
    path: str | Path | None = None,
    *,
    name: str | None = None,
    files: list[tuple[Path, str]] | None = None,
    pseudonymise: Pseudonymiser | None = None,
    limits: Limits | None = None,
    on_list: Callable[[int, int, int], None] | None = None,
) -> AnnexALists:
    """Read an Annex A workbook, zip, folder or CSV (``path``), or several list CSVs at once (``files``: each
    path with its name for messages), one list at a time.

    ``on_list(number, position, total)`` is called before each list is read, for progress ("Reading List 3 (3 of
    8)"). Two files or sheets holding the same list refuse the input: which one is meant cannot be known.
    """
    limits = limits or Limits()
    name = name or (str(path) if path is not None else ", ".join(display for _, display in files or []))
    with running(limits, name), codes.connection(limits) as con:
        with _unpacked(Path(path) if path is not None else None, name, limits, files) as csvs:
            parts = load_lists(con, path or "", name=name, limits=limits, files=csvs)
            _refuse_repeated_lists(parts)
            used = sorted((part for part in parts if part.annex_list.used), key=lambda part: part.annex_list.number)
            read = {}
            for position, part in enumerate(used, start=1):
                if on_list is not None:
                    on_list(part.annex_list.number, position, len(used))
                if part.annex_list.number == CHILDREN_IN_NEED:
                    read[CHILDREN_IN_NEED] = _children_in_need(con, part, pseudonymise)
                else:
                    read[part.annex_list.number] = lists_to_events(con, [part], pseudonymise)
            notes = [
                note for part in parts if not part.annex_list.used for note in lists_to_events(con, [part], None).notes
            ]
    for result in read.values():
        result.kind = "annex_a"
    return AnnexALists(lists=read, notes=notes)


@contextmanager
def _unpacked(
    path: Path | None, name: str, limits: Limits, files: list[tuple[Path, str]] | None
) -> Iterator[list[tuple[Path, str]] | None]:
    """The CSVs to read: those given, or a zip's, unpacked into a private folder removed afterwards; None for a
    workbook, folder or single CSV, which ``load_lists`` opens itself."""
    if files is not None:
        yield files
        return
    if path is None or path.is_dir() or not archive.is_zip(path) or archive.is_workbook(path, name, limits):
        yield None
        return
    folder = scratch_folder(limits, "unpacked-")
    try:
        yield archive.unpack_csvs(path, name, folder, limits)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _where(part: LoadedList) -> str:
    return part.file + (f", sheet {quoted(part.sheet)}" if part.sheet else "")


def _refuse_repeated_lists(parts: list[LoadedList]) -> None:
    seen: dict[int, LoadedList] = {}
    for part in parts:
        number = part.annex_list.number
        if number in seen:
            raise ImportRejected(
                f"List {number} ({part.annex_list.title}) is in both {_where(seen[number])} and {_where(part)}; "
                "expected each list once"
            )
        seen[number] = part


def _children_in_need(con: duckdb.DuckDBPyConnection, part: LoadedList, pseudonymise: Pseudonymiser | None):
    """List 6: its children's details and refused rows as any list gives them, and its rows as the referrals they
    complete (child, CIN start date as the referral date, primary need, closure)."""
    result = lists_to_events(con, [part], pseudonymise)
    rows = part.parsed.table
    completing = conform(
        "referral",
        pa.table(
            {
                "child_id": rows.column("child_id"),
                "referral_date": rows.column("cin_start_date"),
                "primary_need": rows.column("primary_need"),
                "closure_date": rows.column("closure_date"),
                "closure_reason": rows.column("closure_reason"),
                "source_file": pa.repeat(pa.scalar(part.file, pa.string()), rows.num_rows),
                "source_sheet": pa.repeat(pa.scalar(part.sheet, pa.string()), rows.num_rows),
                "source_row": rows.column("row_no"),
                "seq": rows.column("row_no"),
            }
        ),
    )
    result.tables["referral"] = pseudonymise_tables({"referral": completing}, pseudonymise)["referral"]
    return result
