"""Server errors noted for ``assure alerts`` (core.alerts), by a logging handler the settings attach to
``django.request``. It imports nothing of Assure's models: logging is set up before the apps are loaded."""

import logging
import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone


def alerts_dir() -> Path:
    return Path(settings.VAR_DIR) / "alerts"


def server_error_log() -> Path:
    return alerts_dir() / "server-errors.log"


class ServerErrorLog(logging.Handler):
    """Notes each server error (5xx) as one line: its time and status, never the path or the person. Appending one
    short line is atomic, so every gunicorn worker writes to the same file."""

    def emit(self, record: logging.LogRecord) -> None:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            return
        try:
            path = server_error_log()
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            line = f"{timezone.now().isoformat()} {status or 500}\n".encode()
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(descriptor, line)
            finally:
                os.close(descriptor)
        except OSError:
            self.handleError(record)
