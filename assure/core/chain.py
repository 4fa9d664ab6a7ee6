"""The keyed hash chain over the audit trail and the access log, and its checkpoint outside the database.

Each log is a chain of its own: in id order, ``hash_n = HMAC-SHA256(ASSURE_AUDIT_KEY, hash_{n-1} ‖
canonical JSON of entry n)``, with ``hash_0`` empty. ``seal`` (``assure seal_audit_trail``, every
minute) adds the links of new entries as ``AuditSeal`` rows and writes the newest link to a
checkpoint file under ``ASSURE_VAR_DIR``; ``verify`` (``assure verify_audit_trail``) recomputes every
link and reports:

- an entry changed after it was sealed (its link no longer matches);
- an entry deleted (a seal without its entry), or an entry and its seal deleted together (the next
  link no longer follows);
- the newest entries deleted with their seals (the chain no longer reaches the checkpoint);
- an entry added back-dated: timed before the entries written before it, or slipped in below entries
  already sealed.

Without the key nobody can rebuild a chain that matches; without the checkpoint file nobody can cut its
end off unseen. The triggers and the database role (``migrations/0004_audit_sealed_trail.py``,
``database_roles.py``) stop the application itself from changing anything.
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import AccessLogEntry, AuditEntry, AuditSeal, User
from .notify import notify
from .permissions import Role

# The advisory lock that every insert into the logs holds (shared) until its transaction ends, on
# PostgreSQL; the migration that installs the insert triggers holds its own copy of this number.
SEAL_LOCK = 7_201_945_117
LOGS = {AuditSeal.Log.AUDIT_TRAIL: AuditEntry, AuditSeal.Log.ACCESS_LOG: AccessLogEntry}
# Entries are timed by the database as their statement starts, and take their ids a moment later, so two
# writing at once can be timed a little out of id order. An entry timed further back than this before an
# entry written before it was back-dated.
BACK_DATING_TOLERANCE = timedelta(minutes=5)
SEALS_PER_TRANSACTION = 5000
PROBLEMS_LISTED = 50


class ChainBroken(Exception):
    """The logs no longer lead to the checkpoint: sealing would hide what happened."""


class SealingBusy(Exception):
    """Entries are being written in a transaction that has not finished: seal them next time."""


@dataclass(frozen=True)
class Problem:
    log: str
    entry_id: int | None
    message: str

    def __str__(self):
        where = (
            f"{AuditSeal.Log(self.log).label}, entry {self.entry_id}"
            if self.entry_id
            else AuditSeal.Log(self.log).label
        )
        return f"{where}: {self.message}"


def _columns(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _plain(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def canonical_json(row: dict) -> bytes:
    """An entry as the chain hashes it: its columns by name, sorted, times in UTC, empty values left out (so a
    column added later, empty in older entries, leaves their links as they were)."""
    present = {name: _plain(value) for name, value in row.items() if value not in (None, "", {}, [])}
    return json.dumps(present, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(previous: str, row: dict, key: str | None = None) -> str:
    key = key if key is not None else settings.ASSURE_AUDIT_KEY
    return hmac.new(key.encode(), previous.encode() + canonical_json(row), hashlib.sha256).hexdigest()


# The checkpoint --------------------------------------------------------------------------------------------------


def checkpoint_path() -> Path:
    return Path(settings.VAR_DIR) / "audit" / "checkpoint.json"


def read_checkpoint() -> dict:
    path = checkpoint_path()
    return json.loads(path.read_text()) if path.exists() else {}


def write_checkpoint(heads: dict[str, AuditSeal], *, restart: bool = False) -> None:
    """Record each log's newest link, replacing the file whole so that a crash never leaves half of one.

    The checkpoint only moves on (the sealing job may have moved it further meanwhile), unless it ``restart``s.
    """
    path = checkpoint_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    document = {} if restart else read_checkpoint()
    for log, seal in heads.items():
        if seal.entry_id >= document.get(log, {}).get("entry_id", 0):
            document[log] = {"entry_id": seal.entry_id, "hash": seal.hash, "sealed_at": _plain(seal.sealed_at)}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(document, indent=2))
    temporary.chmod(0o600)
    os.replace(temporary, path)


def _checkpoint_problem(log: str, checkpoint: dict | None, head: AuditSeal | None) -> Problem | None:
    """Whether the sealed chain still reaches the link the checkpoint recorded."""
    if checkpoint is None:
        if head is None:
            return None
        return Problem(
            log,
            None,
            f"the checkpoint file {checkpoint_path()} is missing, so nobody can tell whether the newest "
            "entries were removed. If the database was restored from a backup, check the restore and run "
            "‘assure verify_audit_trail --new-checkpoint’.",
        )
    recorded = AuditSeal.objects.filter(log=log, entry_id=checkpoint["entry_id"]).first()
    if recorded is None:
        newest = f"entry {head.entry_id}" if head else "no entry at all"
        return Problem(
            log,
            checkpoint["entry_id"],
            f"the checkpoint records entries up to this one as sealed, but the seals now end at {newest}: "
            "the newest entries and their seals were removed.",
        )
    if recorded.hash != checkpoint["hash"]:
        return Problem(
            log,
            checkpoint["entry_id"],
            "the chain no longer leads to the link the checkpoint recorded: seals up to this entry were replaced.",
        )
    return None


# Sealing ---------------------------------------------------------------------------------------------------------


def _wait_for_writers() -> None:
    """Wait until every transaction that added entries has finished, so none can appear below the new head.

    SQLite has one writer at a time and the sealing transaction is one (IMMEDIATE). On PostgreSQL the insert
    triggers hold a shared advisory lock: take it exclusively, for a few seconds at most (writers queue
    behind a waiting sealer).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '5s'")
        try:
            with transaction.atomic():
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
        except OperationalError as busy:
            raise SealingBusy(
                "Entries are being written in a long transaction; they will be sealed next time."
            ) from busy


