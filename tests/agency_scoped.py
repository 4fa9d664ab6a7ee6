"""Every record that belongs to an agency, for the cross-agency access test.

Each app's tests register their record types in ``tests/<app>/agency_records.py``:
how to make a record owned by an agency, every page that shows or changes it, and every
page that lists it among others (with what would give it away there).
``tests/core/test_cross_agency_access.py`` then proves, for each, that an agency lead
gets 404 for another agency's record and can open their own, sees their own in every list
and nothing of another agency's, and fails if a model that belongs to agencies has not
been registered.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps

from assure.core.permissions import GRANTS, Action, Role, Scope


@dataclass(frozen=True)
class AgencyScopedRecord:
    model: type
    make: Callable  # (agency, make_person) -> record owned by agency
    urls: Callable  # record -> [url, ...] of the pages that show or change it
    # record -> [(url, [text, ...]), ...]: pages listing it among others' records, and the texts that would show it
    listed_on: Callable | None = None


REGISTRY: list[AgencyScopedRecord] = []


def register(model, *, make, urls, listed_on=None):
    REGISTRY.append(AgencyScopedRecord(model, make, urls, listed_on))


def load_registrations() -> list[AgencyScopedRecord]:
    tests_dir = Path(__file__).parent
    for module in pkgutil.iter_modules([str(tests_dir)]):
        if module.ispkg and (tests_dir / module.name / "agency_records.py").exists():
            importlib.import_module(f"tests.{module.name}.agency_records")
    return REGISTRY


def models_scoped_to_agency_leads() -> set[type]:
    """Models whose records an agency lead reaches only for their own agency."""
    lead = GRANTS[Role.AGENCY_LEAD]
    return {
        model
        for model in apps.get_models()
        if getattr(model, "agency_path", None)
        and lead.get((model.permission_area, Action.VIEW), Scope.NONE) == Scope.AGENCY
    }
