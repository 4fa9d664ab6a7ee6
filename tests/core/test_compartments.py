"""Compartments (LADO, reviews) in core: outside, every page of one is a 404, and core's shared pages (audit trail,
record history, access log, search, home, navigation) show nothing of its records. The test compartment app
(``tests/compartment_app``) stands in for the LADO's allegations."""

import io
from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assure.core.models import AccessLogEntry, AuditEntry, RoleAssignment
from assure.core.permissions import GRANTS, Action, Area, Role
from assure.core.record_grants import record_grant_create
from tests.compartment_app.compartment_records import make_concern
from tests.compartments import load_registrations

RECORD_TYPES = load_registrations()
OUTSIDE = [
    (record_type, role)
    for record_type in RECORD_TYPES
    for role in Role
    if not GRANTS[role].get((record_type.model.permission_area, Action.VIEW))
]


def a_week_ahead():
    return timezone.localdate() + timedelta(days=7)


@pytest.fixture
def lado(make_person, council):
    return make_person(Role.LADO, council, full_name="Lee Designated")


@pytest.fixture
def concern(lado):
    concern = make_concern()
    concern.narrative = "Changed after a strategy discussion."
    concern.save()
    return concern


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)
    return response.content.decode("utf-8-sig")


def _leaks(text: str, concern) -> list[str]:
    return [
        clue
        for clue in (concern.subject_name, concern.reference, "Changed after a strategy", "compartment_app", "Concern")
        if clue in text
    ]


@pytest.mark.parametrize(
    ("record_type", "role"), OUTSIDE, ids=lambda value: getattr(getattr(value, "model", None), "__name__", value)
)
def test_every_page_of_a_compartment_answers_404_to_every_role_outside_it(record_type, role, make_person, council):
    record = record_type.make()
    stored = model_to_dict(record)
    person = make_person(role, council)
    client = Client()
    client.force_login(person)
    urls = record_type.urls(record)
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"subject_name": "Overwritten", "reason": "x"}).status_code == 404, url
    refused = AccessLogEntry.objects.filter(user=person, event=AccessLogEntry.Event.REFUSED)
    assert refused.count() == 2 * len(urls)
    assert not [entry.path for entry in refused if "?" in entry.path], "compartment paths are logged without queries"
    record.refresh_from_db()
    assert model_to_dict(record) == stored, "nothing outside the compartment changes a record"


# Who works inside each compartment.
INSIDERS = {Area.LADO: Role.LADO, Area.REVIEWS: Role.REVIEW_PANEL}


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=lambda r: r.model.__name__)
def test_people_inside_the_compartment_open_every_page_of_it(record_type, make_person, council):
    insider = make_person(INSIDERS[record_type.model.permission_area], council)
    record = record_type.make()
    client = Client()
    client.force_login(insider)
    for url in record_type.urls(record):
        assert client.get(url).status_code == 200, url


def test_the_audit_trail_shows_nothing_of_a_compartment_outside_it(admin_client, admin_user, lado, concern):
    record_grant_create(
        record=concern, grantee=admin_user, reason="Police liaison for Jordan", expires_on=a_week_ahead(), by=lado
    )
    trail = reverse("core:audit-trail")
    page = admin_client.get(trail).content.decode()
    assert not _leaks(page, concern)
    assert "Police liaison" not in page
    # What a person types into a filter comes back in the filter; the rows must not.
    for search in (
        {"record_type": concern.record_type_slug()},
        {"record_type": "RecordGrant"},
        {"record_type": "Concern", "object_id": concern.pk},
    ):
        response = admin_client.get(trail, search)
        assert response.status_code == 200
        shown = response.context["table"].queryset
        assert not shown.filter(record_type__in=["compartment_app.Concern", "core.RecordGrant"]).exists(), search
    for download in ("csv", "xlsx"):
        response = admin_client.get(trail, {"export": download})
        assert response.status_code == 200
        assert not _leaks(_text(response), concern), download
        assert "Police liaison" not in _text(response)
    hidden = AuditEntry.objects.filter(record_type__in=["compartment_app.Concern", "core.RecordGrant"])
    assert hidden.count() == 3
    for entry in hidden:
        assert admin_client.get(reverse("core:audit-entry", args=[entry.pk])).status_code == 404


def test_inside_the_compartment_the_audit_trail_shows_its_records(client, admin_user, concern):
    RoleAssignment.objects.create(user=admin_user, role=Role.LADO)
    client.force_login(admin_user)
    response = client.get(reverse("core:audit-trail"), {"record_type": concern.record_type_slug()})
    assert response.context["table"].page.paginator.count == 2
    entry = AuditEntry.objects.filter(record_type="compartment_app.Concern").first()
    assert client.get(reverse("core:audit-entry", args=[entry.pk])).status_code == 200


def test_record_history_answers_404_outside_the_compartment(admin_client, admin_user, lado, concern):
    history = reverse("core:record-history", args=[concern.record_type_slug(), concern.pk])
    assert admin_client.get(history).status_code == 404
    grant = record_grant_create(
        record=concern, grantee=admin_user, reason="Liaison", expires_on=a_week_ahead(), by=lado
    )
    assert (
        admin_client.get(reverse("core:record-history", args=[grant.record_type_slug(), grant.pk])).status_code == 404
    )
    inside = Client()
    inside.force_login(lado)
    response = inside.get(history)
    assert response.status_code == 200
    assert "Changed after a strategy discussion." in response.content.decode()


def test_the_access_log_shows_nothing_of_a_compartment_outside_it(admin_client, lado, concern):
    inside = Client()
    inside.force_login(lado)
    assert inside.get(reverse("compartment:concern-list"), {"q": "Jordan Subjectname"}).status_code == 200
    assert inside.get(concern.get_absolute_url(), {"from": "search"}).status_code == 200
    logged = AccessLogEntry.objects.get(user=lado, record_type="compartment_app.Concern")
    assert logged.path == concern.get_absolute_url(), "a compartment's pages are logged without their query strings"
    log = reverse("core:access-log")
    page = admin_client.get(log).content.decode()
    assert not _leaks(page, concern)
    assert "Jordan" not in page
    filtered = admin_client.get(log, {"record_type": concern.record_type_slug()}).context["table"].queryset
    assert not filtered.filter(record_type="compartment_app.Concern").exists()
    lados_entries = admin_client.get(log, {"person": lado.email}).context["table"]
    assert [row[1]["value"] for row in lados_entries.rows()] == [f"{lado.full_name} signed in"]
    for download in ("csv", "xlsx"):
        assert not _leaks(_text(admin_client.get(log, {"export": download})), concern)


@pytest.mark.parametrize("role", sorted({role for _, role in OUTSIDE}), ids=str)
def test_home_page_and_navigation_show_nothing_of_a_compartment_outside_it(role, make_person, council, concern):
    client = Client()
    client.force_login(make_person(role, council))
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert not _leaks(page, concern)
    assert "/compartment/" not in page
    navigation = response.context["navigation"]
    links = [*navigation.sections, *navigation.groups, *navigation.pages]
    assert not [link for link in links if link.url.startswith("/compartment/")]
