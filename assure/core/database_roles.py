"""The PostgreSQL roles Assure connects as: the owner migrates and restores; the application adds and reads.

The application's role (``DATABASE_URL``) may read and write the domain tables but only insert into and
select from the audit trail, the access log and their seals; only the owner
(``ASSURE_MIGRATE_DATABASE_URL``) could drop the triggers that guard them. ``assure migrate`` connects as the
owner when that variable is set, and afterwards grants the application's role exactly this, so new tables
are covered from the release that adds them. docs/deploy.md shows the same statements.
"""

# The alias settings.py gives ASSURE_MIGRATE_DATABASE_URL.
OWNER_ALIAS = "owner"
LOG_TABLES = ("core_auditentry", "core_accesslogentry", "core_auditseal")


def grant_statements(role: str) -> list[str]:
    """What the owner grants the application's ``role`` (a quoted name) in the ``public`` schema."""
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {', '.join(LOG_TABLES)} FROM {role}",
    ]


def grant_application_role(owner, role: str | None) -> None:
    """Give the application's ``role`` what it needs and no more, through the ``owner``'s connection.

    Nothing to grant on SQLite, or when the application connects as the owner itself.
    """
    if owner.vendor != "postgresql" or not role or role == owner.settings_dict.get("USER"):
        return
    with owner.cursor() as cursor:
        for statement in grant_statements(owner.ops.quote_name(role)):
            cursor.execute(statement)
