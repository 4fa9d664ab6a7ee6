from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "assure.actions"
    verbose_name = "Action register"
