from django.urls import reverse

from assure.core.models import AccessLogEntry, AuditEntry


def test_viewing_an_audit_entry_is_logged(admin_client, admin_user, police):
    entry = AuditEntry.objects.filter(record_type="core.Agency").first()
    response = admin_client.get(reverse("core:audit-entry", args=[entry.pk]))
    assert response.status_code == 200
    logged = AccessLogEntry.objects.get(event="view", record_type="core.AuditEntry")
    assert logged.user == admin_user
    assert logged.object_id == str(entry.pk)


def test_viewing_a_records_history_is_logged_and_shows_the_changes(admin_client, police):
    police.name = "Renamed Police"
    police.save()
    response = admin_client.get(reverse("core:record-history", args=["agency", police.pk]))
    html = response.content.decode()
    assert "Test Police" in html and "Renamed Police" in html
    assert AccessLogEntry.objects.filter(event="view", record_type="core.Agency", object_id=str(police.pk)).exists()


def test_the_audit_trail_filters_by_action_and_date(admin_client, police):
    police.name = "Changed"
    police.save()
    response = admin_client.get(reverse("core:audit-trail"), {"action": "update"})
    assert [row[1]["value"] for row in response.context["table"].rows()] == [
        "Assure changed the name of the agency Changed"
    ]
    bad = admin_client.get(reverse("core:audit-trail"), {"date_from": "31/12/2020", "date_to": "01/01/2020"})
    assert "Date to must be the same as or after date from" in bad.content.decode()


def test_an_unknown_record_type_has_no_history_page(admin_client):
    assert admin_client.get(reverse("core:record-history", args=["nothing", 1])).status_code == 404
    assert admin_client.get(reverse("core:record-history", args=["audit-entry", 1])).status_code == 404
