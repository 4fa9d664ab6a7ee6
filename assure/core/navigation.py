"""The service navigation: a few sections, each with its own sub-navigation, showing only pages the person may open.

The sections are fixed (decisions.md section 4) so that no role ever sees more than seven:
Home, Performance, Training, Assurance, Governance, Manage. Each app lists its pages in
``ENTRIES`` in its ``navigation.py``: which section and sub-navigation group a page belongs to
and the permission it needs. A group with one page is that page; a group with several shows
them as a third, local row on its pages. A section or group appears when the person may open
at least one of its pages, and links to the first of them.

The current page is the visible entry whose address starts the path for the most characters
(an entry's ``also_for`` names other pages that belong to it outright). Its section, its group
and the entry itself are each marked ``aria-current``: "page" on the link to this very page,
"true" on the links to the section and group it sits in.
"""

import importlib
import importlib.util
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import cache

from django.apps import apps
from django.urls import reverse

from .permissions import Action, Area, Scope, reaches

HOME, PERFORMANCE, TRAINING, ASSURANCE, GOVERNANCE, MANAGE = SECTIONS = (
    "Home",
    "Performance",
    "Training",
    "Assurance",
    "Governance",
    "Manage",
)

# A page named in an entry's ``also_for`` belongs to it whatever its address (half as strongly in ``fallback_for``).
_NAMED = 10_000


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url_name: str
    section: str
    area: Area
    action: Action = Action.VIEW
    # The least reach that shows the entry: Scope.AGENCY hides a page whose list would hold only the person's own records.
    reaching: Scope = Scope.OWN
    # The sub-navigation group; empty for a page that is a group of its own.
    group: str = ""
    # Names of other pages (wildcards allowed, such as "core:priority-*") that belong to this entry.
    also_for: tuple[str, ...] = ()
    # Names of pages that belong to this entry unless another entry the person sees names them in ``also_for``.
    fallback_for: tuple[str, ...] = ()
    # Only this very address is the entry, never the pages under it (Home is "/").
    exact: bool = False

    def __post_init__(self):
        if self.section not in SECTIONS:
            raise ValueError(f"{self.label}: unknown section {self.section!r}; expected one of {', '.join(SECTIONS)}")

    @property
    def group_label(self) -> str:
        return self.group or self.label

    def shown_to(self, user) -> bool:
        return reaches(user, self.area, self.action, self.reaching)

    def match(self, path: str, view_name: str) -> int:
        """How well this entry claims the page: 0 not at all, otherwise the longer the better."""
        if any(fnmatchcase(view_name, pattern) for pattern in self.also_for):
            return _NAMED
        if any(fnmatchcase(view_name, pattern) for pattern in self.fallback_for):
            return _NAMED // 2
        url = reverse(self.url_name)
        if path == url:
            return len(url) + 1
        return len(url) if not self.exact and path.startswith(url) else 0


ENTRIES = [
    NavigationItem("Home", "core:home", HOME, Area.PARTNERSHIP, exact=True),
    # Under Manage for those who manage people; everyone else reaches agencies from the pages that name them.
    NavigationItem("Agencies", "core:agency-list", MANAGE, Area.PEOPLE),
    NavigationItem("People", "core:person-list", MANAGE, Area.PEOPLE, also_for=("core:person-*", "core:role-*")),
    NavigationItem(
        "Role approvals", "core:grant-list", MANAGE, Area.PEOPLE, Action.APPROVE, also_for=("core:grant-detail",)
    ),
    NavigationItem(
        "Years and priorities",
        "core:reporting-year-list",
        MANAGE,
        Area.PARTNERSHIP,
        Action.EDIT,
        also_for=("core:reporting-year-*", "core:priority-*"),
    ),
    NavigationItem(
        "Audit trail",
        "core:audit-trail",
        MANAGE,
        Area.AUDIT_TRAIL,
        group="Audit trail",
        also_for=("core:audit-entry", "core:record-history"),
    ),
    NavigationItem("Access log", "core:access-log", MANAGE, Area.AUDIT_TRAIL, group="Audit trail"),
    # Those who run the partnership's system see every job, the workers and failed emails here; anyone else follows
    # their own work from the pages that start it.
    NavigationItem(
        "Background work",
        "core:job-list",
        MANAGE,
        Area.PARTNERSHIP,
        Action.EDIT,
        reaching=Scope.PARTNERSHIP,
        also_for=("core:job-detail",),
    ),
]


@cache
def all_entries() -> tuple[NavigationItem, ...]:
    """Core's entries, then each app's in the order of INSTALLED_APPS."""
    entries = list(ENTRIES)
    for config in apps.get_app_configs():
        if config.name.startswith("assure.") and config.name != "assure.core":
            if importlib.util.find_spec(f"{config.name}.navigation") is not None:
                entries += importlib.import_module(f"{config.name}.navigation").ENTRIES
    return tuple(entries)


@dataclass
class Link:
    label: str
    url: str
    # "page" for the link to this very page, "true" for the section or group the page is in, "" otherwise.
    current: str = ""


@dataclass
class Navigation:
    sections: list[Link] = field(default_factory=list)
    # The current section's groups, when it has more than one.
    groups: list[Link] = field(default_factory=list)
    # The current group's pages, when it has more than one.
    pages: list[Link] = field(default_factory=list)
    section: str = ""
    group: str = ""


def _link(label: str, url: str, path: str, active: bool) -> Link:
    return Link(label, url, "page" if url == path else "true" if active else "")


def navigation_for(request) -> Navigation | None:
    user = request.user
    if not user.is_authenticated:
        return None
    path = request.path
    view_name = request.resolver_match.view_name if request.resolver_match else ""
    shown = [entry for entry in all_entries() if entry.shown_to(user)]
    scores = [entry.match(path, view_name) for entry in shown]
    best = max(scores, default=0)
    current = shown[scores.index(best)] if best else None

    navigation = Navigation(section=current.section if current else "", group=current.group_label if current else "")
    for section in SECTIONS:
        entries = [entry for entry in shown if entry.section == section]
        if entries:
            url = reverse(entries[0].url_name)
            navigation.sections.append(_link(section, url, path, section == navigation.section))
    if current is None:
        return navigation

    in_section = [entry for entry in shown if entry.section == current.section]
    groups: dict[str, list[NavigationItem]] = {}
    for entry in in_section:
        groups.setdefault(entry.group_label, []).append(entry)
    if len(groups) > 1:
        navigation.groups = [
            _link(label, reverse(entries[0].url_name), path, label == navigation.group)
            for label, entries in groups.items()
        ]
    if len(groups[navigation.group]) > 1:
        navigation.pages = [
            _link(entry.label, reverse(entry.url_name), path, entry == current) for entry in groups[navigation.group]
        ]
    return navigation
