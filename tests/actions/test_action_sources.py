from datetime import date, timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assure.actions.models import Action, SourceKind
from assure.actions.services import action_create_from_source
from assure.audits.models import Inspection, Inspectorate, Recommendation
from assure.core.permissions import Role

from .builders import action


def peer_review_recommendation(partnership):
    review = Inspection.objects.create(
        partnership=partnership,
        inspectorate=Inspectorate.PEER_REVIEW,
        title="Peer challenge",
        service="Partnership",
        started_on=date(2019, 10, 8),
        ended_on=date(2019, 10, 10),
    )
    return Recommendation.objects.create(inspection=review, number=1, text="Build a performance framework.")


def test_other_apps_create_actions_linked_back_to_their_source(partnership, council):
    recommendation = peer_review_recommendation(partnership)
    created = action_create_from_source(
        source=recommendation,
        text="Publish a dashboard.",
        agency=council,
        due_date=date(2021, 3, 31),
        today=date(2020, 3, 10),
    )
    assert created.source_kind == SourceKind.PEER_REVIEW
    assert created.source_label == str(recommendation)
    assert created.source_url == f"{recommendation.inspection.get_absolute_url()}#recommendation-1"
    assert list(Action.objects.for_source(recommendation)) == [created]


def test_an_agency_lead_adds_actions_only_for_their_own_agency(client, make_person, police, council):
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    form = {
        "text": "Brief custody staff.",
        "source_kind": SourceKind.STRATEGIC_PLAN,
        "source_label": "Strategic plan",
        "due_date": (timezone.localdate() + timedelta(days=90)).strftime("%d/%m/%Y"),
    }
    response = client.post(reverse("actions:action-create"), {**form, "agency": council.pk})
    assert response.status_code == 400
    assert not Action.objects.exists()
    assert client.post(reverse("actions:action-create"), {**form, "agency": police.pk}).status_code == 302
    assert Action.objects.get().agency == police


def test_the_owner_must_work_for_the_owner_agency(admin_client, make_person, police, council):
    someone_at_the_council = make_person(Role.PRACTITIONER, council)
    response = admin_client.post(
        reverse("actions:action-create"),
        {
            "text": "Brief custody staff.",
            "source_kind": SourceKind.STRATEGIC_PLAN,
            "source_label": "Strategic plan",
            "agency": police.pk,
            "owner": someone_at_the_council.pk,
            "due_date": "31/03/2021",
        },
    )
    assert response.status_code == 400
    assert "Choose someone from the owner agency." in response.content.decode()
    assert not Action.objects.exists()


def test_the_business_unit_escalates_an_action_with_a_note(
    admin_client, admin_user, police, django_capture_on_commit_callbacks
):
    record = action(police)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("actions:action-escalate", args=[record.pk]), {"note": "Raised at the executive."}
        )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.escalated_on is not None and record.escalation_note == "Raised at the executive."
    assert mail.outbox and admin_user.email in mail.outbox[0].to


def test_an_agency_lead_cannot_escalate_or_approve(client, make_person, police):
    record = action(police)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    assert client.post(reverse("actions:action-escalate", args=[record.pk]), {"note": "Me."}).status_code == 403
    record.refresh_from_db()
    assert record.escalated_on is None
