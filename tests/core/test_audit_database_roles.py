"""On PostgreSQL the application's role may add to and read the logs, and nothing more (docs/deploy.md)."""

import uuid
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from assure.core import chain
from assure.core.database_roles import LOG_TABLES, grant_application_role, grant_statements
from assure.core.models import AccessLogEntry, Agency, AuditEntry, AuditSeal, Sector

DEPLOY_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite has no roles or grants (set DATABASE_URL to a postgres:// database)",
)


def test_the_deploy_guide_shows_the_grants_assure_migrate_applies():
    guide = " ".join(DEPLOY_GUIDE.read_text().split())
    for statement in grant_statements("assure_app"):
        assert f"{statement};" in guide


@postgresql_only
def test_the_application_role_may_only_insert_into_and_select_from_the_logs(partnership):
    role = f"assure_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        # Inside the test's transaction: rolled back, role and grants with it, when the test ends.
        cursor.execute(f"CREATE ROLE {role}")
        grant_application_role(connection, role)  # what `assure migrate` does as the owner
        cursor.execute(f"SET ROLE {role}")
        try:
            # The application's own work goes on: records, their audit entries, access log entries, sealing.
            Agency.objects.create(partnership=partnership, name="Youth Service", sector=Sector.OTHER)
            AccessLogEntry.objects.create(user_label="pat@test.example", event=AccessLogEntry.Event.SIGN_IN)
            assert AuditEntry.objects.filter(object_repr="Youth Service").exists()
            assert chain.seal()["access_log"] == 1
            assert AuditSeal.objects.filter(log="access_log").count() == 1

            refused = [
                *(f"UPDATE {table} SET id = id" for table in LOG_TABLES),
                *(f"DELETE FROM {table}" for table in LOG_TABLES),
                *(f"TRUNCATE {table}" for table in LOG_TABLES),
            ]
            for statement in refused:
                with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic():
                    cursor.execute(statement)
            for table in LOG_TABLES:  # nor take away what guards them
                with pytest.raises(DatabaseError, match="must be owner"), transaction.atomic():
                    cursor.execute(f"DROP TRIGGER {table}_check_insert ON {table}")
        finally:
            cursor.execute("RESET ROLE")
