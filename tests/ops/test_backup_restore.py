"""Backups with a restore: the demo partnership backed up, wiped, and restored under another ASSURE_VAR_DIR gives the
same rows in every table, the same files, and an audit chain that verifies (SQLite here and in the PostgreSQL run of
the suite)."""

import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command

from assure.core import backup
from assure.performance import services
from assure.performance.models import DataVersion

QUIET = {"stdout": open("/dev/null", "w")}  # noqa: SIM115 - open for the module's life


def use_var_dir(settings, folder: Path) -> None:
    settings.VAR_DIR = folder
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder / "uploads"},
        },
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_backed_up_wiped_and_restored_elsewhere_is_the_same(settings, tmp_path):
    first_machine, second_machine = tmp_path / "first" / "var", tmp_path / "second" / "var"
    use_var_dir(settings, first_machine)
    call_command("demo", **QUIET)
    call_command("seal_audit_trail", **QUIET)

    call_command("backup", to=tmp_path / "backups", **QUIET)
    archive = backup.newest_archive(tmp_path / "backups")
    with tarfile.open(archive) as opened:
        manifest = backup.read_manifest(opened)
    before = backup._current_counts()
    assert manifest["tables"] == before
    assert before["core_auditentry"] > 0 and before["performance_dataversion"] > 0
    kinds = {relative.split("/")[0] for relative in manifest["files"]}
    assert kinds == {"uploads", "data", "audit"}

    call_command("flush", "--no-input", **QUIET)
    assert backup._current_counts()["core_user"] == 0

    use_var_dir(settings, second_machine)
    call_command("restore", str(archive), "--yes", **QUIET)

    assert backup._current_counts() == before
    restored = {relative: backup._sha256((second_machine / relative).open("rb")) for relative in manifest["files"]}
    assert restored == manifest["files"]
    version = DataVersion.objects.order_by("-pk").first()
    assert services.version_folder(version).is_relative_to(second_machine)
    assert any(services.version_folder(version).iterdir())
    call_command("verify_audit_trail", **QUIET)


@pytest.mark.django_db(transaction=True)
def test_verification_restores_into_a_scratch_database_and_finds_a_damaged_archive(settings, tmp_path, admin_user):
    use_var_dir(settings, tmp_path / "var")
    (tmp_path / "var" / "uploads").mkdir(parents=True)
    (tmp_path / "var" / "uploads" / "evidence.pdf").write_bytes(b"%PDF-1.4 the policy")
    archive = backup.create_archive(folder=tmp_path / "backups")

    comparison = backup.verify_archive(archive)
    assert comparison.ok, comparison.problems
    assert comparison.files == 1 and comparison.rows == sum(backup._current_counts().values())
    assert backup.last_verification()["ok"] is True

    damaged = tmp_path / "backups" / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "var/uploads/evidence.pdf":
                content = b"%PDF-1.4 another policy"
                member.size = len(content)
            import io

            target.addfile(member, io.BytesIO(content))
    comparison = backup.verify_archive(damaged)
    assert comparison.problems == ["uploads/evidence.pdf in the archive does not match its hash"]
    assert backup.last_verification()["ok"] is False


def test_old_archives_are_deleted_but_never_the_newest(tmp_path):
    import os
    import time

    old = tmp_path / "assure-backup-20200101T000000Z.tar"
    newest = tmp_path / "assure-backup-20200102T000000Z.tar"
    for path in (old, newest):
        path.write_bytes(b"")
        os.utime(path, (time.time() - 90 * 86400,) * 2)
    assert backup.prune_archives(keep_days=35, folder=tmp_path) == [old]
    assert newest.exists()
