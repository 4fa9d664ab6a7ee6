"""The home page: what needs the person, as counts and notes that link to where each is dealt with.

Each app offers its items in ``ITEMS`` in its ``home.py``. A ``HomeItem`` names the permission
it needs (so a compartment's items reach only the people inside it: decisions.md section 1) and
a function giving, for the request (the person) and today, its lines. A count links to the list it counts,
filtered, and is counted with the same selector and filter set as that list, so the number on
the home page is the number of rows the link opens (tests/core/test_home_counts.py checks it for
every role). A note is a sentence with a link ("Your next course: …").
"""

import importlib
import importlib.util
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from urllib.parse import urlencode

from django.apps import apps
from django.urls import reverse

from .navigation import SECTIONS
from .permissions import Action, Area, can


@dataclass(frozen=True)
class Line:
    text: str
    url: str
    # None for a note; a number for a count, shown before ``text``.
    count: int | None = None


def count_line(count: int, one: str, many: str, url_name: str, **query) -> Line:
    """A count and what it counts ("action overdue", "actions overdue"), linking to the list filtered by ``query``."""
    url = reverse(url_name) + (f"?{urlencode(query)}" if query else "")
    return Line(one if count == 1 else many, url, count)


@dataclass(frozen=True)
class HomeItem:
    # The navigation section the item is dealt with in: the home page's headings follow the navigation.
    section: str
    area: Area
    action: Action
    lines: Callable[..., Iterable[Line]]

    def __post_init__(self):
        if self.section not in SECTIONS:
            raise ValueError(f"unknown section {self.section!r}; expected one of {', '.join(SECTIONS)}")


@cache
def all_items() -> tuple[HomeItem, ...]:
    """Each app's items, in the order of INSTALLED_APPS (core has no items of its own)."""
    items = []
    for config in apps.get_app_configs():
        if config.name.startswith("assure.") and config.name != "assure.core":
            if importlib.util.find_spec(f"{config.name}.home") is not None:
                items += importlib.import_module(f"{config.name}.home").ITEMS
    return tuple(items)


def needs_for(request, *, today: date) -> list[tuple[str, list[Line]]]:
    """The person's lines under their section headings, in the navigation's order; sections with none left out."""
    by_section: dict[str, list[Line]] = {}
    for item in all_items():
        if can(request.user, item.area, item.action):
            by_section.setdefault(item.section, []).extend(item.lines(request, today=today))
    return [(section, by_section[section]) for section in SECTIONS if by_section.get(section)]
