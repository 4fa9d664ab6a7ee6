import importlib

import pytest
from django.db import DatabaseError, connection, transaction

from assure.core.models import AuditEntry

migration = importlib.import_module("assure.core.migrations.0002_append_only_triggers")


def test_the_database_refuses_to_change_or_delete_audit_entries(police):
    # The test run switches the triggers off (tables are emptied between tests); install
    # them inside this test's transaction, which is rolled back afterwards.
    with connection.cursor() as cursor:
        for statement in migration.trigger_statements(connection.vendor):
            cursor.execute(statement)
    assert AuditEntry.objects.exists()
    for statement in ("UPDATE core_auditentry SET actor_label = 'tampered'", "DELETE FROM core_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert not AuditEntry.objects.filter(actor_label="tampered").exists()
