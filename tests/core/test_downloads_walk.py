"""Every download Assure offers leaves exactly one access-log entry, and every Excel file has typed cells.

The walk starts from every URL pattern that needs no record, then follows every link on the pages it
reaches, as the partnership admin and as the analyst (between them, every download is permitted to one).
It requests each download a page offers (``?export=csv|xlsx`` on lists, reports and dashboards, and the
dedicated download URLs: invoices, certificates, evidence) and checks what came back. It fails for a URL
pattern that it never reached, unless that pattern is listed below with the reason.
"""

import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from openpyxl import load_workbook

from assure.actions.models import Action
from assure.audits.models import EvidenceFile, Section11Answer
from assure.core.downloads import ABOUT_SHEET
from assure.core.models import AccessLogEntry, User
from assure.core.permissions import Role
from assure.performance.models import Extract
from assure.training.models import Booking
from tests.audits.builders import PDF_BYTES

# The walk's people (the business unit, the analyst) are outside the reviews compartment: its pages are walked by the
# compartment tests (tests/core/test_compartments.py) and the permission matrix instead.
REVIEWS_COMPARTMENT = "the reviews compartment, which the business unit and the analyst are outside"

# Patterns the walk does not reach, and why; none offers a download.
NOT_REACHED = {
    "core:sign-in": "the sign-in page, reached signed out",
    "core:sign-out": "a POST from the header's button",
    "core:two-factor-qr-code": "an image drawn inside the set-up page while a set-up is in progress",
    "core:two-factor-verify": "reached by redirect after sign-in",
    "core:role-end": "a POST from the person's page",
    "core:role-check": "a step after choosing a role that needs approval",
    "core:person-invite": "a POST from the person's page",
    "core:two-factor-reset": "reached from the person's page by someone who may reset a second factor; the demo's admin cannot reset their own",
    "core:grant-detail": "reached from role approvals when a request is waiting; the demo has none",
    "core:grant-requested": "the confirmation after asking for a role",
    "core:invitation": "a single-use link in an email",
    "core:email-change-confirm": "a single-use link in an email",
    "core:job-detail": "reached by redirect after an upload and from an extract's page while it is checked; the demo's extract was loaded without a check",
    "core:job-status": "read by the job page's script, not linked",
    "core:job-retry": "a POST from a failed job's page; the demo's jobs succeed",
    "core:email-send-again": "a POST from Background work when an email failed; the demo's emails are held back",
    "core:healthz": "read by monitoring, not by people",
    "core:healthz-worker": "read by monitoring, not by people",
    "core:upload-permitted": "asked by nginx before it reads an upload, not by people",
    "compartment:concern-detail": "the test compartment's pages: not linked from the demo",
    "compartment:concern-edit": "the test compartment's pages: not linked from the demo",
    "compartment:concern-shares": "the test compartment's pages: not linked from the demo",
    "compartment:concern-shares-revoke": "the test compartment's pages: not linked from the demo",
    "lado:case-list": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:allegation-create": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:allegation-detail": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:allegation-edit": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:initial-consideration": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:child-add": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:meeting-add": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:process-add": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:employer-action-add": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:regulator-referral-add": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:transfer-add": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:outcome": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:allegation-close": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:allegation-note-add": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:allegation-dispose": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:allegation-shares": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:allegation-shares-revoke": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:consultation-list": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:consultation-create": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:consultation-detail": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:consultation-edit": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:consultation-refer": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:consultation-note-add": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:note-correct": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:search": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:import": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:import-detail": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:target-list": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:target-create": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:target-edit": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:year-list": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:year-entered": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:year-confirm": "the LADO compartment: the walk's admin and analyst are outside it",
    "lado:report": "the LADO compartment: the walk's admin and analyst are outside it",
    "password_reset": "reached signed out",
    "password_reset_done": "reached signed out",
    "password_reset_confirm": "a link in an email",
    "password_reset_complete": "reached signed out",
    "password_change_done": "reached by redirect after changing a password",
    "performance:run-publish-confirm": "the confirmation step after the publish check page; the demo's figures are published",
    "performance:extract-use": "a POST from a checked extract's page; the demo's extract is in use",
    "performance:extract-check-again": "a POST from a failed or out-of-date extract's page; the demo's extract is in use",
    "performance:extract-discard": "offered on a checked extract's page; the demo's extract is in use",
    "performance:extract-cancel": "offered while an extract is being checked; the demo's extract is in use",
    "performance:data-version-go-back": "offered for an earlier data version; the demo has one version",
    "performance:data-version-recompute": "a POST from the extract list",
    "performance:run-publish": "offered while working figures are unpublished; the demo's figures are published",
    "performance:indicator-chart": "an image drawn inside an area page",
    "performance:trend-chart": "an image drawn beside each figure of the overview and area pages",
    "performance:journey-chart": "an image drawn inside the journey page",
    "performance:return-accept": "a POST from the return's page",
    "actions:action-closure-approve": "a POST from the action's page",
    "actions:action-closure-refuse": "a POST from the action's page",
    "actions:action-close-as-resolved": "offered only for an action whose source no longer needs it; the demo's wait for moderation",
    "training:course-book": "a POST from the course page",
    "training:booking-cancel": "offered only for a booking of a course still to come; the demo's bookings are of past courses",
    "training:booking-confirmed": "the confirmation after booking a place",
    "training:booking-calendar": "offered only for a confirmed place on a course still to come; the demo has none",
    "training:evaluate": "a single-use link in an email",
    "training:impact-choose": "a POST from the impact report",
    "audits:section11-return-submitted": "the confirmation after submitting a return",
    "audits:section11-answer-respond": "offered to the agency once moderation is complete; the walk reads as the business unit",
    "audits:section11-evidence-remove": "a POST from the answer's page",
    "audits:education-chase": "a POST from the audit's page",
    "training:booking-decide": "a POST from the booking's page",
    "training:waiver-decide": "a POST from the booking's page",
    "performance:target-edit": "no page links to it: the target list has no link column",
    "performance:returns-upload": "no page links to it",
    "audits:standard-add": "offered only for a framework not yet in use; the demo's are all in use",
    "audits:standard-edit": "offered only for a framework not yet in use; the demo's are all in use",
    "audits:section11-return-reopen": "offered only on a submitted return, past the first returns the walk opens",
    "audits:section11-answer-moderate": "offered only on a submitted return, past the first returns the walk opens",
    "audits:education-return": "offered only for a provider yet to return, past the first audits the walk opens",
    "reviews:panel": REVIEWS_COMPARTMENT,
    "reviews:clocks": REVIEWS_COMPARTMENT,
    "reviews:decision-list": REVIEWS_COMPARTMENT,
    "reviews:decision-add": REVIEWS_COMPARTMENT,
    "reviews:theme-list": REVIEWS_COMPARTMENT,
    "reviews:theme-add": REVIEWS_COMPARTMENT,
    "reviews:publication-rules": REVIEWS_COMPARTMENT,
    "reviews:briefing-list": REVIEWS_COMPARTMENT,
    "reviews:briefing-add": REVIEWS_COMPARTMENT,
    "reviews:briefing-detail": REVIEWS_COMPARTMENT,
    "reviews:briefing-edit": REVIEWS_COMPARTMENT,
    "reviews:incident-list": REVIEWS_COMPARTMENT,
    "reviews:incident-create": REVIEWS_COMPARTMENT,
    "reviews:incident-detail": REVIEWS_COMPARTMENT,
    "reviews:incident-edit": REVIEWS_COMPARTMENT,
    "reviews:incident-criteria": REVIEWS_COMPARTMENT,
    "reviews:incident-notify": REVIEWS_COMPARTMENT,
    "reviews:child-add": REVIEWS_COMPARTMENT,
    "reviews:incident-shares": REVIEWS_COMPARTMENT,
    "reviews:incident-shares-revoke": REVIEWS_COMPARTMENT,
    "reviews:child-identity": REVIEWS_COMPARTMENT,
    "reviews:rapid-review-detail": REVIEWS_COMPARTMENT,
    "reviews:rapid-review-recommend": REVIEWS_COMPARTMENT,
    "reviews:rapid-review-decision": REVIEWS_COMPARTMENT,
    "reviews:rapid-review-decide": REVIEWS_COMPARTMENT,
    "reviews:rapid-review-send": REVIEWS_COMPARTMENT,
    "reviews:rapid-review-response": REVIEWS_COMPARTMENT,
    "reviews:information-request-add": REVIEWS_COMPARTMENT,
    "reviews:rapid-review-shares": REVIEWS_COMPARTMENT,
    "reviews:rapid-review-shares-revoke": REVIEWS_COMPARTMENT,
    "reviews:information-request-detail": REVIEWS_COMPARTMENT,
    "reviews:information-request-return": REVIEWS_COMPARTMENT,
    "reviews:information-request-close": REVIEWS_COMPARTMENT,
    "reviews:returned-file": REVIEWS_COMPARTMENT,
    "reviews:review-list": REVIEWS_COMPARTMENT,
    "reviews:review-create": REVIEWS_COMPARTMENT,
    "reviews:review-detail": REVIEWS_COMPARTMENT,
    "reviews:review-edit": REVIEWS_COMPARTMENT,
    "reviews:review-scoping": REVIEWS_COMPARTMENT,
    "reviews:review-defer": REVIEWS_COMPARTMENT,
    "reviews:review-decision": REVIEWS_COMPARTMENT,
    "reviews:review-decide": REVIEWS_COMPARTMENT,
    "reviews:review-commission": REVIEWS_COMPARTMENT,
    "reviews:review-milestone-add": REVIEWS_COMPARTMENT,
    "reviews:review-draft-add": REVIEWS_COMPARTMENT,
    "reviews:review-sign-off": REVIEWS_COMPARTMENT,
    "reviews:review-sign-off-own": REVIEWS_COMPARTMENT,
    "reviews:review-publication": REVIEWS_COMPARTMENT,
    "reviews:review-recommendation-add": REVIEWS_COMPARTMENT,
    "reviews:review-learning-event-add": REVIEWS_COMPARTMENT,
    "reviews:review-shares": REVIEWS_COMPARTMENT,
    "reviews:review-shares-revoke": REVIEWS_COMPARTMENT,
    "reviews:deferral-end": REVIEWS_COMPARTMENT,
    "reviews:milestone-edit": REVIEWS_COMPARTMENT,
    "reviews:figures-confirm": "a POST from the review figures page, offered to the review panel only",
    "governance:structure-diagram": "an image drawn inside the structure page",
    "governance:priority-indicator-remove": "a POST from the priority's page",
    "governance:priority-roll-over": "offered on a year not yet decided; the walk opens the demo's decided 2019-20 years",
    "governance:challenge-respond": "offered only to the addressed partner's lead, delegate or safeguarding lead",
    "governance:challenge-close": "offered once a partner has responded; the demo's answered challenge is closed",
    "governance:assessment-respond": "offered until the partners respond; the demo's assessment has their response",
}

