"""Agencies' information requests: an agency's safeguarding leads see only the requests addressed to their agency,
with the child's identity and what they returned, while the request is open; nothing of any rapid review. Returned
files are checked, stored under neutral names, served never to be kept, and purged after retention."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assure.core.permissions import Role
from assure.reviews import services
from assure.reviews.models import RETURNED_FILE_RETENTION_DAYS, ReturnedFile
from tests.core.records import person

from . import builders


@pytest.fixture
def panel(police):
    return builders.panel_member(police)


@pytest.fixture
def rapid_review(partnership, panel):
    return builders.notified(partnership, panel)


def _sent(rapid_review, agency, panel):
    return services.information_request_send(
        rapid_review=rapid_review,
        agency=agency,
        asked_for="A chronology of your involvement with the family.",
        sent_on=date(2020, 4, 16),
        due_on=date(2020, 4, 23),
        by=panel,
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_agency_lead_sees_only_their_agencys_request_and_file_while_it_is_open(rapid_review, panel, police, council):
    police_lead, council_lead = person(Role.AGENCY_LEAD, police), person(Role.AGENCY_LEAD, council)
    to_police, to_council = _sent(rapid_review, police, panel), _sent(rapid_review, council, panel)
    police_file = services.information_return_add(
        information_request=to_police, upload=builders.pdf(), kind="chronology", by=police_lead
    )
    services.information_return_add(
        information_request=to_council, upload=builders.pdf(), kind="chronology", by=council_lead
    )

    police_client, council_client = _client(police_lead), _client(council_lead)
    page = police_client.get(to_police.get_absolute_url())
    assert page.status_code == 200
    assert builders.CHILD_NAME in page.content.decode(), "the addressed agency sees who the request is about"
    assert police_client.get(police_file.get_absolute_url()).status_code == 200
    # Agency lead of the council: the police's request and its file do not exist for them.
    assert council_client.get(to_police.get_absolute_url()).status_code == 404
    assert council_client.get(police_file.get_absolute_url()).status_code == 404
    assert council_client.get(reverse("reviews:information-request-return", args=[to_police.pk])).status_code == 404
    # Nor does any rapid review, incident or list, for either of them.
    for client in (police_client, council_client):
        for url in (
            rapid_review.get_absolute_url(),
            rapid_review.incident.get_absolute_url(),
            reverse("reviews:incident-list"),
            reverse("reviews:panel"),
            reverse("reviews:clocks"),
        ):
            assert client.get(url).status_code == 404, url

    services.information_request_close(information_request=to_police, by=panel)
    assert police_client.get(to_police.get_absolute_url()).status_code == 404
    assert police_client.get(police_file.get_absolute_url()).status_code == 404


def test_an_agency_lead_returns_a_checked_file_kept_under_a_neutral_name(client, rapid_review, panel, police):
    lead = person(Role.AGENCY_LEAD, police)
    request = _sent(rapid_review, police, panel)
    client.force_login(lead)
    url = reverse("reviews:information-request-return", args=[request.pk])
    fake = SimpleUploadedFile("Jordan Testchild chronology.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    refused = client.post(url, {"kind": "chronology", "file": fake})
    assert refused.status_code == 400
    assert "is not a real PDF" in refused.content.decode()
    assert not ReturnedFile.objects.exists()

    uploaded = client.post(url, {"kind": "chronology", "file": builders.pdf("Jordan Testchild chronology.pdf")})
    assert uploaded.status_code == 302
    returned = ReturnedFile.objects.get()
    assert "Jordan" not in returned.file.name and "chronology" not in returned.stored_name
    download = client.get(returned.get_absolute_url())
    assert download["Cache-Control"] == "no-store, private"
    assert "Jordan" not in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_closed_request_takes_no_more_files(rapid_review, panel, police):
    request = _sent(rapid_review, police, panel)
    client = _client(panel)
    confirm = client.get(reverse("reviews:information-request-close", args=[request.pk]))
    assert "cannot be opened again" in confirm.content.decode()
    client.post(reverse("reviews:information-request-close", args=[request.pk]))
    request.refresh_from_db()
    assert request.closed_on is not None
    response = client.post(
        reverse("reviews:information-request-return", args=[request.pk]), {"kind": "summary", "file": builders.pdf()}
    )
    assert response.status_code == 400
    assert "This request is closed" in response.content.decode()


def test_sending_the_rapid_review_closes_its_requests(rapid_review, panel, police):
    lead = person(Role.AGENCY_LEAD, police)
    request = _sent(rapid_review, police, panel)
    services.rapid_review_recommend(
        rapid_review=rapid_review,
        meeting_on=date(2020, 4, 28),
        recommendation="no_review",
        rationale="Acted on.",
        by=panel,
    )
    services.rapid_review_send(rapid_review=rapid_review, sent_on=date(2020, 5, 5), by=panel)
    request.refresh_from_db()
    assert request.closed_on is not None
    assert _client(lead).get(request.get_absolute_url()).status_code == 404


def test_returned_files_are_purged_after_retention_and_the_record_kept(
    rapid_review, panel, police, django_capture_on_commit_callbacks
):
    request = _sent(rapid_review, police, panel)
    returned = services.information_return_add(
        information_request=request, upload=builders.pdf(), kind="chronology", by=panel
    )
    stored = returned.file.name
    services.rapid_review_recommend(
        rapid_review=rapid_review,
        meeting_on=date(2020, 4, 28),
        recommendation="no_review",
        rationale="Acted on.",
        by=panel,
    )
    services.rapid_review_send(rapid_review=rapid_review, sent_on=date(2020, 5, 5), by=panel)
    kept_until = date(2020, 5, 5) + timedelta(days=RETURNED_FILE_RETENTION_DAYS)
    assert services.returned_files_purge(today=kept_until - timedelta(days=1)) == 0
    # The file goes once the tombstone is committed.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.returned_files_purge(today=kept_until) == 1
    returned.refresh_from_db()
    assert returned.purged_on == kept_until and not returned.file
    assert not returned.file.storage.exists(stored)
    assert _client(panel).get(returned.get_absolute_url()).status_code == 404
