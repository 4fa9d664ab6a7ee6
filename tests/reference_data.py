"""Rows the migrations load (the LADO's criteria), which a database flush empties: put back as the migration does,
after every flush (Django signals ``post_migrate`` when a flush ends, as between transactional tests)."""

import importlib
from functools import cache

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate

CRITERIA_MIGRATION = ("lado", "0002_case_notes_append_only_and_criteria")


@cache
def _historical_apps():
    # The models as the migration saw them: unaudited, as when the migration ran.
    return MigrationLoader(connection).project_state(CRITERIA_MIGRATION).apps


def restore_reference_data(**_signal) -> None:
    migration = importlib.import_module(f"assure.{CRITERIA_MIGRATION[0]}.migrations.{CRITERIA_MIGRATION[1]}")
    migration.add_criteria(_historical_apps(), None)


def restore_after_every_flush() -> None:
    post_migrate.connect(restore_reference_data, dispatch_uid="tests.reference_data")
