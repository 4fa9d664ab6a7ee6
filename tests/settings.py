"""The test suite's settings: Assure's own, plus a small compartment app that exists only in the tests."""

from assure.settings import *  # noqa: F403
from assure.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.compartment_app"]
ROOT_URLCONF = "tests.urls"

# Background tasks run at once, on the queues production has, and passwords hash cheaply — for session- and
# module-wide fixtures (the demo) as well as for each test (tests/conftest.py sets the same).
TASKS = {"default": {**TASKS["default"], "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # noqa: F405
PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher"]
