from django.urls import reverse

from assure.core.models import User
from assure.core.permissions import GRANTS, Action, Area, Role, Scope, reach, scoped


def test_a_scrutineer_reads_and_exports_and_records_only_their_own_scrutiny_never_approving():
    granted = GRANTS[Role.SCRUTINEER]
    changes = {(area, action): scope for (area, action), scope in granted.items() if action != Action.VIEW}
    assert changes.pop((Area.GOVERNANCE, Action.EDIT)) == Scope.OWN
    assert all(action == Action.EXPORT for (_, action) in changes)
    assert (Area.CHILD_LEVEL, Action.VIEW) not in granted


def test_only_analysts_change_child_level_data():
    editors = {role for role, grants in GRANTS.items() if grants.get((Area.CHILD_LEVEL, Action.EDIT), Scope.NONE)}
    assert editors == {Role.ANALYST}


def test_an_agency_leads_reach_is_their_own_agency(make_person, police, council):
    lead = make_person(Role.AGENCY_LEAD, police)
    people_reach = reach(lead, Area.PEOPLE, Action.EDIT)
    assert people_reach.scope == Scope.AGENCY
    assert people_reach.agency_ids == frozenset({police.pk})
    make_person(Role.PRACTITIONER, council)
    visible = scoped(User.objects.all(), lead)
    assert {p.agency_id for p in visible} == {police.pk}


def test_an_ended_role_grants_nothing(make_person, council):
    from datetime import date

    analyst = make_person(Role.ANALYST, council)
    analyst.role_assignments.update(ended_on=date(2020, 1, 1))
    analyst = User.objects.get(pk=analyst.pk)
    assert not reach(analyst, Area.CHILD_LEVEL, Action.VIEW)


def test_a_practitioner_cannot_open_the_audit_trail(client, make_person, council):
    client.force_login(make_person(Role.PRACTITIONER, council))
    assert client.get(reverse("core:audit-trail")).status_code == 403


def test_an_agency_lead_cannot_add_agencies(client, make_person, police):
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    assert client.get(reverse("core:agency-create")).status_code == 403
