"""Backups with a restore: one archive holds the database and the files, and says what it holds.

An archive (``assure-backup-<UTC time>.tar``) contains:

- ``manifest.json``: when it was made, the database's kind, the rows of every table and the SHA-256 of every file;
- the database: ``database.dump`` (``pg_dump --format=custom``, as the owner) or ``database.sqlite3`` (SQLite's
  online backup API), taken from one snapshot, the row counts from the same snapshot;
- ``var/…``: uploaded files (``uploads``), data versions and extracts' events (``data``) and the audit trail's
  checkpoint (``audit``), by their paths relative to ``ASSURE_VAR_DIR``, so an archive restores on another machine
  under another ``ASSURE_VAR_DIR``.

Keys (``SECRET_KEY``, ``ASSURE_PSEUDONYMISATION_KEY``, ``ASSURE_AUDIT_KEY``) are never in an archive: they live in
the secret store (docs/deploy.md). The checkpoint is copied before the database's snapshot is taken, so the
restored chain always reaches it.

``verify_archive`` restores an archive into a scratch database and compares its rows and files with the manifest;
``restore_archive`` puts an archive in place of the database and files, then checks the same.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from .database_roles import OWNER_ALIAS, grant_application_role

FORMAT = 1
# What of ASSURE_VAR_DIR a backup holds. Not the static files (collectstatic remakes them), scratch space, the
# backups themselves, or a demo machine's made-up keys.
VAR_FOLDERS = ("uploads", "data", "audit")
# Left by an import that was reading when the backup ran: not yet part of any record.
SKIPPED_PREFIXES = ("data/extracts/incoming-", "data/tmp")
ARCHIVE_PREFIX = "assure-backup-"
VERIFICATION_FILE = "last-verification.json"


class BackupError(Exception):
    """A backup, verification or restore that cannot go on; the message says why."""


@dataclass
class Comparison:
    """How a restored database and files compare with the archive's manifest."""

    problems: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def var_dir() -> Path:
    return Path(settings.VAR_DIR)


def backups_dir() -> Path:
    return Path(os.environ.get("ASSURE_BACKUP_DIR") or var_dir() / "backups")


def _sha256(stream) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _var_files() -> Iterator[tuple[str, Path]]:
    """(path relative to ASSURE_VAR_DIR, absolute path) of every file a backup holds."""
    root = var_dir()
    for folder in VAR_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and not path.is_symlink() and not relative.startswith(SKIPPED_PREFIXES):
                yield relative, path


# Databases -------------------------------------------------------------------------------------------------------


def _alias() -> str:
    """Backups and restores connect as the owner (decisions.md section 3) when one is configured."""
    return OWNER_ALIAS if OWNER_ALIAS in settings.DATABASES else DEFAULT_DB_ALIAS


def _vendor() -> str:
    return connections[DEFAULT_DB_ALIAS].vendor


def _postgres_environment(database: dict, name: str | None = None) -> dict:
    """libpq's variables for ``database`` (a settings dict): no password on a command line anyone can read."""
    environment = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if database.get(key):
            environment[variable] = str(database[key])
    environment["PGDATABASE"] = name or database["NAME"]
    return environment


def _postgres_connect(database: dict, name: str | None = None):
    import psycopg

    return psycopg.connect(
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        dbname=name or database["NAME"],
        autocommit=True,
    )


def _postgres_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    )
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(database: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {table: database.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def _dump_postgres(target: Path) -> dict[str, int]:
    """``pg_dump`` as the owner from one exported snapshot, counting rows in that same snapshot."""
    database = settings.DATABASES[_alias()]
    with _postgres_connect(database) as snapshot:
        snapshot.autocommit = False
        cursor = snapshot.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}", "-f", target],
            _postgres_environment(database),
        )
        counts = _postgres_counts(cursor)
        snapshot.rollback()
    return counts


def _dump_sqlite(target: Path) -> dict[str, int]:
    """SQLite's online backup API (consistent while the server and workers write), counted from the copy."""
    source = connections[DEFAULT_DB_ALIAS]
    source.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        source.connection.backup(copy)
        return _sqlite_counts(copy)
    finally:
        copy.close()