def _seal_some(log: str) -> tuple[int, AuditSeal | None]:
    model = LOGS[log]
    with transaction.atomic():
        _wait_for_writers()
        head = AuditSeal.objects.filter(log=log).order_by("-entry_id").first()
        problem = _checkpoint_problem(log, read_checkpoint().get(log), head)
        if problem:
            raise ChainBroken(str(problem))
        previous = head.hash if head else ""
        rows = model.objects.order_by("pk").values(*_columns(model))
        if head:
            rows = rows.filter(pk__gt=head.entry_id)
        seals = []
        for row in rows[:SEALS_PER_TRANSACTION]:
            previous = link(previous, row)
            seals.append(AuditSeal(log=log, entry_id=row["id"], hash=previous))
        AuditSeal.objects.bulk_create(seals)
    new_head = AuditSeal.objects.filter(log=log).order_by("-entry_id").first() if seals else head
    return len(seals), new_head


def seal() -> dict[str, int]:
    """Add the links of every entry not yet sealed, log by log, and move the checkpoint on. Returns how many."""
    sealed = {}
    for log in LOGS:
        sealed[log] = 0
        while True:
            count, head = _seal_some(log)
            if count:
                write_checkpoint({log: head})
            sealed[log] += count
            if count < SEALS_PER_TRANSACTION:
                break
    return sealed


# Verifying -------------------------------------------------------------------------------------------------------


