from django.apps import AppConfig


class CompartmentAppConfig(AppConfig):
    """A small compartment for the test suite only: it proves core keeps a compartment's records inside it."""

    name = "tests.compartment_app"
    label = "compartment_app"
    default_auto_field = "django.db.models.BigAutoField"
