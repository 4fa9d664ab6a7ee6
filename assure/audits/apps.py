from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "assure.audits"
    verbose_name = "Quality assurance audits"
