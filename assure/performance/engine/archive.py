"""Zip files, opened as if hostile: a zip of Annex A list CSVs, and the workbook (also a zip).

Before Python's zipfile reads the central directory (one object per member, however
many the file claims), the member count is read from the archive's end record and
checked. Members are unpacked one chunk at a time, every byte counted as written, and
the unpacking stops before the limit is passed, so a bomb never lands on disk.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from pathlib import Path

from .faults import ImportRejected, LimitExceeded, quoted
from .limits import Limits, check_time, megabytes

# Methods Python reads itself. Others (Deflate64, PPMd…) and encryption are refused by name.
_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "LZMA",
}
_END_RECORD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END_RECORD = b"PK\x06\x06"
_CHUNK = 1024 * 1024
# Read errors a damaged or crafted member raises while it is inflated.
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError, ValueError)


def is_zip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


def is_workbook(path: Path, name: str, limits: Limits) -> bool:
    """True for an .xlsx (a zip holding xl/workbook.xml), false for any other zip.

    A zip declaring more members than either kind may hold is refused before its
    directory is read.
    """
    declared = declared_members(path)
    if declared is not None and declared > max(limits.workbook_parts, limits.zip_members):
        raise LimitExceeded(_too_many(name, declared, limits.zip_members, "files"))
    with open_zip(path, name, limits, most=limits.workbook_parts, what="parts") as archive:
        names = set(archive.namelist())
    return "xl/workbook.xml" in names or "[Content_Types].xml" in names


def _too_many(name: str, declared: int, most: int, what: str) -> str:
    if what == "files":
        return (
            f"{name} holds {declared:,} files, more than the {most:,} a zip of list CSVs may hold; "
            "zip only the list CSVs (one per Annex A list)"
        )
    return f"{name} holds {declared:,} parts, more than the {most:,} a workbook may have; save the workbook again"


def declared_members(path: Path) -> int | None:
    """The member count the archive's end record declares, without reading the central directory."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        tail_size = min(size, 65_536 + 22)
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
        at = tail.rfind(_END_RECORD)
        if at < 0 or len(tail) < at + 22:
            return None
        (members,) = struct.unpack("<H", tail[at + 10 : at + 12])
        locator = tail.rfind(_ZIP64_LOCATOR, 0, at)
        if members == 0xFFFF and locator >= 0 and len(tail) >= locator + 20:
            (offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
            handle.seek(offset)
            record = handle.read(56)
            if record[:4] == _ZIP64_END_RECORD and len(record) == 56:
                (members,) = struct.unpack("<Q", record[32:40])
        return members


def open_zip(path: Path, name: str, limits: Limits, *, most: int, what: str) -> zipfile.ZipFile:
    declared = declared_members(path)
    if declared is None:
        raise ImportRejected(
            f"{name} is damaged: it cannot be opened as a zip or an Excel workbook; save it again and upload it"
        )
    if declared > most:
        raise LimitExceeded(_too_many(name, declared, most, what))
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportRejected(
            f"{name} is damaged: it cannot be opened as a zip or an Excel workbook; save it again and upload it"
        ) from None


def _check_member(member: zipfile.ZipInfo, name: str) -> None:
    where = f"{quoted(member.filename)} in {name}"
    if member.flag_bits & 0x1:
        raise ImportRejected(f"{where} is password-protected; upload the zip without a password")
    if member.compress_type not in _METHODS:
        raise ImportRejected(
            f"{where} is compressed with a method Assure cannot read (method {member.compress_type}); "
            "zip it again with the standard (deflate) compression"
        )


def unpack_csvs(path: Path, name: str, folder: Path, limits: Limits) -> list[tuple[Path, str]]:
    """Unpack a zip's CSV members into ``folder``; each file's path and its name for messages.

    Other members (a read-me, folders) are skipped. Refuses the zip, having written no
    more than the unpacked-size limit, when any limit is reached.
    """
    archive_size = path.stat().st_size
    budget = limits.unpacked_bytes(archive_size)
    written = 0
    files = []
    with open_zip(path, name, limits, most=limits.zip_members, what="files") as archive:
        members = [member for member in archive.infolist() if not member.is_dir()]
        for member in members:
            _check_member(member, name)
        csvs = [member for member in members if member.filename.lower().endswith(".csv")]
        if not csvs:
            raise ImportRejected(f"{name} holds no CSV files; expected one CSV per Annex A list")
        for number, member in enumerate(csvs):
            target = folder / f"{number:03d}.csv"
            display = f"{quoted(member.filename.rsplit('/', 1)[-1])} in {name}"
            # A member's own path (possibly "../..") is never used on disk.
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with archive.open(member) as source:
                    while chunk := source.read(_CHUNK):
                        check_time()
                        if written + len(chunk) > budget:
                            raise LimitExceeded(
                                f"{name} unpacks to more than {megabytes(budget)}, the most a zip of "
                                f"{megabytes(archive_size)} may unpack to ({limits.unpack_ratio} times its size, "
                                f"and never more than {megabytes(2 * limits.extract_max_bytes)}); "
                                "upload the list CSVs unzipped, or a smaller zip"
                            )
                        view = memoryview(chunk)
                        while view:
                            view = view[os.write(descriptor, view) :]
                        written += len(chunk)
            except READ_ERRORS:
                raise ImportRejected(
                    f"{display} cannot be unpacked: the zip is damaged; make the zip again and upload it"
                ) from None
            finally:
                os.close(descriptor)
            files.append((target, display))
    return files


def check_workbook_size(path: Path, name: str, limits: Limits) -> None:
    """A workbook's parts, as declared, within the unpacked-size limit.

    Python's zipfile never inflates a part past its declared size (it stops and reports
    a damaged file), so the declared sizes bound what openpyxl can read.
    """
    with open_zip(path, name, limits, most=limits.workbook_parts, what="parts") as archive:
        members = archive.infolist()
        for member in members:
            _check_member(member, name)
        declared = sum(member.file_size for member in members)
    budget = 2 * limits.extract_max_bytes
    if declared > budget:
        raise LimitExceeded(
            f"{name} unpacks to {megabytes(declared)}, more than the {megabytes(budget)} a workbook may unpack to; "
            "save each list as a CSV and upload a zip of them"
        )
