"""Rows the migrations load (the LADO's criteria), which a database flush empties: put back as the migration does."""

import importlib

from django.db import connection
from django.db.migrations.loader import MigrationLoader

CRITERIA_MIGRATION = ("lado", "0002_case_notes_append_only_and_criteria")


def restore_reference_data() -> None:
    migration = importlib.import_module(f"assure.{CRITERIA_MIGRATION[0]}.migrations.{CRITERIA_MIGRATION[1]}")
    # The models as the migration saw them: unaudited, as when the migration ran.
    historical = MigrationLoader(connection).project_state(CRITERIA_MIGRATION).apps
    migration.add_criteria(historical, None)
