import pytest
from django.db import transaction

from assure.audits import demo as audits_demo
from assure.core import demo as core_demo

from ..conftest import PASSWORD


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The core demo partnership with the audits demo on it, loaded once for a test module.

    Loading writes thousands of audit-trail entries, so it is done once per module inside a
    transaction that is rolled back afterwards; each test still runs in its own savepoint.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        partnership = core_demo.load(password=PASSWORD)
        audits_demo.load_for(partnership)
        yield partnership
        transaction.set_rollback(True)
