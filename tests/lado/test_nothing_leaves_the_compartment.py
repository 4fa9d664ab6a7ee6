"""Outside the compartment the audit trail (list, record-type filter, download, entry), the access log and record
history show nothing of LADO work: no adult's name, no field value, no search term; history answers 404."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assure.core.models import AccessLogEntry, AuditEntry
from assure.lado import services
from assure.lado.models import Allegation
from tests.lado import builders

CLUES = (builders.ADULT_NAME, "Quillfeather", "Elmdon Primary", "Teaching assistant", "pushed a pupil", "L-2019-001")


def _text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content), read_only=True)
        return " ".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)
    return response.content.decode("utf-8-sig")


@pytest.fixture
def casework(lado, lado_client):
    allegation = builders.allegation(lado)
    services.note_add(case=allegation, text="Spoke to the headteacher at Elmdon Primary.", by=lado)
    meeting_page = reverse("lado:meeting-add", args=[allegation.pk])
    assert (
        lado_client.post(
            meeting_page, {"held_on": "2020-02-03", "decisions": "Suspend pending the police."}
        ).status_code
        == 302
    )
    assert lado_client.get(reverse("lado:case-list"), {"q": "Quillfeather"}).status_code == 200
    assert lado_client.get(reverse("lado:search"), {"name": "Quillfeather"}).status_code == 200
    assert lado_client.get(allegation.get_absolute_url()).status_code == 200
    return allegation


def _leaks(text: str) -> list[str]:
    return [clue for clue in (*CLUES, "Suspend pending", "Quillfeather") if clue in text]


def test_the_audit_trail_shows_nothing_of_lado_work_outside(admin_client, casework):
    trail = reverse("core:audit-trail")
    assert not _leaks(admin_client.get(trail).content.decode())
    for query in (
        {"record_type": Allegation.record_type_slug()},
        {"record_type": "lado.Allegation"},
        {"q": "Quillfeather"},
    ):
        response = admin_client.get(trail, query)
        assert response.status_code == 200
        assert not response.context["table"].queryset.filter(record_type__startswith="lado.").exists(), query
    for fmt in ("csv", "xlsx"):
        assert not _leaks(_text(admin_client.get(trail, {"export": fmt}))), fmt
    entries = AuditEntry.objects.filter(record_type__startswith="lado.")
    assert entries.count() > 5
    for entry in entries:
        assert admin_client.get(reverse("core:audit-entry", args=[entry.pk])).status_code == 404


def test_inside_history_names_the_case_but_never_the_adult(lado_client, casework):
    response = lado_client.get(casework.history_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "allegation L-2019-001" in page
    # The adult's details and the narrative are written to the trail only as "changed".
    assert builders.ADULT_NAME not in page and "pushed a pupil" not in page


def test_the_access_log_keeps_lado_views_without_search_terms_and_hides_them_outside(admin_client, lado, casework):
    logged = AccessLogEntry.objects.filter(user=lado, record_type="lado.Allegation")
    assert logged.filter(event=AccessLogEntry.Event.VIEW, path=casework.get_absolute_url()).exists()
    assert not AccessLogEntry.objects.filter(path__contains="Quillfeather").exists()
    log = reverse("core:access-log")
    assert not _leaks(admin_client.get(log).content.decode())
    assert (
        not admin_client.get(log, {"record_type": Allegation.record_type_slug()})
        .context["table"]
        .queryset.filter(record_type__startswith="lado.")
        .exists()
    )
    for fmt in ("csv", "xlsx"):
        assert not _leaks(_text(admin_client.get(log, {"export": fmt})))


def test_history_answers_404_outside(admin_client, make_person, council, casework):
    assert admin_client.get(casework.history_url()).status_code == 404
    for meeting in casework.meeting_set.all():
        assert admin_client.get(meeting.history_url()).status_code == 404
    panel = Client()
    from assure.core.permissions import Role

    panel.force_login(make_person(Role.REVIEW_PANEL, council))
    assert panel.get(casework.history_url()).status_code == 404


def test_lists_and_searches_of_the_compartment_are_logged_without_their_search_terms(lado, lado_client, casework):
    lado_client.get(reverse("lado:case-list"), {"q": "Quillfeather"})
    lado_client.get(reverse("lado:consultation-list"), {"q": "Quillfeather"})
    lado_client.get(reverse("lado:search"), {"name": "Quillfeather"})
    listings = AccessLogEntry.objects.filter(user=lado, event=AccessLogEntry.Event.VIEW, record_type="")
    assert set(listings.values_list("path", flat=True)) == {
        reverse("lado:case-list"),
        reverse("lado:consultation-list"),
        reverse("lado:search"),
    }
    assert not AccessLogEntry.objects.filter(path__contains="Quillfeather").exists()
    assert not any("Quillfeather" in entry.object_repr for entry in listings)