def _run(command: list, environment: dict) -> None:
    result = subprocess.run([str(part) for part in command], env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


# Making an archive ----------------------------------------------------------------------------------------------


def create_archive(*, folder: Path | None = None, now: datetime | None = None) -> Path:
    """Write an archive of the database and files into ``folder`` (``ASSURE_BACKUP_DIR``, by default
    ``ASSURE_VAR_DIR/backups``); it appears under its final name only once complete."""
    now = now or timezone.now()
    folder = Path(folder or backups_dir())
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{ARCHIVE_PREFIX}{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.tar"
    final = folder / name
    partial = folder / f".{name}.partial"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".making-") as scratch:
        scratch = Path(scratch)
        # The checkpoint first: the database's snapshot, taken after, holds every entry it names.
        checkpoint = var_dir() / "audit" / "checkpoint.json"
        checkpoint_copy = scratch / "checkpoint.json"
        if checkpoint.is_file():
            shutil.copy2(checkpoint, checkpoint_copy)
        vendor = _vendor()
        database_file = scratch / ("database.dump" if vendor == "postgresql" else "database.sqlite3")
        counts = _dump_postgres(database_file) if vendor == "postgresql" else _dump_sqlite(database_file)
        files = {}
        with tarfile.open(partial, "w") as archive:
            archive.add(database_file, arcname=database_file.name)
            for relative, path in _var_files():
                source = checkpoint_copy if relative == "audit/checkpoint.json" else path
                if not source.exists():
                    continue  # removed since it was listed: its record went with it
                with source.open("rb") as stream:
                    files[relative] = _sha256(stream)
                archive.add(source, arcname=f"var/{relative}")
            manifest = {
                "format": FORMAT,
                "created_at": now.isoformat(),
                "database": {"vendor": vendor, "file": database_file.name},
                "tables": counts,
                "files": files,
            }
            content = json.dumps(manifest, indent=2, sort_keys=True).encode()
            member = tarfile.TarInfo("manifest.json")
            member.size, member.mtime, member.mode = len(content), int(now.timestamp()), 0o600
            archive.addfile(member, io.BytesIO(content))
    partial.chmod(0o600)
    os.replace(partial, final)
    return final


def prune_archives(*, keep_days: int, folder: Path | None = None, now: datetime | None = None) -> list[Path]:
    """Delete archives older than ``keep_days``, always keeping the newest. Returns those deleted."""
    now = now or timezone.now()
    archives = sorted(Path(folder or backups_dir()).glob(f"{ARCHIVE_PREFIX}*.tar"))
    deleted = []
    for archive in archives[:-1]:
        if datetime.fromtimestamp(archive.stat().st_mtime, tz=UTC) < now - timedelta(days=keep_days):
            archive.unlink()
            deleted.append(archive)
    return deleted


def newest_archive(folder: Path | None = None) -> Path:
    archives = sorted(Path(folder or backups_dir()).glob(f"{ARCHIVE_PREFIX}*.tar"))
    if not archives:
        raise BackupError(f"No backup archive in {folder or backups_dir()}.")
    return archives[-1]


# Reading an archive ---------------------------------------------------------------------------------------------


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(archive.extractfile("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError(f"This is not an Assure backup archive: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This archive's format is {manifest.get('format')!r}; this Assure reads format {FORMAT}.")
    return manifest


def _archived_file_problems(archive: tarfile.TarFile, manifest: dict) -> list[str]:
    problems = []
    for relative, expected in manifest["files"].items():
        try:
            stream = archive.extractfile(f"var/{relative}")
        except KeyError:
            problems.append(f"{relative} is in the manifest but not in the archive")
            continue
        if _sha256(stream) != expected:
            problems.append(f"{relative} in the archive does not match its hash")
    return problems


def _compare_counts(expected: dict[str, int], found: dict[str, int], comparison: Comparison) -> None:
    for table, rows in expected.items():
        if table not in found:
            comparison.problems.append(f"table {table} is missing")
        elif found[table] != rows:
            comparison.problems.append(f"table {table} has {found[table]} rows; the backup had {rows}")
    comparison.tables = len(expected)
    comparison.rows = sum(expected.values())


def _compare_files(manifest: dict, root: Path, comparison: Comparison) -> None:
    for relative, expected in manifest["files"].items():
        path = root / relative
        if not path.is_file():
            comparison.problems.append(f"{relative} is missing")
            continue
        with path.open("rb") as stream:
            if _sha256(stream) != expected:
                comparison.problems.append(f"{relative} does not match its hash")
    comparison.files = len(manifest["files"])


@contextmanager
def _extracted_database(archive: tarfile.TarFile, manifest: dict) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="assure-restore-") as scratch:
        archive.extract(manifest["database"]["file"], scratch, filter="data")
        yield Path(scratch) / manifest["database"]["file"]


# Verifying an archive in a scratch database ----------------------------------------------------------------------


def verify_archive(path: Path) -> Comparison:
    """Restore ``path``'s database into a scratch database and compare its rows with the manifest, and check every
    archived file against its hash. Records the outcome for ``assure alerts``."""
    comparison = Comparison()
    with tarfile.open(path) as archive:
        manifest = read_manifest(archive)
        comparison.problems += _archived_file_problems(archive, manifest)
        comparison.files = len(manifest["files"])
        with _extracted_database(archive, manifest) as database_file:
            if manifest["database"]["vendor"] == "postgresql":
                found = _scratch_postgres_counts(database_file)
            else:
                copy = sqlite3.connect(database_file)
                try:
                    found = _sqlite_counts(copy)
                finally:
                    copy.close()
    _compare_counts(manifest["tables"], found, comparison)
    record_verification(path, comparison)
    return comparison


def _scratch_postgres_counts(dump: Path) -> dict[str, int]:
    """Restore into ``ASSURE_BACKUP_VERIFY_DATABASE_URL`` when set, otherwise into a database made for the purpose
    (the owner needs CREATEDB) and dropped after."""
    import dj_database_url

    configured = os.environ.get("ASSURE_BACKUP_VERIFY_DATABASE_URL", "").strip()
    owner = settings.DATABASES[_alias()]
    if configured:
        scratch = dj_database_url.parse(configured)
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", "-d", scratch["NAME"], dump],
            _postgres_environment(scratch),
        )
        with _postgres_connect(scratch) as connection:
            return _postgres_counts(connection.cursor())
    name = f"assure_verify_{uuid.uuid4().hex[:12]}"
    with _postgres_connect(owner) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "-d", name, dump],
            _postgres_environment(owner, name),
        )
        with _postgres_connect(owner, name) as connection:
            return _postgres_counts(connection.cursor())
    finally:
        with _postgres_connect(owner) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


