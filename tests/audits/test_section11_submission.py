from django.test import Client
from django.urls import reverse

from assure.actions.models import Action, SourceKind
from assure.audits.models import Rating, ReturnStatus
from assure.core.models import AuditEntry
from assure.core.permissions import Role

from . import builders


def submitted_return(client, make_person, partnership, police):
    round_ = builders.section11_round(partnership, [police])
    section11_return = round_.returns.get()
    builders.rate_all(section11_return, Rating.GOOD, **{"8.6": Rating.INADEQUATE})
    lead = make_person(Role.AGENCY_LEAD, police)
    client.force_login(lead)
    response = client.post(reverse("audits:section11-return-submit", args=[section11_return.pk]))
    assert response.status_code == 302
    section11_return.refresh_from_db()
    return section11_return


def test_a_return_cannot_be_submitted_until_every_standard_is_rated(client, make_person, partnership, police):
    round_ = builders.section11_round(partnership, [police])
    section11_return = round_.returns.get()
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    response = client.post(reverse("audits:section11-return-submit", args=[section11_return.pk]), follow=True)
    assert "Not yet rated: 1.1, 7.5, 8.6" in response.content.decode()
    section11_return.refresh_from_db()
    assert section11_return.status == ReturnStatus.IN_PROGRESS


def test_submitting_puts_each_inadequate_or_ri_standard_on_the_action_register(
    client, make_person, partnership, police
):
    section11_return = submitted_return(client, make_person, partnership, police)
    assert section11_return.status == ReturnStatus.SUBMITTED
    action = Action.objects.get()
    assert (action.source_kind, action.agency, action.text) == (SourceKind.SECTION_11, police, "Improve 8.6.")
    assert action.source == section11_return.answers.get(standard__number="8.6")
    assert action.source_url.endswith("#standard-8.6")


def test_a_submitted_return_cannot_be_edited(client, make_person, partnership, police):
    section11_return = submitted_return(client, make_person, partnership, police)
    answer = section11_return.answers.get(standard__number="1.1")
    response = client.post(
        reverse("audits:section11-answer-edit", args=[answer.pk]),
        {"self_rating": Rating.OUTSTANDING, "narrative": "Later."},
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.self_rating == Rating.GOOD
    follow = client.get(response.url)
    assert "submitted and is locked" in follow.content.decode()


def test_reopening_needs_a_reason_and_is_in_the_audit_trail(client, admin_user, make_person, partnership, police):
    section11_return = submitted_return(client, make_person, partnership, police)
    assert (
        client.post(reverse("audits:section11-return-reopen", args=[section11_return.pk]), {"reason": "x"}).status_code
        == 403
    )
    business_unit = Client()
    business_unit.force_login(admin_user)
    response = business_unit.post(reverse("audits:section11-return-reopen", args=[section11_return.pk]), {"reason": ""})
    assert response.status_code == 400
    section11_return.refresh_from_db()
    assert section11_return.status == ReturnStatus.SUBMITTED

    business_unit.post(
        reverse("audits:section11-return-reopen", args=[section11_return.pk]),
        {"reason": "Standard 8.6 evidence missing."},
    )
    section11_return.refresh_from_db()
    assert section11_return.status == ReturnStatus.IN_PROGRESS
    entry = AuditEntry.objects.filter(record_type="audits.Section11Return", object_id=str(section11_return.pk)).first()
    assert entry.actor_id == admin_user.pk
    assert entry.changes["status"] == ["submitted", "in_progress"]
    assert entry.changes["reopened_reason"][1] == "Standard 8.6 evidence missing."

    answer = section11_return.answers.get(standard__number="8.6")
    client.post(
        reverse("audits:section11-answer-edit", args=[answer.pk]),
        {"self_rating": Rating.REQUIRES_IMPROVEMENT, "planned_action": "Train staff on the NRM."},
    )
    answer.refresh_from_db()
    assert answer.self_rating == Rating.REQUIRES_IMPROVEMENT


def test_resubmitting_does_not_duplicate_the_standards_action(client, admin_user, make_person, partnership, police):
    section11_return = submitted_return(client, make_person, partnership, police)
    section11_return.status = ReturnStatus.IN_PROGRESS
    section11_return.save()
    client.post(reverse("audits:section11-return-submit", args=[section11_return.pk]))
    assert Action.objects.count() == 1
