"""Case notes are append-only in the database too, and the criteria for an allegation are data.

Triggers refuse any UPDATE or DELETE of a case note from any client (a shell, a script, a mistaken migration), on
SQLite and PostgreSQL; the model refuses them in the ORM. They act row by row, so emptying the table by TRUNCATE
(PostgreSQL) is left to the database's owner.

The criteria: Working Together to Safeguard Children 2018's three, and the fourth that Keeping Children Safe in
Education added from its September 2020 edition (decisions.md section 6).
"""

from datetime import date

from django.db import migrations

TABLE = "lado_casenote"
REFUSAL = "case notes are append-only: add a correction instead"

CRITERIA = [
    (
        "harmed",
        "Behaved in a way that has harmed a child, or may have harmed a child",
        "Working Together to Safeguard Children 2018",
        date(2018, 7, 4),
        1,
    ),
    (
        "offence",
        "Possibly committed a criminal offence against or related to a child",
        "Working Together to Safeguard Children 2018",
        date(2018, 7, 4),
        2,
    ),
    (
        "risk",
        "Behaved towards a child or children in a way that indicates they may pose a risk of harm to children",
        "Working Together to Safeguard Children 2018",
        date(2018, 7, 4),
        3,
    ),
    (
        "suitability",
        "Behaved or may have behaved in a way that indicates they may not be suitable to work with children",
        "Keeping Children Safe in Education 2020",
        date(2020, 9, 1),
        4,
    ),
]


def trigger_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            for operation in ("UPDATE", "DELETE")
        ]
    if vendor == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION lado_refuse_note_change() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION USING MESSAGE = '{REFUSAL}'; END $$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION lado_refuse_note_change()",
        ]
    return []


def create_triggers(apps, schema_editor):
    for statement in trigger_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for operation in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{operation}")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS lado_refuse_note_change()")


def add_criteria(apps, schema_editor):
    criterion = apps.get_model("lado", "Criterion")
    for code, text, guidance, applies_from, sort_key in CRITERIA:
        criterion.objects.update_or_create(
            code=code, defaults={"text": text, "guidance": guidance, "applies_from": applies_from, "sort_key": sort_key}
        )


def remove_criteria(apps, schema_editor):
    apps.get_model("lado", "Criterion").objects.filter(code__in=[code for code, *_ in CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("lado", "0001_initial")]
    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(add_criteria, remove_criteria),
    ]