def record_verification(path: Path, comparison: Comparison) -> None:
    folder = backups_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    document = {
        "archive": path.name,
        "verified_at": timezone.now().isoformat(),
        "ok": comparison.ok,
        "problems": comparison.problems[:20],
        "tables": comparison.tables,
        "rows": comparison.rows,
        "files": comparison.files,
    }
    temporary = folder / f".{VERIFICATION_FILE}.tmp"
    temporary.write_text(json.dumps(document, indent=2))
    os.replace(temporary, folder / VERIFICATION_FILE)


def last_verification() -> dict | None:
    path = backups_dir() / VERIFICATION_FILE
    return json.loads(path.read_text()) if path.is_file() else None


# Restoring ------------------------------------------------------------------------------------------------------


def restore_archive(path: Path) -> Comparison:
    """Put ``path``'s database and files in place of the current ones, then compare them with its manifest.

    The database is restored as the owner in one transaction (PostgreSQL) or through SQLite's backup API; the
    files replace ``uploads``, ``data`` and ``audit`` under this machine's ``ASSURE_VAR_DIR``, wherever the
    archive was made. Run ``assure migrate`` afterwards (it grants the application's role its rights again).
    """
    with tarfile.open(path) as archive:
        manifest = read_manifest(archive)
        if manifest["database"]["vendor"] != _vendor():
            raise BackupError(
                f"This archive holds a {manifest['database']['vendor']} database; this Assure uses {_vendor()}."
            )
        problems = _archived_file_problems(archive, manifest)
        if problems:
            raise BackupError("The archive is damaged: " + "; ".join(problems[:5]))
        with _extracted_database(archive, manifest) as database_file:
            _restore_database(database_file, manifest)
        _restore_files(archive, manifest)
    comparison = Comparison()
    _compare_counts(manifest["tables"], _current_counts(), comparison)
    _compare_files(manifest, var_dir(), comparison)
    return comparison


def _restore_database(database_file: Path, manifest: dict) -> None:
    for connection in connections.all():
        connection.close()
    if manifest["database"]["vendor"] == "postgresql":
        owner = settings.DATABASES[_alias()]
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                owner["NAME"],
                database_file,
            ],
            _postgres_environment(owner),
        )
        grant_application_role(connections[_alias()], settings.DATABASES[DEFAULT_DB_ALIAS].get("USER"))
        return
    target = connections[DEFAULT_DB_ALIAS]
    target.ensure_connection()
    source = sqlite3.connect(database_file)
    try:
        source.backup(target.connection)
    finally:
        source.close()


def _restore_files(archive: tarfile.TarFile, manifest: dict) -> None:
    """Extract the archive's files beside the live ones, then swap each folder in whole."""
    root = var_dir()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(dir=root, prefix=".restoring-"))
    try:
        members = [archive.getmember(f"var/{relative}") for relative in manifest["files"]]
        archive.extractall(incoming, members=members, filter="data")
        for folder in VAR_FOLDERS:
            restored = incoming / "var" / folder
            live = root / folder
            replaced = root / f".replaced-{folder}"
            shutil.rmtree(replaced, ignore_errors=True)
            if live.exists():
                live.rename(replaced)
            if restored.exists():
                restored.rename(live)
            else:
                live.mkdir(mode=0o700)
            shutil.rmtree(replaced, ignore_errors=True)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def _current_counts() -> dict[str, int]:
    connection = connections[_alias()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _postgres_counts(cursor)
    connection.ensure_connection()
    return _sqlite_counts(connection.connection)