# Downloads the demo must offer, so a download that quietly disappears from its page fails the walk.
EXPECTED_DOWNLOADS = {
    "core:agency-list",
    "core:person-list",
    "core:audit-trail",
    "core:access-log",
    "actions:action-list",
    "actions:my-actions",
    "audits:education-providers",
    "audits:section11-movement",
    "audits:section11-evidence",
    "training:course-list",
    "training:booking-list",
    "training:report-attendance",
    "training:report-evaluation",
    "training:report-workforce",
    "training:report-needs",
    "training:report-impact",
    "training:invoice",
    "training:certificate-pdf",
    "performance:area",
    "performance:journey",
    "performance:scorecard-neglect",
    "performance:scorecard-exploitation",
    "performance:data-quality",
    "performance:extract-list",
    "performance:extract-detail",
    "performance:target-list",
    "performance:benchmark-list",
    "performance:return-list",
    "reviews:figures",
    "reviews:figures-decisions",
    "governance:judgement-list",
    "governance:group-list",
    "governance:meeting-list",
    "governance:attendance-report",
    "governance:budget",
    "governance:voice",
    "governance:challenge-list",
}

# Columns that hold identifiers (a school's URN, a module's code "6", a standard's number "7.5") or raw uploaded
# values: text by design.
TEXT_COLUMNS = {"URN", "Module", "Standard", "Child Id", "Value", "Record", "Page", "Address"}
LOOKS_NUMERIC = re.compile(r"^-?[\d,]+(\.\d+)?%?$")
PAGES_PER_PATTERN = 2


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href and not href.startswith(("#", "mailto:", "http:", "https:")):
                self.hrefs.append(href)


