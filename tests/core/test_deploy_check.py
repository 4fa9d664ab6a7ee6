import subprocess

from tests.ops.production_environment import ASSURE, production_environment


def test_the_production_deploy_check_reports_no_warnings(tmp_path):
    result = subprocess.run(
        [*ASSURE, "check", "--deploy", "--fail-level", "WARNING"],
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
