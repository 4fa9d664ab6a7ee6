"""Assure's one settings module, driven by environment variables (docs/deploy.md lists every one).

ASSURE_ENV chooses the posture:
- ``production``: everything secure; refuses to start without each setting ``assure.environment`` requires.
- ``demo``: the local demonstration (``make run``): production-like, but served over
  plain HTTP on 127.0.0.1 and with demo users excused from two-factor sign-in.
- ``dev``: a developer's machine: DEBUG on, two-factor sign-in not required.

Outside a source checkout (an installed wheel) ASSURE_ENV must be set and the environment file
(``ASSURE_ENV_FILE``, default /etc/assure/assure.env) is read first, so services and manual runs agree.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from assure.environment import SOURCE_CHECKOUT, load_environment, posture, require_production_settings

BASE_DIR = Path(__file__).resolve().parent
ASSURE_ENV_FILE = load_environment(source_checkout=SOURCE_CHECKOUT)
ASSURE_ENV = posture(source_checkout=SOURCE_CHECKOUT, env_file=ASSURE_ENV_FILE)
PRODUCTION = ASSURE_ENV == "production"
if PRODUCTION:
    require_production_settings()

if os.environ.get("ASSURE_VAR_DIR", "").strip():
    VAR_DIR = Path(os.environ["ASSURE_VAR_DIR"])
elif SOURCE_CHECKOUT:
    VAR_DIR = BASE_DIR.parent / "var"
else:
    raise ImproperlyConfigured(
        "ASSURE_VAR_DIR must be set outside a source checkout: the folder for uploads, data versions and backups"
    )


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _local_secret(filename: str) -> str:
    """A secret kept under var/ for demo and dev machines, made on first use."""
    path = VAR_DIR / filename
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = os.environ["SECRET_KEY"]
    ASSURE_PSEUDONYMISATION_KEY = os.environ["ASSURE_PSEUDONYMISATION_KEY"]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret("secret_key")
    ASSURE_PSEUDONYMISATION_KEY = os.environ.get("ASSURE_PSEUDONYMISATION_KEY") or _local_secret("pseudonymisation_key")
# The key the audit trail and access log are sealed with (core/chain.py). Production must set it: a system
# check refuses to run any command without it.
ASSURE_AUDIT_KEY = os.environ.get("ASSURE_AUDIT_KEY") or ("" if PRODUCTION else _local_secret("audit_key"))

DEBUG = _env_bool("DEBUG", ASSURE_ENV == "dev")
# Signing keys retired by a rotation (docs/deploy.md, "Rotating secrets"): sessions and links signed with them
# still work until they lapse, then the old key is dropped from this list.
SECRET_KEY_FALLBACKS = [key.strip() for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if key.strip()]
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "assure.core",
    "assure.performance",
    "assure.training",
    "assure.audits",
    "assure.actions",
    "assure.lado",
    "assure.reviews",
    # Governance drafts judgements from every other capability's evidence, so its demo loads after theirs.
    "assure.governance",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF's check, the first thing that would read an upload's body.
    "assure.core.uploads.UploadGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "assure.core.middleware.CurrentActorMiddleware",
    "assure.core.middleware.NotStoredMiddleware",
    "assure.core.middleware.SessionLifetimeMiddleware",
    "assure.core.middleware.SignInRequiredMiddleware",
    "assure.core.middleware.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "assure.core.access.AccessLogMiddleware",
]

ROOT_URLCONF = "assure.urls"
WSGI_APPLICATION = "assure.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "assure.core.context_processors.assure",
            ],
        },
    }
]
FORM_RENDERER = "assure.core.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'assure.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker write to one SQLite file: WAL lets them read while
    # the other writes, IMMEDIATE transactions take the write lock up front (no deadlock on upgrade).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too: the browser tests' server answers requests on several threads at
    # once, which an in-memory database serialises with "table is locked" errors.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-assure-{os.getpid()}.sqlite3")}
# On PostgreSQL the application's role may only add to and read the audit trail and access log; migrations and
# restores connect as the tables' owner (docs/deploy.md, "The audit trail"). `assure migrate` uses this alias.
if os.environ.get("ASSURE_MIGRATE_DATABASE_URL"):
    DATABASES["owner"] = {
        **dj_database_url.parse(os.environ["ASSURE_MIGRATE_DATABASE_URL"], conn_max_age=0),
        "TEST": {"MIRROR": "default"},
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:sign-in"

# Lock-out (decisions.md section 1): after 5 failures for one account from one address, that pair is
# refused for 1, 2, 4… minutes up to an hour (assure.core.lockout tells django-axes how long); other
# addresses are unaffected, so nobody can lock a person out from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("ASSURE_SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = "assure.core.lockout.refusal_period"
AXES_HANDLER = "assure.core.lockout.ProgressiveLockoutHandler"
AXES_LOCKOUT_CALLABLE = "assure.core.lockout.locked_out_response"
AXES_USERNAME_CALLABLE = "assure.core.lockout.account_name"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
# A refused attempt during a lock-out is not another failure: the next refusal doubles only after a
# wrong password once the pair may try again.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False


def proxy_settings(proxy_count: int) -> dict:
    """How the client's address is read behind ``proxy_count`` reverse proxies (django-ipware, through axes).

    nginx sets ``X-Forwarded-For`` to ``$remote_addr``, and each proxy in front of it appends the address it
    saw, so the client is the ``proxy_count``-th address from the right. django-ipware counts only the proxies
    listed in the header (one fewer) and, not strict, ignores anything a client put further left. With no
    proxy, headers are never trusted.
    """
    if proxy_count <= 0:
        return {"AXES_IPWARE_PROXY_COUNT": None, "AXES_IPWARE_META_PRECEDENCE_ORDER": ["REMOTE_ADDR"]}
    return {
        "AXES_IPWARE_PROXY_COUNT": proxy_count - 1,
        "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
    }


ASSURE_PROXY_COUNT = int(os.environ.get("ASSURE_PROXY_COUNT", "1" if PRODUCTION else "0"))
AXES_IPWARE_PROXY_COUNT = proxy_settings(ASSURE_PROXY_COUNT)["AXES_IPWARE_PROXY_COUNT"]
AXES_IPWARE_META_PRECEDENCE_ORDER = proxy_settings(ASSURE_PROXY_COUNT)["AXES_IPWARE_META_PRECEDENCE_ORDER"]
AXES_IPWARE_PROXY_ORDER = "left-most"
IPWARE_STRICT = False

# Two-factor sign-in is required for the roles that see child-level or sensitive records.
ASSURE_TWO_FACTOR_REQUIRED = _env_bool("ASSURE_TWO_FACTOR_REQUIRED", ASSURE_ENV in ("production", "demo"))
OTP_TOTP_ISSUER = os.environ.get("ASSURE_TOTP_ISSUER", "Assure")

# Idle timeout: the session cookie is renewed on every request and lapses after this many minutes.
SESSION_COOKIE_AGE = int(os.environ.get("ASSURE_IDLE_TIMEOUT_MINUTES", "30")) * 60
# Absolute lifetime: however busy, a session ends this many hours after signing in.
ASSURE_SESSION_MAX_HOURS = float(os.environ.get("ASSURE_SESSION_MAX_HOURS", "12"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Health checks answer monitoring on the server itself over plain HTTP, rather than redirecting it to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/|$)"]
if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "manifest-src": [SELF],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    # WhiteNoise serves from the finders here; the folder only has to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# GOV.UK Frontend's script and assets are copied into assure/core/static/govuk/ by the build (make assets), so a
# wheel carries them like the compiled CSS: nothing is looked up under node_modules.
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "uploads"}},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files (evidence, extracts) live outside the web root and are only ever served by views
# that check permission; MEDIA_URL is deliberately unset.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest child-level extract an analyst may upload (a large authority's Annex A workbook).
ASSURE_EXTRACT_MAX_BYTES = int(os.environ.get("ASSURE_EXTRACT_MAX_MB", "500")) * 1024 * 1024
# An uploaded extract's files are deleted this many days after it stops being staged or in use (decisions.md).
ASSURE_RAW_EXTRACT_DAYS = int(os.environ.get("ASSURE_RAW_EXTRACT_DAYS", "30"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
# Where people reach Assure, for links in emails sent by scheduled commands (no request to take it from).
ASSURE_BASE_URL = os.environ.get("ASSURE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "assure@localhost")
# The mailbox of the people who run Assure: alerts (server errors, a silent worker, a failed backup verification or
# audit-chain check) go here at once, not through the mail queue.
ASSURE_ALERT_EMAIL = os.environ.get("ASSURE_ALERT_EMAIL", "").strip()
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work waits in the database for `assure db_worker`, one worker per queue: `mail` for every email,
# `heavy` for imports, indicator runs, validation and report rendering, so a long import never delays a
# password-reset email. Only the test suite runs tasks at once (tests/conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["mail", "heavy"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # Server errors noted for `assure alerts` (time and status only).
        "server_errors": {"class": "assure.core.server_errors.ServerErrorLog", "level": "ERROR"},
    },
    "loggers": {"django.request": {"handlers": ["server_errors"], "level": "ERROR", "propagate": True}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING")},
}

# Published counts of children from 1 to this number are shown as [c].
ASSURE_DISCLOSURE_THRESHOLD = int(os.environ.get("ASSURE_DISCLOSURE_THRESHOLD", "4"))
