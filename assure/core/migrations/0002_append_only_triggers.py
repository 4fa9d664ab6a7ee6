"""Make the audit trail and access log append-only in the database itself.

The models already refuse updates and deletes; these triggers refuse them from any
other client of the database too (a shell, a script, a mistaken migration).
"""

from django.db import migrations

TABLES = ("core_auditentry", "core_accesslogentry")


def trigger_statements(vendor: str) -> list[str]:
    statements = []
    if vendor == "postgresql":
        statements.append(
            "CREATE OR REPLACE FUNCTION assure_refuse_change() RETURNS trigger AS $$ "
            # No "%" placeholder: psycopg would take it for a query parameter.
            "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END $$ LANGUAGE plpgsql"
        )
    for table in TABLES:
        if vendor == "sqlite":
            statements += [
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                for operation in ("UPDATE", "DELETE")
            ]
        elif vendor == "postgresql":
            statements.append(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION assure_refuse_change()"
            )
    return statements


def create_triggers(apps, schema_editor):
    for statement in trigger_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            for operation in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_triggers, drop_triggers)]
