"""Where Assure's settings come from: the process environment and one environment file.

Every systemd unit, timer and manual run of ``assure`` on a server reads the same file, ``ASSURE_ENV_FILE``
(``/etc/assure/assure.env`` unless set), so a command typed by hand runs exactly as the services do and never
falls back to a developer's settings. Variables already in the process environment win over the file, so a
unit's ``Environment=`` line or a one-off ``VAR=… assure …`` still applies.

The file is the format systemd's ``EnvironmentFile=`` reads, kept to its plain subset so both read it alike:
``NAME=value`` lines, blank lines and ``#`` comments. Anything else (quotes, ``export``, a line without ``=``)
is refused with its line number rather than read differently by the two.

This module is imported by the settings before Django is configured: it must not import Django's settings.
"""

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DEFAULT_ENV_FILE = Path("/etc/assure/assure.env")
# A source checkout keeps pyproject.toml beside the package; an installed wheel sits in site-packages, where
# nothing of Assure's may be written and nothing of the checkout (node_modules, var/) exists.
SOURCE_CHECKOUT = (Path(__file__).resolve().parent.parent / "pyproject.toml").is_file()
POSTURES = ("production", "demo", "dev")

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# What production refuses to start without (decisions.md section 5), in the order they are checked, with what
# each is, for the message that names the one missing.
REQUIRED_IN_PRODUCTION = {
    "DATABASE_URL": "the application's PostgreSQL connection, postgres://assure_app:…@host:5432/assure",
    "SECRET_KEY": "Django's signing key, long and random",
    "ASSURE_PSEUDONYMISATION_KEY": "the key child identifiers are pseudonymised with",
    "ASSURE_AUDIT_KEY": "the key the audit trail and access log are sealed with",
    "ALLOWED_HOSTS": "the host names people use, comma-separated",
    "CSRF_TRUSTED_ORIGINS": "the address people use, https://…",
    "ASSURE_BASE_URL": "the address links in emails point to, https://…",
    "ASSURE_VAR_DIR": "the folder for uploads, data versions, backups and the audit checkpoint",
    "EMAIL_HOST": "the mail server Assure sends through",
}


def read_env_file(path: Path) -> dict[str, str]:
    """The variables ``path`` sets, refusing any line systemd and Assure might read differently."""
    variables = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        name = name.strip()
        if not equals or not _NAME.fullmatch(name):
            raise ImproperlyConfigured(f"{path}, line {number}: expected NAME=value, found {raw.strip()[:40]!r}")
        value = value.strip()
        if value[:1] in ("'", '"') or "\\" in value:
            raise ImproperlyConfigured(
                f"{path}, line {number}: write {name}'s value without quotes or backslashes "
                "(systemd and Assure would read them differently)"
            )
        variables[name] = value
    return variables


def load_environment(environ=os.environ, *, source_checkout: bool) -> Path | None:
    """Add the environment file's variables to ``environ`` (without replacing any already set).

    Outside a source checkout the file is ``/etc/assure/assure.env`` unless ``ASSURE_ENV_FILE`` names another; in
    a checkout (make run, make test) only a file ``ASSURE_ENV_FILE`` names is read. Returns the file read, if any.
    """
    named = environ.get("ASSURE_ENV_FILE", "").strip()
    if named:
        path = Path(named)
        if not path.is_file():
            raise ImproperlyConfigured(f"ASSURE_ENV_FILE is {named}, which is not a file")
    elif source_checkout or not DEFAULT_ENV_FILE.is_file():
        return None
    else:
        path = DEFAULT_ENV_FILE
    for name, value in read_env_file(path).items():
        environ.setdefault(name, value)
    return path


def posture(environ=os.environ, *, source_checkout: bool, env_file: Path | None) -> str:
    """``ASSURE_ENV``: production, demo or dev. Only a source checkout may leave it unset (and get dev): an installed
    Assure that found no setting must not start as a developer's machine, with DEBUG on and keys made up."""
    value = environ.get("ASSURE_ENV", "").strip()
    if not value:
        if source_checkout:
            return "dev"
        where = f"the environment file {env_file}" if env_file else f"the environment file ({DEFAULT_ENV_FILE})"
        raise ImproperlyConfigured(
            f"ASSURE_ENV is not set. Outside a source checkout Assure starts only with ASSURE_ENV=production "
            f"(or demo or dev) set in {where} or in ASSURE_ENV_FILE's file."
        )
    if value not in POSTURES:
        raise ImproperlyConfigured(f"ASSURE_ENV is {value!r}; expected production, demo or dev")
    return value


def require_production_settings(environ=os.environ) -> None:
    """Refuse to start, naming the first setting production lacks (an empty value counts as missing)."""
    for name, meaning in REQUIRED_IN_PRODUCTION.items():
        if not environ.get(name, "").strip():
            raise ImproperlyConfigured(f"{name} must be set in production: {meaning} (see docs/deploy.md)")
    if not environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must be a PostgreSQL database (postgres://…) in production")
