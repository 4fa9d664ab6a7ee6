from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "assure.core"
    verbose_name = "Partnership"

    def ready(self):
        # Importing them registers the system checks, and the audit and sign-in receivers.
        from . import chain, checks, signals  # noqa: F401
