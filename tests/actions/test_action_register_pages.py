import io
from datetime import date

import openpyxl
from django.test import Client
from django.urls import reverse

from assure.actions.models import Action, ActionUpdate, SourceKind, Status
from assure.core.models import AuditEntry
from assure.core.permissions import Role

from .builders import action


def test_the_register_filters_by_source_agency_and_status(admin_client, police, council):
    peer = action(police, text="Publish the dashboard.")
    Action.objects.create(
        partnership=council.partnership,
        text="Refresh the strategy.",
        source_kind=SourceKind.STRATEGIC_PLAN,
        source_label="Strategic plan",
        agency=council,
        due_date=date(2099, 1, 1),
    )
    response = admin_client.get(reverse("actions:action-list"), {"source_kind": SourceKind.PEER_REVIEW})
    assert list(response.context["table"].page.object_list) == [peer]
    response = admin_client.get(reverse("actions:action-list"), {"agency": council.pk})
    assert [a.text for a in response.context["table"].page.object_list] == ["Refresh the strategy."]
    response = admin_client.get(reverse("actions:action-list"), {"status": Status.OVERDUE})
    assert list(response.context["table"].page.object_list) == [peer]
    response = admin_client.get(reverse("actions:action-list"), {"q": "strategy"})
    assert response.context["table"].page.paginator.count == 1


def test_the_register_downloads_as_excel_with_the_derived_status(admin_client, police):
    action(police, due_date=date(2020, 1, 1))
    response = admin_client.get(reverse("actions:action-list"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Ref" and "Status" in rows[0]
    assert rows[1][rows[0].index("Status")] == "Overdue"


def test_my_actions_shows_only_the_leads_own_agency(client, make_person, police, council):
    mine = action(police, text="Police action.")
    action(council, text="Council action.")
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.get(reverse("actions:my-actions"))
    assert list(response.context["table"].page.object_list) == [mine]
    assert "Council action." not in response.content.decode()


def test_an_agency_lead_cannot_reach_another_agencys_action(client, make_person, police, council):
    other = action(council)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    assert client.get(reverse("actions:action-detail", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("actions:action-update-add", args=[other.pk]), {"date": "01/03/2020", "text": "Sneaky."}
    )
    assert response.status_code == 404
    assert not ActionUpdate.objects.exists()


def test_an_agency_lead_records_progress_on_their_own_action(client, make_person, police):
    record = action(police)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.post(
        reverse("actions:action-update-add", args=[record.pk]),
        {"date": "01/03/2020", "text": "Draft shared.", "evidence_of_impact": "Used at the March board."},
    )
    assert response.status_code == 302
    update = record.updates.get()
    assert (update.date, update.evidence_of_impact) == (date(2020, 3, 1), "Used at the March board.")


def test_bad_progress_input_shows_the_error_summary_and_saves_nothing(client, make_person, police):
    record = action(police)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.post(reverse("actions:action-update-add", args=[record.pk]), {"date": "31/02/2020", "text": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Enter progress" in page
    assert not ActionUpdate.objects.exists()


def test_closure_needs_evidence_and_the_business_units_approval(client, admin_user, make_person, police):
    record = action(police)
    business_unit = Client()
    business_unit.force_login(admin_user)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.post(reverse("actions:action-closure-request", args=[record.pk]), {"evidence": ""})
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.closure_requested_on is None

    client.post(
        reverse("actions:action-closure-request", args=[record.pk]), {"evidence": "Dashboard live since March."}
    )
    assert client.post(reverse("actions:action-closure-approve", args=[record.pk])).status_code == 403
    record.refresh_from_db()
    assert record.status == Status.AWAITING_CLOSURE

    business_unit.post(reverse("actions:action-closure-approve", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == Status.CLOSED
    assert AuditEntry.objects.filter(
        record_type="actions.Action", object_id=str(record.pk), changes__has_key="closed_on"
    ).exists()


def test_refused_closure_returns_the_action_to_its_owner_with_the_reason(admin_client, police):
    record = action(police, due_date=date(2099, 1, 1))
    record.closure_requested_on, record.closure_evidence = date(2020, 3, 1), "Done."
    record.save()
    response = admin_client.post(
        reverse("actions:action-closure-refuse", args=[record.pk]), {"reason": "No evidence of impact."}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.closure_requested_on is None and record.status != Status.CLOSED
    assert "No evidence of impact." in record.updates.get().text
