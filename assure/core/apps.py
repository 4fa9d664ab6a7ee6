from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "assure.core"
    verbose_name = "Partnership"

    def ready(self):
        # Importing them registers the audit key's system check, and the audit and sign-in receivers.
        from . import chain, signals  # noqa: F401
        from .database_roles import grant_application_role

        post_migrate.connect(grant_application_role, sender=self)
