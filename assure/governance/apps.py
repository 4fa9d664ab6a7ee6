from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "assure.governance"
    verbose_name = "Governance"
