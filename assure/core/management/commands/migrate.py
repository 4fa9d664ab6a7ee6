"""``assure migrate``: Django's migrate, connected as the database owner when ``ASSURE_MIGRATE_DATABASE_URL`` is set."""

from django.conf import settings
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS

from assure.core.database_roles import OWNER_ALIAS


class Command(DjangoMigrate):
    help = (
        "Apply migrations as the database owner (ASSURE_MIGRATE_DATABASE_URL) when one is configured, "
        "then grant the application's role what it needs."
    )

    def handle(self, *args, **options):
        if options["database"] == DEFAULT_DB_ALIAS and OWNER_ALIAS in settings.DATABASES:
            options["database"] = OWNER_ALIAS
        return super().handle(*args, **options)
