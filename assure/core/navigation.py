"""The service navigation: only features that exist, and only those the person may use.

Each app lists its own entries in ``ITEMS`` in its ``navigation.py``; they appear in the
order of INSTALLED_APPS.
"""

import importlib
import importlib.util
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.urls import reverse

from .permissions import Action, Area, can


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url_name: str
    area: Area
    action: Action = Action.VIEW


ITEMS = [
    NavigationItem("Home", "core:home", Area.PARTNERSHIP),
    NavigationItem("Agencies", "core:agency-list", Area.PARTNERSHIP),
    NavigationItem("People", "core:person-list", Area.PEOPLE),
    NavigationItem("Role approvals", "core:grant-list", Area.PEOPLE, Action.APPROVE),
    NavigationItem("Years and priorities", "core:reporting-year-list", Area.PARTNERSHIP, Action.EDIT),
    NavigationItem("Audit trail", "core:audit-trail", Area.AUDIT_TRAIL),
]


@cache
def all_items() -> list[NavigationItem]:
    items = list(ITEMS)
    for config in apps.get_app_configs():
        if config.name.startswith("assure.") and config.name != "assure.core":
            if importlib.util.find_spec(f"{config.name}.navigation") is not None:
                items += importlib.import_module(f"{config.name}.navigation").ITEMS
    return items


def navigation_for(request) -> list[dict]:
    if not request.user.is_authenticated:
        return []
    items = []
    for item in all_items():
        if not can(request.user, item.area, item.action):
            continue
        url = reverse(item.url_name)
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
