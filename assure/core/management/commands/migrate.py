"""``assure migrate``: Django's migrate, connected as the database owner when ``ASSURE_MIGRATE_DATABASE_URL`` is set.

The owner's connection replaces the default one for the whole command, not only as ``--database``: data
migrations (ours and other packages') write through the default connection, which would otherwise wait
on the owner's uncommitted schema changes for ever.
"""

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS, connections

from assure.core.database_roles import OWNER_ALIAS, grant_application_role


class Command(DjangoMigrate):
    help = (
        "Apply migrations as the database owner (ASSURE_MIGRATE_DATABASE_URL) when one is configured, "
        "then grant the application's role exactly what it needs."
    )

    def handle(self, *args, **options):
        if OWNER_ALIAS not in settings.DATABASES or options["database"] != DEFAULT_DB_ALIAS:
            return super().handle(*args, **options)
        application_role = settings.DATABASES[DEFAULT_DB_ALIAS].get("USER")
        connections[DEFAULT_DB_ALIAS].close()
        del connections[DEFAULT_DB_ALIAS]
        connections.settings[DEFAULT_DB_ALIAS] = connections.settings[OWNER_ALIAS]
        super().handle(*args, **options)
        grant_application_role(connections[DEFAULT_DB_ALIAS], application_role)
