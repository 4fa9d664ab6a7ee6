"""Every record type that lives in a compartment, for the compartment tests.

Each app's tests register their compartment record types in ``tests/<app>/compartment_records.py``: how to make a
record, and every page that shows or changes it. ``tests/core/test_compartment_registry.py`` fails for a model of a
compartment area left unregistered; ``tests/core/test_compartments.py`` proves each answers 404 outside.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CompartmentRecord:
    model: type
    make: Callable  # () -> a record
    urls: Callable  # record -> [url, ...] of every page that lists, shows or changes it


REGISTRY: list[CompartmentRecord] = []


def register(model, *, make, urls):
    REGISTRY.append(CompartmentRecord(model, make, urls))


def load_registrations() -> list[CompartmentRecord]:
    tests_dir = Path(__file__).parent
    for module in pkgutil.iter_modules([str(tests_dir)]):
        if module.ispkg and (tests_dir / module.name / "compartment_records.py").exists():
            importlib.import_module(f"tests.{module.name}.compartment_records")
    return REGISTRY
