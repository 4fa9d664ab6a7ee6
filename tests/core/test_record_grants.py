"""The one per-record grant (a share): one record, read-only, until the end of a day in London, revocable on the next
request, every use logged."""

from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assure.core.models import AccessLogEntry, RecordGrant
from assure.core.permissions import Action, Role, may, scoped
from assure.core.record_grants import record_grant_create, record_grant_revoke
from tests.compartment_app.compartment_records import make_concern
from tests.compartment_app.models import Concern


@pytest.fixture
def lado(make_person, council):
    return make_person(Role.LADO, council, full_name="Lee Designated")


@pytest.fixture
def officer(make_person, police):
    return make_person(Role.AGENCY_LEAD, police, full_name="Pat Police")


def _share(record, grantee, by, *, days=7, reason="Police liaison for the strategy discussion"):
    return record_grant_create(
        record=record,
        grantee=grantee,
        reason=reason,
        expires_on=timezone.localdate() + timedelta(days=days),
        by=by,
    )


def _signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_a_share_opens_one_record_read_only_and_every_view_is_logged(lado, officer):
    shared, other = make_concern(), make_concern()
    _share(shared, officer, lado)
    client = _signed_in(officer)
    for _ in range(2):
        response = client.get(shared.get_absolute_url())
        assert response.status_code == 200
        assert shared.narrative in response.content.decode()
    uses = AccessLogEntry.objects.filter(user=officer, event=AccessLogEntry.Event.VIEW_SHARED)
    assert uses.count() == 2
    assert {(use.record_type, use.object_id) for use in uses} == {("compartment_app.Concern", str(shared.pk))}
    for url in [
        other.get_absolute_url(),
        reverse("compartment:concern-edit", args=[shared.pk]),
        reverse("compartment:concern-shares", args=[shared.pk]),
        reverse("compartment:concern-list"),
        reverse("compartment:concern-list") + "?export=csv",
        reverse("core:record-history", args=[shared.record_type_slug(), shared.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_a_share_counts_for_viewing_only(lado, officer):
    shared = make_concern()
    make_concern()
    _share(shared, officer, lado)
    assert list(scoped(Concern.objects.all(), officer)) == [shared]
    assert not scoped(Concern.objects.all(), officer, Action.EDIT).exists()
    assert not scoped(Concern.objects.all(), officer, Action.EXPORT).exists()
    assert may(officer, Action.VIEW, shared)
    assert not may(officer, Action.EDIT, shared)


def test_a_person_with_a_share_cannot_share_it_on(lado, officer, make_person, police):
    shared = make_concern()
    _share(shared, officer, lado)
    colleague = make_person(Role.PRACTITIONER, police)
    client = _signed_in(officer)
    shares = reverse("compartment:concern-shares", args=[shared.pk])
    response = client.post(shares, {"grantee": colleague.pk, "reason": "Pass it on", "expires_on": "01/01/2099"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied, match="do not let you change"):
        _share(shared, colleague, officer)
    assert not RecordGrant.objects.filter(grantee=colleague).exists()


def test_a_share_lasts_to_the_end_of_its_last_day_in_london(lado, officer):
    shared = make_concern()
    last_day = date(2025, 7, 1)
    RecordGrant.objects.create(
        grantee=officer,
        record_type="compartment_app.Concern",
        object_id=shared.pk,
        reason="Liaison",
        expires_on=last_day,
        granted_by=lado,
    )
    london = ZoneInfo("Europe/London")
    late_on_the_last_day = datetime(2025, 7, 1, 23, 59, tzinfo=london)
    # 23:30 UTC is already half past midnight in London in summer.
    just_after_midnight = datetime(2025, 7, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    with mock.patch("django.utils.timezone.now", return_value=late_on_the_last_day):
        assert _signed_in(officer).get(shared.get_absolute_url()).status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=just_after_midnight):
        assert _signed_in(officer).get(shared.get_absolute_url()).status_code == 404


def test_revoking_a_share_stops_it_on_the_next_request(lado, officer):
    shared = make_concern()
    grant = _share(shared, officer, lado)
    officers_browser = _signed_in(officer)
    assert officers_browser.get(shared.get_absolute_url()).status_code == 200
    revoke = reverse("compartment:concern-shares-revoke", args=[shared.pk, grant.pk])
    response = _signed_in(lado).post(revoke)
    assert response.status_code == 302
    assert response["Location"] == reverse("compartment:concern-shares", args=[shared.pk])
    assert officers_browser.get(shared.get_absolute_url()).status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_by == lado and grant.status() == "Revoked"
    with pytest.raises(ValidationError, match="already ended"):
        record_grant_revoke(grant=grant, by=lado)


def test_the_share_page_shares_a_record_and_emails_a_neutral_link(lado, officer, django_capture_on_commit_callbacks):
    shared = make_concern()
    client = _signed_in(lado)
    shares = reverse("compartment:concern-shares", args=[shared.pk])
    until = timezone.localdate() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            shares,
            {"grantee": officer.pk, "reason": "Police liaison", "expires_on": until.strftime("%d/%m/%Y")},
        )
    assert response.status_code == 302
    grant = RecordGrant.objects.get()
    assert (grant.grantee, grant.granted_by, grant.expires_on, grant.object_id) == (officer, lado, until, shared.pk)
    [email] = mail.outbox
    assert email.to == [officer.email]
    assert email.subject == "[Assure] A record has been shared with you"
    assert shared.get_absolute_url() in email.body
    for detail in (shared.reference, shared.subject_name, "Police liaison", "Concern"):
        assert detail not in email.subject + email.body
    page = client.get(shares).content.decode()
    assert "Pat Police" in page and "Police liaison" in page and "Revoke" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reason": "  "}, "reason", "Enter why they need to see this record."),
        ({"days": -1}, "expires_on", "The share must end today or later."),
        ({"grantee": "self"}, "grantee", "Choose someone other than yourself."),
        ({"grantee": "another LADO"}, "grantee", "can already see this record through their roles."),
        ({"grantee": "twice"}, "grantee", "already has a share of this record until"),
    ],
)
def test_a_share_is_refused_with_a_reason_and_nothing_saved(
    change, field, message, lado, officer, make_person, council
):
    shared = make_concern()
    grantee = {
        "self": lado,
        "another LADO": make_person(Role.LADO, council),
        "twice": officer,
    }.get(change.get("grantee"), officer)
    if change.get("grantee") == "twice":
        _share(shared, officer, lado)
    before = RecordGrant.objects.count()
    with pytest.raises(ValidationError) as refused:
        _share(shared, grantee, lado, days=change.get("days", 7), reason=change.get("reason", "Liaison"))
    assert any(message in text for text in refused.value.message_dict[field])
    assert RecordGrant.objects.count() == before


def test_bad_input_on_the_share_page_says_what_was_wrong_and_saves_nothing(lado, officer):
    shared = make_concern()
    response = _signed_in(lado).post(
        reverse("compartment:concern-shares", args=[shared.pk]),
        {"grantee": officer.pk, "reason": "Liaison", "expires_on": "01/01/2001"},
    )
    assert response.status_code == 400
    assert "The share must end today or later." in response.content.decode()
    assert not RecordGrant.objects.exists()
