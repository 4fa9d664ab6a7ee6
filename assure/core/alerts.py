"""Alerts for the people who run Assure (``ASSURE_ALERT_EMAIL``), sent at once rather than through the mail queue.

``assure alerts`` runs every five minutes from a timer and tells them, once each time it starts, about:

- **server errors**: ``core.server_errors.ServerErrorLog`` (a logging handler on ``django.request``) notes each
  5xx answer in ``ASSURE_VAR_DIR/alerts/server-errors.log`` (time and status only: no path, no person); the command
  reports those since its last run;
- **a silent worker**: a queue with no worker heartbeat for two minutes (as ``/healthz/worker`` says);
- **backups**: the newest backup's verification failed, or none has been verified for 36 hours.

A systemd unit that fails (the audit chain's nightly check, a backup, a worker crashing over and over) starts
``assure-alert@<unit>``, which runs ``assure alerts --failed-unit <unit>``.
"""

import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

from . import backup, notify
from .jobs import queues_without_worker
from .server_errors import alerts_dir, server_error_log

BACKUP_VERIFIED_WITHIN = timedelta(hours=36)


def _state_path() -> Path:
    return alerts_dir() / "state.json"


def _read_state() -> dict:
    path = _state_path()
    return json.loads(path.read_text()) if path.is_file() else {}


def _write_state(state: dict) -> None:
    path = _state_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2))
    os.replace(temporary, path)


def _new_server_errors(state: dict) -> list[str]:
    path = server_error_log()
    if not path.is_file():
        return []
    size = path.stat().st_size
    offset = state.get("server_errors_offset", 0)
    if offset > size:  # the log was rotated
        offset = 0
    with path.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode(errors="replace").splitlines()
    state["server_errors_offset"] = size
    return [line for line in lines if line.strip()]


def _backup_problem(now: datetime) -> str:
    verification = backup.last_verification()
    if verification is None:
        return "No backup has been verified yet on this server."
    verified_at = datetime.fromisoformat(verification["verified_at"])
    if not verification["ok"]:
        return f"The verification of {verification['archive']} failed: " + "; ".join(verification["problems"][:5])
    if verified_at < now - BACKUP_VERIFIED_WITHIN:
        return (
            f"The newest verified backup, {verification['archive']}, was verified on {verified_at:%d %B %Y at %H:%M}."
        )
    return ""


def check(*, now: datetime | None = None) -> list[str]:
    """Send the alerts due now; returns their subjects. A lasting problem is told once, and again once mended and
    broken anew."""
    now = now or timezone.now()
    state = _read_state()
    sent = []

    def alert_once(key: str, problem: str, subject: str, body: str) -> None:
        if problem and not state.get(key):
            notify.alert_operations(subject=subject, body=body)
            sent.append(subject)
        state[key] = bool(problem)

    errors = _new_server_errors(state)
    if errors:
        subject = f"{len(errors)} server error{'s' if len(errors) != 1 else ''}"
        notify.alert_operations(
            subject=subject,
            body=f"Assure answered {len(errors)} request(s) with a server error between {errors[0].split()[0]} and "
            f"{errors[-1].split()[0]}. The details are in the web server's journal: journalctl -u assure-web",
        )
        sent.append(subject)

    missing = queues_without_worker(now=now)
    alert_once(
        "worker_silent",
        ", ".join(missing),
        "No background worker is running",
        f"No worker has reported for two minutes on the {' and '.join(missing)} queue: imports, computations or "
        "emails are waiting. Check: systemctl status 'assure-worker@*'; journalctl -u 'assure-worker@*'",
    )
    problem = _backup_problem(now)
    alert_once("backup_unverified", problem, "Backups are not verified", f"{problem} See docs/deploy.md, Backups.")
    _write_state(state)
    return sent


def unit_failed(unit: str) -> None:
    notify.alert_operations(
        subject=f"{unit} failed",
        body=f"The systemd unit {unit} failed at {timezone.localtime():%d %B %Y %H:%M}. "
        f"What it said: journalctl -u {unit} --since today",
    )
