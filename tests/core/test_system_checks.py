"""Deployment mistakes that would quietly weaken Assure stop it starting (issue 8's custom system checks)."""

import subprocess
import sys

from assure.core import checks
from tests.ops.production_environment import production_environment


def _production_env(tmp_path, **overrides) -> dict:
    """Every required production setting (issue 16), with the one under test changed."""
    return {**production_environment(tmp_path), **overrides}


def _assure(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "assure.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_database_url(tmp_path):
    env = _production_env(tmp_path)
    env.pop("DATABASE_URL", None)
    result = _assure("check", env=env)
    assert result.returncode != 0
    assert "DATABASE_URL must be set in production" in result.stderr


def test_production_settings_on_sqlite_fail_the_checks(tmp_path):
    result = _assure("check", env=_production_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'assure.sqlite3'}"))
    assert result.returncode != 0
    # Refused before the system checks run (assure.E002 stays as the second line of defence).
    assert "DATABASE_URL must be a PostgreSQL database (postgres://…) in production" in result.stderr


def test_a_proxy_without_django_ipware_fails_the_checks(settings, monkeypatch):
    settings.ASSURE_PROXY_COUNT = 1
    monkeypatch.setattr(checks.axes_helpers, "IPWARE_INSTALLED", False)
    [error] = checks.client_address_is_trusted_through_ipware(None)
    assert error.id == "assure.E001"
    assert "every client would look like the proxy" in error.msg


def test_django_ipware_is_installed_and_used_behind_a_proxy(settings):
    settings.ASSURE_PROXY_COUNT = 1
    assert checks.client_address_is_trusted_through_ipware(None) == []


def test_without_a_proxy_ipware_is_not_needed(settings, monkeypatch):
    settings.ASSURE_PROXY_COUNT = 0
    monkeypatch.setattr(checks.axes_helpers, "IPWARE_INSTALLED", False)
    assert checks.client_address_is_trusted_through_ipware(None) == []
