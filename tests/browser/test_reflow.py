"""Pages fit a phone (WCAG 1.4.10): at 320 and 375 CSS pixels no page is wider than the screen.

Every navigation and sub-navigation item of each role is opened, and one record page of
each record type; each must fit, with at most seven navigation items and exactly one marked
current. Wide tables scroll inside their own labelled region rather than widening the page.
"""

import time

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import QuerySet
from django.urls import reverse

from assure.core.audit import AuditedModel
from assure.core.demo import DEMO_ACCOUNTS
from assure.core.middleware import SIGNED_IN_AT
from assure.core.models import User
from assure.core.permissions import Action, Role, can, scoped

pytestmark = pytest.mark.browser

WIDTHS = (320, 375)

# Pages the business manager reaches from the navigation's pages rather than from the navigation itself.
LINKED_PAGES = [
    ("audits:section11-rounds", {}),
    ("audits:section11-movement", {}),
    ("audits:education-audits", {}),
    ("audits:education-providers", {}),
    ("audits:case-audits", {}),
    ("audits:inspections", {}),
    ("audits:frameworks", {}),
    ("performance:area", {"area": "front-door"}),
    ("performance:returns-due", {}),
    ("training:report-attendance", {}),
    ("training:report-evaluation", {}),
    ("training:report-workforce", {}),
    ("training:report-needs", {}),
    ("training:report-take-up", {}),
    ("training:report-impact", {}),
]

# The first element sticking out past the right edge, to say what to fix.
WIDEST = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1
    && !e.closest('.assure-table-scroll') && getComputedStyle(e).position !== 'absolute');
  return wide.slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
    + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
}"""

NAVIGATION = """() => {
  const menu = document.querySelector('nav[aria-label="Menu"]');
  const count = nav => nav ? nav.querySelectorAll('[aria-current]').length : null;
  return {
    items: menu ? [...menu.querySelectorAll('a')].map(a => a.textContent.trim()) : [],
    current: count(menu),
    groups: [...document.querySelectorAll('nav.assure-subnav')].map(count),
  };
}"""


def _signed_in_context(browser, live_server, user):
    """A browser already signed in as ``user`` (a session made here rather than typing a password each time)."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SIGNED_IN_AT] = time.time()
    session.save()
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 700})
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}])
    return context


def _links(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "links => links.map(a => a.href)")


def _check(page, url: str, who: str, problems: list[str], *, marked: bool = True) -> None:
    response = page.goto(url)
    if response.status != 200:
        problems.append(f"{who} {url}: status {response.status}")
        return
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 700})
        document_width = page.evaluate("() => document.documentElement.scrollWidth")
        if document_width > width:
            problems.append(f"{who} {url} at {width}px is {document_width}px wide: {page.evaluate(WIDEST)}")
    navigation = page.evaluate(NAVIGATION)
    if len(navigation["items"]) > 7:
        problems.append(f"{who} {url}: {len(navigation['items'])} navigation items")
    if marked and navigation["current"] != 1:
        problems.append(f"{who} {url}: {navigation['current']} navigation items marked current")
    if any(count != 1 for count in navigation["groups"]):
        problems.append(f"{who} {url}: sub-navigation marks {navigation['groups']} items current")


def _every_navigation_page(page, live_server) -> list[str]:
    """Home, each section, each group of each section and each page of each group, in the order they appear."""
    page.goto(f"{live_server.url}/")
    found = []
    for section in _links(page, 'nav[aria-label="Menu"] a'):
        page.goto(section)
        found.append(section)
        for group in _links(page, "nav.assure-subnav:not(.assure-subnav--pages) a"):
            page.goto(group)
            found.append(group)
            found += _links(page, "nav.assure-subnav--pages a")
    return list(dict.fromkeys(found))


def _one_record_of_each_type() -> list[tuple[User, str]]:
    """One record page per record type, each opened by the first demo account allowed to see it."""
    accounts = [User.objects.get(email=account.email) for account in DEMO_ACCOUNTS]
    pages = {}
    for model in apps.get_models():
        if not issubclass(model, AuditedModel) or "get_absolute_url" not in vars(model):
            continue
        reader = next((user for user in accounts if can(user, model.permission_area, Action.VIEW)), None)
        records: QuerySet = scoped(model._default_manager.all(), reader) if reader else model._default_manager.none()
        record = records.first()
        if record is not None:
            pages.setdefault(record.get_absolute_url().split("#")[0], (reader, model._meta.label))
    return [(reader, url) for url, (reader, _) in pages.items()]


def test_every_navigation_page_of_every_role_and_a_page_of_each_record_fit_a_phone(
    browser, live_server, demo_partnership
):
    problems: list[str] = []
    roles_done = set()
    for account in DEMO_ACCOUNTS:
        if account.role in roles_done:
            continue
        roles_done.add(account.role)
        user = User.objects.get(email=account.email)
        context = _signed_in_context(browser, live_server, user)
        page = context.new_page()
        for url in _every_navigation_page(page, live_server):
            _check(page, url, account.role.label, problems)
        if account.role == Role.PARTNERSHIP_ADMIN:
            for name, kwargs in LINKED_PAGES:
                _check(page, f"{live_server.url}{reverse(name, kwargs=kwargs)}", account.role.label, problems)
        context.close()

    by_reader: dict[User, list[str]] = {}
    for reader, url in _one_record_of_each_type():
        by_reader.setdefault(reader, []).append(url)
    for reader, urls in by_reader.items():
        context = _signed_in_context(browser, live_server, reader)
        page = context.new_page()
        for url in urls:
            # Downloads (evidence files, invoices) are not pages.
            if page.request.head(f"{live_server.url}{url}").headers.get("content-type", "").startswith("text/html"):
                _check(page, f"{live_server.url}{url}", reader.full_name, problems)
        context.close()
    assert not problems, "\n".join(problems)
