import pytest

from assure.core import demo as core_demo
from assure.core.audit import acting_as
from assure.core.notify import emails_held_back
from assure.reviews import demo as reviews_demo
from tests.conftest import PASSWORD


@pytest.fixture
def solihull(db):
    """The demo partnership with section 5 of the reference report as records (and no other capability's demo)."""
    with acting_as(None, "command: assure demo"), emails_held_back():
        partnership = core_demo.load(password=PASSWORD)
        reviews_demo.load_for(partnership)
    return partnership
