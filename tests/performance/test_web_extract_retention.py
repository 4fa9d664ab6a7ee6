"""The retention rules (decisions.md): staged extracts unused for 14 days are discarded; uploaded files are deleted
30 days after they stop being staged or in use; the extract in use keeps its files."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from assure.core.permissions import Role
from assure.performance.models import Extract
from assure.performance.services import extracts_apply_retention

from .web_extracts import as_upload, history, upload, use


@pytest.fixture
def analyst_client(client, make_person, council):
    client.force_login(make_person(Role.ANALYST, council))
    return client


def stored_paths(extract) -> list[Path]:
    return [Path(file.stored_file.path) for file in extract.files.all() if file.stored_file]


def test_an_unused_staged_extract_is_discarded_after_14_days_and_its_files_deleted_30_days_later(
    analyst_client, tmp_path, django_capture_on_commit_callbacks
):
    lists = history(tmp_path / "lists", children=100)
    in_use = upload(analyst_client, [as_upload(lists[1])], django_capture_on_commit_callbacks)
    use(analyst_client, in_use, django_capture_on_commit_callbacks)
    staged = upload(analyst_client, [as_upload(lists[2])], django_capture_on_commit_callbacks)
    paths = stored_paths(staged)
    assert paths and all(path.exists() for path in paths)

    assert extracts_apply_retention(now=timezone.now() + timedelta(days=13)).get("staged extracts discarded") is None
    assert Extract.objects.get(pk=staged.pk).status == Extract.Status.READY

    fifteen = timezone.now() + timedelta(days=15)
    assert extracts_apply_retention(now=fifteen)["staged extracts discarded"] == 1
    staged.refresh_from_db()
    assert staged.status == Extract.Status.DISCARDED and all(path.exists() for path in paths)

    assert extracts_apply_retention(now=fifteen + timedelta(days=31))["uploads whose files were deleted"] == 1
    staged.refresh_from_db()
    assert staged.files_deleted_at is not None and not any(path.exists() for path in paths)
    in_use.refresh_from_db()
    assert in_use.status == Extract.Status.IN_USE and in_use.files_deleted_at is None
    assert all(path.exists() for path in stored_paths(in_use))


def test_the_retention_command_says_when_nothing_was_due(db, capsys):
    call_command("apply_extract_retention")
    assert "Nothing was due under the retention rules." in capsys.readouterr().out
