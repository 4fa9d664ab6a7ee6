from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "assure.performance"
    verbose_name = "Performance framework"
