"""The audit trail and access log become insert-only, timed by the database, and sealed into a hash chain.

- ``at`` is a database default; a BEFORE INSERT trigger refuses a row whose time is anything else
  (a supplied, back-dated value) and a row whose id already exists (SQLite's ``INSERT OR REPLACE``
  would otherwise rewrite an entry without firing the update or delete triggers). No trigger
  rewrites a value: a refused row is refused.
- ``AuditSeal`` holds each entry's link in the keyed hash chain (``core/chain.py``), under the same
  rules, so the logs themselves are never updated, by the sealing job either.
- On PostgreSQL the insert trigger of both logs takes a shared advisory lock until its transaction
  ends; the sealing job takes it exclusively, so it seals only once every transaction that added
  entries has finished, and no entry can appear later below the sealed head.
- The user model's base manager is the audited one.

SQLite rebuilds a table to change a column's default, which drops its triggers: this migration
installs every trigger of the three tables afresh, and its reverse puts back those of 0002.
"""

import importlib

import django.db.models.functions.datetime
from django.db import migrations, models

previous = importlib.import_module("assure.core.migrations.0002_append_only_triggers")

# Table → its column the database times. Each is insert-only.
APPEND_ONLY_TABLES = {"core_auditentry": "at", "core_accesslogentry": "at", "core_auditseal": "sealed_at"}
# The entries the sealing job waits for; chain.SEAL_LOCK is the same number.
SEAL_LOCK = 7_201_945_117
LOGS = ("core_auditentry", "core_accesslogentry")
# What, besides the id, makes a row a duplicate that INSERT OR REPLACE would otherwise swap in.
IDENTITY = {"core_auditseal": "log = NEW.log AND entry_id = NEW.entry_id"}
SQLITE_NOW = "STRFTIME('%Y-%m-%d %H:%M:%f', 'NOW')"  # Django's Now() on SQLite, so equal within one statement


def _exists_condition(table: str) -> str:
    condition = "id = NEW.id"
    if table in IDENTITY:
        condition = f"{condition} OR ({IDENTITY[table]})"
    return f"EXISTS (SELECT 1 FROM {table} WHERE {condition})"


def trigger_statements(vendor: str) -> list[str]:
    """Every trigger (and, on PostgreSQL, trigger function) that keeps the three tables insert-only."""
    statements = []
    if vendor == "postgresql":
        statements.append(
            "CREATE OR REPLACE FUNCTION assure_refuse_change() RETURNS trigger AS $$ "
            # No "%" placeholder: psycopg would take it for a query parameter.
            "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END $$ LANGUAGE plpgsql"
        )
    for table, time_column in APPEND_ONLY_TABLES.items():
        reused = f"{table} is append-only: an entry is never replaced"
        timed = f"{table} is append-only: the database sets the time of an entry, nobody supplies it"
        if vendor == "sqlite":
            statements += [
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                for operation in ("UPDATE", "DELETE")
            ]
            statements += [
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN {_exists_condition(table)} BEGIN SELECT RAISE(ABORT, '{reused}'); END",
                f"CREATE TRIGGER {table}_timed_by_database BEFORE INSERT ON {table} "
                f"WHEN NEW.{time_column} IS NOT {SQLITE_NOW} BEGIN SELECT RAISE(ABORT, '{timed}'); END",
            ]
        elif vendor == "postgresql":
            lock = f"PERFORM pg_advisory_xact_lock_shared({SEAL_LOCK}); " if table in LOGS else ""
            statements += [
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION assure_refuse_change()",
                f"CREATE OR REPLACE FUNCTION {table}_check_insert() RETURNS trigger AS $$ BEGIN "
                f"{lock}"
                f"IF {_exists_condition(table)} THEN RAISE EXCEPTION USING MESSAGE = '{reused}'; END IF; "
                # Django's Now() on PostgreSQL is STATEMENT_TIMESTAMP(): the default and this check agree.
                f"IF NEW.{time_column} IS DISTINCT FROM STATEMENT_TIMESTAMP() THEN "
                f"RAISE EXCEPTION USING MESSAGE = '{timed}'; END IF; "
                f"RETURN NEW; END $$ LANGUAGE plpgsql",
                f"CREATE TRIGGER {table}_check_insert BEFORE INSERT ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_check_insert()",
            ]
    return statements


def refusal_trigger_names(vendor: str) -> list[tuple[str, str]]:
    """(trigger, table) of the triggers that refuse updates and deletes: the test suite drops these, because
    Django empties every table between transactional tests."""
    if vendor == "sqlite":
        return [
            (f"{table}_no_{operation}", table) for table in APPEND_ONLY_TABLES for operation in ("update", "delete")
        ]
    return [(f"{table}_append_only", table) for table in APPEND_ONLY_TABLES]


def drop_statements(vendor: str) -> list[str]:
    statements = []
    for table in APPEND_ONLY_TABLES:
        if vendor == "sqlite":
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_{name}"
                for name in ("no_update", "no_delete", "no_replace", "timed_by_database")
            ]
        elif vendor == "postgresql":
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_check_insert ON {table}",
                f"DROP FUNCTION IF EXISTS {table}_check_insert()",
            ]
    return statements


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in drop_statements(vendor) + trigger_statements(vendor):
        schema_editor.execute(statement)


def remove_triggers(apps, schema_editor):
    for statement in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def restore_previous_triggers(apps, schema_editor):
    previous.drop_triggers(apps, schema_editor)
    previous.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_roles_lead_partner_and_scrutineer"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_previous_triggers),
        migrations.AlterModelOptions(
            name="user",
            options={
                "base_manager_name": "objects",
                "ordering": ["full_name"],
                "verbose_name": "person",
                "verbose_name_plural": "people",
            },
        ),
        migrations.AddField(
            model_name="auditentry",
            name="record_name",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="at",
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), db_index=True),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="at",
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), db_index=True),
        ),
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "log",
                    models.CharField(
                        choices=[("audit_trail", "Audit trail"), ("access_log", "Access log")], max_length=20
                    ),
                ),
                ("entry_id", models.BigIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("sealed_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={
                "ordering": ["log", "entry_id"],
                "constraints": [models.UniqueConstraint(fields=("log", "entry_id"), name="one_seal_per_entry")],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
