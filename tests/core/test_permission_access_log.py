"""The scoped lookups write the access log: a page showing a sensitive record once, and every refused attempt."""

from django.apps import apps
from django.test import Client
from django.urls import reverse

from assure.core.models import AccessLogEntry
from assure.core.permissions import Role
from tests.audits import builders as audit_builders
from tests.training.agency_records import _booking

SENSITIVE = {
    "core.User",
    "core.AuditEntry",
    "performance.Extract",
    "performance.DataVersion",
    "training.Booking",
    "training.EvaluationResponse",
    "audits.Section11Return",
    "audits.EvidenceFile",
}


def _signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_sensitive_record_types_say_they_are_access_logged():
    logged = {model._meta.label for model in apps.get_models() if getattr(model, "access_logged", False)}
    assert SENSITIVE <= logged


def test_opening_a_sensitive_record_writes_one_view_entry(admin_client, admin_user, make_person, police):
    person = make_person(Role.PRACTITIONER, police)
    booking = _booking(police, make_person)
    section11_return = audit_builders.section11_return(police)
    for record, url in [
        (person, reverse("core:person-detail", args=[person.pk])),
        (booking, reverse("training:booking-detail", args=[booking.pk])),
        (section11_return, reverse("audits:section11-return", args=[section11_return.pk])),
    ]:
        assert admin_client.get(url, {"tab": "roles"}).status_code == 200
        [entry] = AccessLogEntry.objects.filter(record_type=record._meta.label, object_id=str(record.pk))
        assert (entry.user, entry.event, entry.path) == (admin_user, AccessLogEntry.Event.VIEW, f"{url}?tab=roles")


def test_a_records_history_is_logged_once(admin_client, make_person, police):
    person = make_person(Role.PRACTITIONER, police)
    assert admin_client.get(reverse("core:record-history", args=["person", person.pk])).status_code == 200
    [entry] = AccessLogEntry.objects.filter(event=AccessLogEntry.Event.VIEW)
    assert entry.object_repr == f"History of {person}"


def test_a_download_of_a_sensitive_record_writes_one_entry_not_a_view_beside_it(admin_client, make_person, police):
    evidence = audit_builders.evidence_file(police, make_person)
    response = admin_client.get(reverse("audits:section11-evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert AccessLogEntry.objects.filter(record_type="audits.EvidenceFile").count() == 1


def test_a_refused_page_is_logged_with_who_what_and_when(make_person, council):
    practitioner = make_person(Role.PRACTITIONER, council)
    response = _signed_in(practitioner).get(reverse("core:audit-trail"), {"actor_label": "someone"})
    assert response.status_code == 403
    [refused] = AccessLogEntry.objects.filter(event=AccessLogEntry.Event.REFUSED)
    assert (refused.user, refused.path) == (practitioner, "/audit-trail/?actor_label=someone")
    assert refused.at is not None


def test_a_record_out_of_scope_is_logged_as_refused(make_person, police, council):
    lead = make_person(Role.AGENCY_LEAD, police)
    someone_elses = make_person(Role.PRACTITIONER, council)
    response = _signed_in(lead).get(reverse("core:person-detail", args=[someone_elses.pk]))
    assert response.status_code == 404
    [refused] = AccessLogEntry.objects.filter(event=AccessLogEntry.Event.REFUSED)
    assert (refused.user, refused.record_type, refused.object_id) == (lead, "core.User", str(someone_elses.pk))
    assert refused.object_repr == "", "nothing of a record out of reach is written down"
    assert not AccessLogEntry.objects.filter(event=AccessLogEntry.Event.VIEW).exists()


def test_a_page_that_does_not_exist_is_not_a_refusal(admin_client):
    assert admin_client.get("/no-such-page/").status_code == 404
    assert not AccessLogEntry.objects.filter(event=AccessLogEntry.Event.REFUSED).exists()
