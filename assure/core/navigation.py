"""The service navigation: only features that exist, and only those the person may use."""

from dataclasses import dataclass

from django.urls import reverse

from .permissions import Action, Area, can


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url_name: str
    area: Area
    action: Action = Action.VIEW


ITEMS = [
    NavigationItem("Home", "home", Area.PARTNERSHIP),
    NavigationItem("Agencies", "agency-list", Area.PARTNERSHIP),
    NavigationItem("People", "person-list", Area.PEOPLE),
    NavigationItem("Years and priorities", "reporting-year-list", Area.PARTNERSHIP, Action.EDIT),
    NavigationItem("Audit trail", "audit-trail", Area.AUDIT_TRAIL),
]


def navigation_for(request) -> list[dict]:
    if not request.user.is_authenticated:
        return []
    items = []
    for item in ITEMS:
        if not can(request.user, item.area, item.action):
            continue
        url = reverse(item.url_name)
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": item.label, "url": url, "current": current})
    return items
