import os
import subprocess
import sys


def test_the_production_deploy_check_reports_no_warnings(tmp_path):
    env = {
        **os.environ,
        "ASSURE_ENV": "production",
        "SECRET_KEY": "x" * 20 + "a-long-random-looking-secret-for-the-check-only-0123456789",
        "ASSURE_PSEUDONYMISATION_KEY": "another-test-only-key",
        "ASSURE_AUDIT_KEY": "an-audit-key-for-the-check-only",
        "ALLOWED_HOSTS": "assure.example.org",
        # Never connected to: the checks read the configuration only.
        "DATABASE_URL": "postgres://assure@127.0.0.1:9/assure",
        "ASSURE_VAR_DIR": str(tmp_path),
    }
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    result = subprocess.run(
        [sys.executable, "-m", "assure.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ASSURE_PSEUDONYMISATION_KEY")}
    env.update(ASSURE_ENV="production", ALLOWED_HOSTS="assure.example.org", ASSURE_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "assure.cli", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr
