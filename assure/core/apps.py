from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "assure.core"
    verbose_name = "Partnership"

    def ready(self):
        from . import signals  # noqa: F401  (connects audit and sign-in receivers)
