"""A complete production environment for subprocess tests: every required setting, none connected to."""

import os
import sys


def production_environment(var_dir) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("ASSURE_", "DJANGO_")) and name not in ("DATABASE_URL", "SECRET_KEY", "DEBUG")
    }
    environment.update(
        ASSURE_ENV="production",
        # Never connected to: the checks read the configuration only.
        DATABASE_URL="postgres://assure_app@127.0.0.1:9/assure",
        SECRET_KEY="x" * 20 + "a-long-random-looking-secret-for-the-check-only-0123456789",
        ASSURE_PSEUDONYMISATION_KEY="a-pseudonymisation-key-for-the-check-only",
        ASSURE_AUDIT_KEY="an-audit-key-for-the-check-only",
        ALLOWED_HOSTS="assure.example.org",
        CSRF_TRUSTED_ORIGINS="https://assure.example.org",
        ASSURE_BASE_URL="https://assure.example.org",
        ASSURE_VAR_DIR=str(var_dir),
        EMAIL_HOST="smtp.example.org",
    )
    return environment


ASSURE = [sys.executable, "-m", "assure.cli"]
