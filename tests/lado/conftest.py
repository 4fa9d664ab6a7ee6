import pytest
from django.test import Client

from assure.core.permissions import Role


@pytest.fixture
def lado(make_person, council):
    return make_person(Role.LADO, council, full_name="Lee Designated")


@pytest.fixture
def lado_client(lado):
    """The LADO's own browser session, apart from the ``client`` other fixtures sign in."""
    client = Client()
    client.force_login(lado)
    return client
