"""The limits every import runs under, wherever it runs (decisions.md, "Limits per upload").

An upload is hostile until read: a small zip can inflate to gigabytes, a workbook can
claim a cell in column XFD on every row, an XML header can hold millions of empty
elements. Each limit below refuses the file when reached and names itself, so the
person uploading knows what to change. The engine has no Django: the web application
builds a :class:`Limits` from its settings, the command line uses the defaults.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .faults import LimitExceeded

MEGABYTE = 1024 * 1024


def _default_extract_max_bytes() -> int:
    return int(os.environ.get("ASSURE_EXTRACT_MAX_MB", "500")) * MEGABYTE


def _default_scratch_dir() -> Path:
    var_dir = os.environ.get("ASSURE_VAR_DIR")
    return Path(var_dir) / "tmp" if var_dir else Path(tempfile.gettempdir())


@dataclass(frozen=True)
class Limits:
    """What one import may use. The defaults are decisions.md's."""

    zip_members: int = 20
    # unpacked bytes at most min(unpack_ratio x the archive's size, 2 x the largest upload)
    unpack_ratio: int = 30
    extract_max_bytes: int = field(default_factory=_default_extract_max_bytes)
    rows_per_list: int = 5_000_000
    rows_in_all: int = 20_000_000
    header_cells: int = 100
    cin_header_elements: int = 1_000
    # A real child's record holds a few hundred elements; the whole <Child> is kept until read.
    cin_child_elements: int = 100_000
    # A workbook is a zip of its parts; real ones have a few dozen.
    workbook_parts: int = 1_000
    seconds: float = 15 * 60
    duckdb_memory: str = "2GB"
    scratch_dir: Path = field(default_factory=_default_scratch_dir)

    def unpacked_bytes(self, archive_size: int) -> int:
        return min(self.unpack_ratio * archive_size, 2 * self.extract_max_bytes)


def megabytes(size: int) -> str:
    return f"{size / MEGABYTE:,.0f} MB" if size >= MEGABYTE else f"{size / 1024:,.0f} KB"


# The running import's clock: set by ``running`` and read by every loop that could run long.
_deadline: ContextVar[_Deadline | None] = ContextVar("assure_import_deadline", default=None)


class _Deadline:
    def __init__(self, seconds: float, name: str):
        self.seconds = seconds
        self.name = name
        self.ends = time.monotonic() + seconds
        self.connections: weakref.WeakSet = weakref.WeakSet()
        self.expired = False
        self.lock = threading.Lock()

    def message(self) -> str:
        minutes = self.seconds / 60
        spent = f"{minutes:g} minutes" if minutes >= 1 else f"{self.seconds:g} seconds"
        return (
            f"{self.name} took longer than {spent} to read, the most an import may take; "
            "split it into smaller files and upload them one at a time"
        )

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.ends

    def expire(self) -> None:
        # Called from the timer thread: DuckDB stops the running query, Python loops stop
        # at their next check.
        with self.lock:
            self.expired = True
            for connection in list(self.connections):
                connection.interrupt()


@contextmanager
def running(limits: Limits, name: str) -> Iterator[None]:
    """Run the import of ``name`` under its wall-clock limit. Nested calls keep the outer clock."""
    if _deadline.get() is not None:
        yield
        return
    deadline = _Deadline(limits.seconds, name)
    timer = threading.Timer(limits.seconds, deadline.expire)
    timer.daemon = True
    token = _deadline.set(deadline)
    timer.start()
    try:
        yield
    except duckdb.InterruptException:
        raise LimitExceeded(deadline.message()) from None
    finally:
        timer.cancel()
        _deadline.reset(token)


def check_time() -> None:
    """Refuse the import if its wall clock has run out (called from loops over rows or elements)."""
    deadline = _deadline.get()
    if deadline is not None and deadline.passed():
        raise LimitExceeded(deadline.message())


def watch(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Let the running import's clock interrupt this connection's queries."""
    deadline = _deadline.get()
    if deadline is not None:
        with deadline.lock:
            if deadline.passed():
                raise LimitExceeded(deadline.message())
            deadline.connections.add(connection)
    return connection


def scratch_folder(limits: Limits, prefix: str) -> Path:
    """A private folder (0700) under the scratch directory, for unpacked files and DuckDB's spill."""
    limits.scratch_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=limits.scratch_dir))


def remove_later(owner: object, folder: Path) -> None:
    """Delete ``folder`` when ``owner`` is garbage-collected (or at exit)."""
    weakref.finalize(owner, shutil.rmtree, folder, True)


class RowCounter:
    """Counts the rows an import has read, list by list, against the row limits."""

    def __init__(self, limits: Limits, upload: str):
        self.limits = limits
        self.upload = upload  # the name of the whole upload, for the limit on all its rows
        self.total = 0

    def add(self, rows: int, where: str) -> None:
        if rows > self.limits.rows_per_list:
            raise LimitExceeded(
                f"{where} has more than {self.limits.rows_per_list:,} rows, the most one list may have; "
                "split the extract into smaller files"
            )
        self.total += rows
        if self.total > self.limits.rows_in_all:
            raise LimitExceeded(
                f"{self.upload} has more than {self.limits.rows_in_all:,} rows in all, the most one upload may have; "
                "split the extract into smaller files"
            )
