import importlib

import pytest
from django.conf import settings as django_settings
from django.db import connection

from assure.core.models import Agency, Partnership, ReportingYear, RoleAssignment, Sector, User
from assure.core.permissions import Role
from tests.reference_data import restore_after_every_flush

PASSWORD = "a-long-test-password-2020"

append_only = importlib.import_module("assure.core.migrations.0004_audit_sealed_trail")

# Tests run background tasks at once, on the queues production has.
IMMEDIATE_TASKS = {
    "default": {**django_settings.TASKS["default"], "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
}


restore_after_every_flush()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Drop the triggers that refuse updates and deletes of the audit trail, access log and seals in the
    test database: Django empties every table between transactional (browser) tests. The triggers that
    refuse a replaced or back-dated row stay. test_append_only_triggers puts the others back inside its
    own transaction."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for trigger, table in append_only.refusal_trigger_names(connection.vendor):
            on_table = f" ON {table}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}{on_table}")


@pytest.fixture(autouse=True)
def isolated_settings(settings, tmp_path):
    """Background tasks run at once, passwords hash cheaply, and files (uploads, Parquet data) go to the test's own folder."""
    settings.TASKS = IMMEDIATE_TASKS
    settings.PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher"]
    settings.VAR_DIR = tmp_path / "var"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "var" / "uploads"},
        },
    }


@pytest.fixture
def partnership(db):
    partnership = Partnership.objects.create(name="Test Safeguarding Children Partnership", area="Testshire")
    ReportingYear.objects.create(partnership=partnership, start_year=2019, population_0_17=46_950)
    return partnership


@pytest.fixture
def police(partnership):
    return Agency.objects.create(
        partnership=partnership, name="Test Police", sector=Sector.POLICE, is_statutory_partner=True
    )


@pytest.fixture
def council(partnership):
    return Agency.objects.create(
        partnership=partnership, name="Test Council", sector=Sector.LOCAL_AUTHORITY, is_statutory_partner=True
    )


@pytest.fixture
def make_person(partnership):
    def make(role: Role | None, agency: Agency, email: str | None = None, **fields) -> User:
        person = User.objects.create_user(
            email or f"{role or 'nobody'}.{agency.pk}.{User.objects.count()}@test.example",
            PASSWORD,
            full_name=fields.pop("full_name", f"{role} of {agency}"),
            agency=agency,
            **fields,
        )
        if role:
            RoleAssignment.objects.create(
                user=person, role=role, agency=agency if role in (Role.AGENCY_LEAD, Role.LEAD_PARTNER) else None
            )
        return person

    return make


@pytest.fixture
def admin_user(make_person, council):
    return make_person(Role.PARTNERSHIP_ADMIN, council)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def database_queues(settings):
    """Background tasks wait in the database, as in production, until a test runs their queue (tests/task_queues.py)."""
    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}}