def _verify_log(log: str) -> tuple[list[Problem], AuditSeal | None, int]:
    """Every problem in one log's entries and links, the newest seal, and how many entries there are."""
    model = LOGS[log]
    problems = []
    # The sealing job may run meanwhile. Seals up to the head read first are all there before either list is
    # read, and so are their entries (the job waited for their transactions): both lists agree up to it.
    newest = AuditSeal.objects.filter(log=log).order_by("-entry_id").values_list("entry_id", flat=True).first()
    seals = AuditSeal.objects.filter(log=log, entry_id__lte=newest or 0).order_by("entry_id").iterator(chunk_size=2000)
    entries = model.objects.order_by("pk").values(*_columns(model)).iterator(chunk_size=2000)
    entry = next(entries, None)
    previous_hash, latest_at, count, head = "", None, 0, None

    def check_time(row) -> None:
        nonlocal latest_at
        if latest_at is not None and row["at"] < latest_at - BACK_DATING_TOLERANCE:
            problems.append(
                Problem(
                    log,
                    row["id"],
                    f"it is timed {_when(row['at'])}, before entries written ahead of it "
                    f"(one timed {_when(latest_at)}): it was added back-dated.",
                )
            )
        latest_at = row["at"] if latest_at is None else max(latest_at, row["at"])

    for seal_row in seals:
        while entry is not None and entry["id"] < seal_row.entry_id:
            problems.append(
                Problem(log, entry["id"], "it was slipped in below entries already sealed: it was added back-dated.")
            )
            check_time(entry)
            count, entry = count + 1, next(entries, None)
        if entry is None or entry["id"] != seal_row.entry_id:
            problems.append(
                Problem(log, seal_row.entry_id, f"it was deleted (it was sealed {_when(seal_row.sealed_at)}).")
            )
        else:
            if link(previous_hash, entry) != seal_row.hash:
                problems.append(
                    Problem(
                        log,
                        entry["id"],
                        "it no longer matches its seal: it was changed after it was written, "
                        "or an entry before it was removed together with its seal.",
                    )
                )
            check_time(entry)
            count, entry = count + 1, next(entries, None)
        previous_hash, head = seal_row.hash, seal_row
    while entry is not None:
        check_time(entry)
        count, entry = count + 1, next(entries, None)
    return problems, head, count


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %b %Y %H:%M:%S")


@dataclass(frozen=True)
class Verification:
    problems: list[Problem]
    counts: dict[str, int]
    heads: dict[str, AuditSeal | None]


def verify(*, new_checkpoint: bool = False) -> Verification:
    """Recompute every link of both logs and compare the chain's end with the checkpoint.

    When nothing is wrong, the checkpoint moves to the newest seals. ``new_checkpoint`` is for after a
    restore from backup, which loses the entries written since: every link is still checked, and the
    checkpoint starts again from the chain as it now stands.
    """
    checkpoint = read_checkpoint()
    problems, counts, heads = [], {}, {}
    for log in LOGS:
        found, heads[log], counts[log] = _verify_log(log)
        problems += found
        cut = None if new_checkpoint else _checkpoint_problem(log, checkpoint.get(log), heads[log])
        problems += [cut] if cut else []
    if not problems:
        write_checkpoint({log: head for log, head in heads.items() if head is not None}, restart=new_checkpoint)
    return Verification(problems, counts, heads)


def partnership_admins():
    today = timezone.localdate()
    return User.objects.filter(
        Q(role_assignments__ended_on__isnull=True) | Q(role_assignments__ended_on__gt=today),
        is_active=True,
        role_assignments__role=Role.PARTNERSHIP_ADMIN,
        role_assignments__started_on__lte=today,
    ).distinct()


def report_failure(problems: list[Problem]) -> None:
    """Email every partnership admin that the check failed, with what it found (entry numbers, never contents)."""
    listed = "\n".join(f"- {problem}" for problem in problems[:PROBLEMS_LISTED])
    more = f"\n…and {len(problems) - PROBLEMS_LISTED} more." if len(problems) > PROBLEMS_LISTED else ""
    notify(
        to=partnership_admins(),
        subject="The audit trail failed its integrity check",
        body=(
            "Assure's nightly check of the audit trail and access log found entries that were changed, removed "
            f"or added outside Assure:\n\n{listed}{more}\n\n"
            "Keep the database as it is and tell whoever looks after Assure's server and your information "
            "governance lead today. The check runs again every night until the trail is restored."
        ),
        path=reverse("core:audit-trail"),
    )


# Configuration ---------------------------------------------------------------------------------------------------


@checks.register(checks.Tags.security)
def audit_key_is_set(app_configs, **kwargs):
    """Production seals the trail with a key the operator keeps; only demo and development machines make their own."""
    if settings.ASSURE_ENV == "production" and not settings.ASSURE_AUDIT_KEY:
        return [
            checks.Error(
                "ASSURE_AUDIT_KEY is not set.",
                hint="Set ASSURE_AUDIT_KEY to a long random secret (docs/deploy.md, ‘The audit trail’). "
                "Without it the audit trail and access log cannot be sealed or checked.",
                id="assure.audit.E001",
            )
        ]
    return []
