from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "assure.core"
    verbose_name = "Partnership"

    def ready(self):
        # Importing them registers the audit key's system check, and the audit and sign-in receivers.
        from . import chain, signals  # noqa: F401
