from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "assure.core"
    verbose_name = "Partnership"

    def ready(self):
        from . import checks, signals  # noqa: F401  (registers system checks; connects audit and sign-in receivers)
