import pytest

from assure.core.permissions import Role


@pytest.fixture
def lado(make_person, council):
    return make_person(Role.LADO, council, full_name="Lee Designated")


@pytest.fixture
def lado_client(client, lado):
    client.force_login(lado)
    return client
