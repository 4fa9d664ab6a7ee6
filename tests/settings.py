"""The test suite's settings: Assure's own, plus a small compartment app that exists only in the tests."""

from assure.settings import *  # noqa: F403
from assure.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.compartment_app"]
ROOT_URLCONF = "tests.urls"
