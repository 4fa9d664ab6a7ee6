"""One environment file for every unit, timer and manual run; production refuses to start without each required
setting, naming it; outside a source checkout nothing starts without ASSURE_ENV."""

import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured

from assure import environment
from tests.ops.production_environment import ASSURE, production_environment


def _check(env) -> subprocess.CompletedProcess:
    return subprocess.run([*ASSURE, "check"], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", list(environment.REQUIRED_IN_PRODUCTION))
def test_production_refuses_to_start_without_a_required_setting_and_names_it(name, tmp_path):
    env = production_environment(tmp_path)
    env[name] = ""
    result = _check(env)
    assert result.returncode != 0
    assert f"{name} must be set in production" in result.stderr


def test_production_refuses_a_database_that_is_not_postgresql(tmp_path):
    env = {**production_environment(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/assure.sqlite3"}
    result = _check(env)
    assert result.returncode != 0 and "DATABASE_URL must be a PostgreSQL database" in result.stderr


def test_the_environment_file_gives_every_run_its_settings(tmp_path):
    env = production_environment(tmp_path)
    settings_file = tmp_path / "assure.env"
    moved = ("ASSURE_ENV", "SECRET_KEY", "EMAIL_HOST", "ASSURE_VAR_DIR")
    settings_file.write_text("# Assure\n\n" + "".join(f"{name}={env.pop(name)}\n" for name in moved))
    env["ASSURE_ENV_FILE"] = str(settings_file)
    result = subprocess.run(
        [*ASSURE, "shell", "-c", "from django.conf import settings; print(settings.ASSURE_ENV, settings.EMAIL_HOST)"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "production smtp.example.org"


def test_variables_already_set_win_over_the_file(tmp_path):
    settings_file = tmp_path / "assure.env"
    settings_file.write_text("EMAIL_HOST=from-the-file\nLOG_LEVEL=INFO\n")
    environ = {"ASSURE_ENV_FILE": str(settings_file), "EMAIL_HOST": "from-the-unit"}
    assert environment.load_environment(environ, source_checkout=True) == settings_file
    assert environ["EMAIL_HOST"] == "from-the-unit" and environ["LOG_LEVEL"] == "INFO"


@pytest.mark.parametrize(
    "line",
    ['SECRET_KEY="quoted"', "export SECRET_KEY=plain", "SECRET_KEY", r"SECRET_KEY=back\slash", "1NAME=value"],
)
def test_a_line_systemd_would_read_differently_is_refused_with_its_number(line, tmp_path):
    settings_file = tmp_path / "assure.env"
    settings_file.write_text(f"ASSURE_ENV=production\n{line}\n")
    with pytest.raises(ImproperlyConfigured, match="line 2"):
        environment.read_env_file(settings_file)


def test_a_named_environment_file_that_is_missing_is_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="is not a file"):
        environment.load_environment({"ASSURE_ENV_FILE": str(tmp_path / "none.env")}, source_checkout=False)


def test_outside_a_checkout_nothing_starts_without_assure_env():
    assert environment.posture({}, source_checkout=True, env_file=None) == "dev"
    with pytest.raises(ImproperlyConfigured, match="ASSURE_ENV is not set"):
        environment.posture({}, source_checkout=False, env_file=None)
    with pytest.raises(ImproperlyConfigured, match="expected production, demo or dev"):
        environment.posture({"ASSURE_ENV": "staging"}, source_checkout=True, env_file=None)