def all_patterns(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def seeds() -> list[str]:
    urls = []
    for name in all_patterns():
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue  # needs a record: reached through links
    return urls


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("demo")
    with django_db_blocker.unblock(), override_settings(VAR_DIR=folder):
        call_command("demo", stdout=open("/dev/null", "w"))
        yield folder
        call_command("flush", "--no-input")


def dedicated_downloads() -> list[str]:
    """What the demo lacks for every download to be offered, and the download pages a short walk may not reach.

    The demo's extracts have no rejected rows and the business manager owns no action; evidence files
    and certificates hang off records deep in their journeys.
    """
    admin = User.objects.filter(role_assignments__role=Role.PARTNERSHIP_ADMIN, is_demo_account=True).first()
    Action.objects.filter(pk=Action.objects.order_by("pk").values("pk")[:1]).update(owner=admin)
    Extract.objects.update(
        row_errors=[{"file": "list3.csv", "sheet": "", "row": 4, "column": "Date of Referral", "value": "31/02/2019"}]
    )
    answer = Section11Answer.objects.order_by("pk").first()
    evidence = EvidenceFile(
        answer=answer,
        stored_name="walk-evidence.pdf",
        original_name="Safeguarding policy.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=User.objects.filter(role_assignments__role=Role.AGENCY_LEAD).first(),
    )
    evidence.file.save("walk-evidence.pdf", ContentFile(PDF_BYTES), save=False)
    evidence.save()
    attended = Booking.objects.filter(attendance="attended").order_by("pk").first()
    return [evidence.get_absolute_url(), reverse("training:certificate", args=[attended.pk])]


def is_attachment(response) -> bool:
    return response.get("Content-Disposition", "").startswith("attachment")


def excel_problems(url, content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    problems = []
    if sheet.freeze_panes != "A2":
        problems.append(f"{url}: header row not frozen")
    if ABOUT_SHEET not in book.sheetnames:
        problems.append(f"{url}: no '{ABOUT_SHEET}' sheet")
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]] if rows else []
    if any(cell.column_letter not in sheet.column_dimensions for cell in (rows[0] if rows else [])):
        problems.append(f"{url}: column widths not set")
    for row in rows[1:]:
        for header, cell in zip(headers, row, strict=False):
            if cell.data_type == "f":
                problems.append(f"{url}: formula in {cell.coordinate}")
            elif (
                cell.data_type == "s"
                and header not in TEXT_COLUMNS
                and isinstance(cell.value, str)
                and LOOKS_NUMERIC.match(cell.value)
            ):
                problems.append(f"{url}: number stored as text in {header!r}: {cell.value!r}")
    return problems


