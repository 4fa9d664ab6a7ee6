"""A LADO shares one case: the person reads it, read-only, until the end of the expiry day; a revoked share stops on
the next request; every use is logged."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from assure.core.models import AccessLogEntry, RoleAssignment
from assure.core.permissions import Role
from assure.core.record_grants import record_grant_create, record_grant_revoke
from tests.lado import builders

TODAY = date(2020, 3, 2)


@pytest.fixture
def officer(make_person, police):
    return make_person(Role.AGENCY_LEAD, police, full_name="Pat Police")


@pytest.fixture
def shared(lado, officer, time_machine_today):
    RoleAssignment.objects.filter(user__in=[lado, officer]).update(started_on=date(2019, 4, 1))
    case = builders.allegation(lado)
    other = builders.allegation(lado)
    grant = record_grant_create(
        record=case, grantee=officer, reason="Police liaison", expires_on=TODAY, by=lado, today=TODAY
    )
    return case, other, grant


@pytest.fixture
def time_machine_today(monkeypatch):
    """Assure reads today from ``timezone.localdate``: pin it so that a share's last day can be passed."""
    days = {"today": TODAY}
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: days["today"])
    return days


def test_a_share_opens_one_case_read_only_to_the_end_of_its_day(shared, officer, time_machine_today):
    case, other, grant = shared
    client = Client()
    client.force_login(officer)
    response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert builders.ADULT_NAME in page and "You cannot change, download or share it." in page
    assert reverse("lado:allegation-edit", args=[case.pk]) not in page
    assert client.get(other.get_absolute_url()).status_code == 404
    for url in (
        reverse("lado:allegation-edit", args=[case.pk]),
        reverse("lado:allegation-note-add", args=[case.pk]),
        reverse("lado:allegation-shares", args=[case.pk]),
        case.history_url(),
        reverse("lado:case-list"),
        reverse("lado:case-list") + "?export=csv",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("lado:allegation-note-add", args=[case.pk]), {"text": "Mine"}).status_code == 404
    assert (
        AccessLogEntry.objects.filter(
            user=officer, event=AccessLogEntry.Event.VIEW_SHARED, object_id=str(case.pk)
        ).count()
        == 1
    )

    time_machine_today["today"] = TODAY + timedelta(days=1)
    assert client.get(case.get_absolute_url()).status_code == 404


def test_a_revoked_share_stops_on_the_next_request(shared, lado, officer):
    case, _, grant = shared
    client = Client()
    client.force_login(officer)
    assert client.get(case.get_absolute_url()).status_code == 200
    record_grant_revoke(grant=grant, by=lado, today=TODAY)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert AccessLogEntry.objects.filter(
        user=officer, event=AccessLogEntry.Event.REFUSED, path=case.get_absolute_url()
    ).exists()
