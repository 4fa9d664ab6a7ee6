"""Governance's home items: judgements to confirm, challenges awaiting a response, meetings this week; each count is
the number of rows its link opens, for every role."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assure.core.permissions import Role
from assure.governance import services
from tests.core.records import person
from tests.core.test_home_counts import _rows

from . import builders

EXPECTED = {
    Role.PARTNERSHIP_ADMIN: {"judgement to confirm": 1, "meeting this week": 1},
    Role.LEAD_PARTNER: {"judgement to confirm": 1, "meeting this week": 1, "challenge awaiting your response": 1},
    Role.AGENCY_LEAD: {"challenge awaiting your response": 1},
    Role.SCRUTINEER: {"meeting this week": 1},
}


@pytest.fixture
def records(partnership, police, council, admin_user):
    builders.statement(partnership)
    judged = builders.statement(partnership, text="Judged already")
    services.judgement_confirm(statement=judged, judgement="cannot_be_assessed", rationale="", by=admin_user)
    services.meeting_record(group=builders.group(partnership), held_on=timezone.localdate())
    scrutineer = person(Role.SCRUTINEER, council)
    builders.challenge(partnership, raised_by=scrutineer, addressed_to=police)
    answered = builders.challenge(partnership, raised_by=scrutineer, addressed_to=police)
    answered.responded_on = timezone.localdate()
    answered.save()
    builders.challenge(partnership, raised_by=scrutineer, addressed_to=council)


@pytest.mark.parametrize("role", list(Role))
def test_each_governance_count_is_the_number_of_rows_its_link_opens(role, records, police, council):
    client = Client()
    client.force_login(person(role, police) if role in (Role.AGENCY_LEAD, Role.LEAD_PARTNER) else person(role, council))
    needs = dict(client.get(reverse("core:home")).context["needs"])
    lines = [line for line in needs.get("Governance", []) if line.count is not None]
    for line in lines:
        assert _rows(client, line.url) == line.count, f"{line.text}: {line.url}"
    assert {line.text: line.count for line in lines} == EXPECTED.get(role, {})