def walk(client, user, start: list[str]):
    """Visit pages breadth first (at most a few per pattern) and request every download they offer."""
    queue, seen = deque(start), set()
    visited, downloads, problems = Counter(), {}, []
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        try:
            name = resolve(parts.path).view_name
        except Resolver404:
            continue
        offered = "export" in parse_qs(parts.query)
        if not offered and visited[name] >= PAGES_PER_PATTERN:
            continue
        visited[name] += 1
        last_entry = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url)
        if is_attachment(response):
            content = b"".join(response.streaming_content) if response.streaming else response.content
            entries = list(AccessLogEntry.objects.filter(pk__gt=last_entry))
            downloads.setdefault(name, []).append(url)
            if len(entries) != 1:
                problems.append(f"{url}: {len(entries)} access-log entries, expected 1")
            elif (entries[0].user_id, entries[0].event) != (user.pk, AccessLogEntry.Event.EXPORT):
                problems.append(f"{url}: logged as {entries[0].event} by {entries[0].user_label}")
            if "spreadsheetml" in response["Content-Type"]:
                problems.extend(excel_problems(url, content))
            continue
        if offered and response.status_code == 200:
            problems.append(f"{url}: a download link that gives back a page")
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            links = Links()
            links.feed(response.content.decode())
            queue.extend(urljoin(url, href).split("#")[0] for href in links.hrefs)
    return visited, downloads, problems


def test_every_download_is_logged_once_and_every_workbook_is_typed(demo, client, db, settings):
    # The demo's data versions are kept relative to ASSURE_VAR_DIR: read them where the demo wrote them.
    settings.VAR_DIR = demo
    extra = dedicated_downloads()
    reached, offered, problems = Counter(), {}, []
    for role in (Role.PARTNERSHIP_ADMIN, Role.ANALYST):
        user = User.objects.filter(role_assignments__role=role, is_demo_account=True).first()
        client.force_login(user)
        visited, downloads, found = walk(client, user, seeds() + extra)
        reached.update(visited)
        problems.extend(found)
        for name, urls in downloads.items():
            offered.setdefault(name, []).extend(urls)

    assert problems == [], "\n".join(problems)
    missing = EXPECTED_DOWNLOADS - set(offered)
    assert missing == set(), f"downloads the demo no longer offers: {sorted(missing)}"
    unreached = set(all_patterns()) - set(reached) - set(NOT_REACHED)
    assert unreached == set(), f"no link reaches these patterns; say why in NOT_REACHED: {sorted(unreached)}"
    formats = {
        urlsplit(url).query.split("export=")[-1] for urls in offered.values() for url in urls if "export=" in url
    }
    assert formats == {"csv", "xlsx"}
