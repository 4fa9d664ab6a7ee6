import importlib
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from assure.core.audit import acting_as
from assure.core.models import AccessLogEntry, Agency, AuditEntry, AuditSeal, Sector
from assure.core.trail import writing_audit_entries

migration = importlib.import_module("assure.core.migrations.0004_audit_sealed_trail")


def run(sql: str, params=None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def reinstall_refusal_triggers() -> None:
    """The test run drops the triggers that refuse updates and deletes (tables are emptied between browser
    tests): put them back inside this test's transaction, which is rolled back afterwards."""
    with connection.cursor() as cursor:
        for statement in migration.drop_statements(connection.vendor) + migration.trigger_statements(connection.vendor):
            cursor.execute(statement)


def test_the_database_refuses_to_change_or_delete_log_rows(police):
    reinstall_refusal_triggers()
    AccessLogEntry.objects.create(user_label="pat@test.example", event=AccessLogEntry.Event.SIGN_IN)
    AuditSeal.objects.create(log=AuditSeal.Log.AUDIT_TRAIL, entry_id=AuditEntry.objects.latest("pk").pk, hash="0" * 64)
    for table, column in [
        ("core_auditentry", "actor_label"),
        ("core_accesslogentry", "user_label"),
        ("core_auditseal", "hash"),
    ]:
        for statement in (f"UPDATE {table} SET {column} = 'tampered'", f"DELETE FROM {table}"):
            with pytest.raises(DatabaseError, match="append-only"):
                run(statement)
    assert not AuditEntry.objects.filter(actor_label="tampered").exists()


def test_insert_or_replace_of_an_audit_entry_is_refused_through_the_applications_connection(police):
    entry = AuditEntry.objects.filter(record_type="core.Agency").latest("pk")
    columns = "id, at, actor_label, action, record_type, object_id, object_repr, record_name, changes"
    if connection.vendor == "sqlite":
        # REPLACE deletes the old row without firing delete triggers: only the insert trigger stands in its way.
        statement = (
            f"INSERT OR REPLACE INTO core_auditentry ({columns}) "
            f"VALUES (%s, {migration.SQLITE_NOW}, 'x', 'create', 'core.Agency', '1', 'Forged', '', '{{}}')"
        )
    else:
        statement = (
            f"INSERT INTO core_auditentry ({columns}) "
            "VALUES (%s, STATEMENT_TIMESTAMP(), 'x', 'create', 'core.Agency', '1', 'Forged', '', '{}') "
            "ON CONFLICT (id) DO UPDATE SET object_repr = EXCLUDED.object_repr"
        )
    with pytest.raises(DatabaseError, match="an entry is never replaced"):
        run(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "Test Police"


def test_the_database_refuses_a_supplied_time(police):
    for table, columns, values in [
        (
            "core_auditentry",
            "actor_label, action, record_type, object_id, object_repr, record_name, changes",
            "'x', 'create', 'core.Agency', '1', 'Old', '', '{}'",
        ),
        (
            "core_accesslogentry",
            "user_label, event, record_type, object_id, object_repr, path",
            "'x', 'view', '', '', '', ''",
        ),
    ]:
        with pytest.raises(DatabaseError, match="the database sets the time"):
            run(f"INSERT INTO {table} (at, {columns}) VALUES ('2019-04-01 09:00:00', {values})")


def test_the_orm_writes_audit_entries_only_for_the_person_acting_at_the_time_the_database_gives(
    partnership, admin_user
):
    with pytest.raises(PermissionError, match="written only by assure.core.audit"):
        AuditEntry.objects.create(actor=admin_user, actor_label="pat", action="create", record_type="core.Agency")
    with pytest.raises(PermissionError, match="written only by assure.core.audit"):
        AuditEntry.objects.bulk_create([AuditEntry(actor_label="pat", action="create", record_type="core.Agency")])
    with writing_audit_entries(), pytest.raises(PermissionError, match="the database sets the time"):
        AuditEntry.objects.create(at="2019-04-01T09:00:00Z", actor_label="pat", action="create")
    with pytest.raises(PermissionError, match="the database sets the time"):
        AccessLogEntry.objects.create(at="2019-04-01T09:00:00Z", user_label="pat", event="view")

    with acting_as(admin_user):
        agency = Agency.objects.create(partnership=partnership, name="Youth Service", sector=Sector.OTHER)
    entry = AuditEntry.objects.get(record_type="core.Agency", object_id=str(agency.pk))
    assert entry.actor == admin_user
    assert abs(entry.at - timezone.now()) < timedelta(minutes=1)


def test_log_rows_cannot_be_changed_through_the_orm(police):
    entry = AuditEntry.objects.latest("pk")
    entry.actor_label = "someone else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(actor_label="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.bulk_update([entry], ["actor_label"])
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditSeal.objects.all().delete()
