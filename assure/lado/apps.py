from django.apps import AppConfig


class LadoConfig(AppConfig):
    name = "assure.lado"
    verbose_name = "Allegations (LADO)"
