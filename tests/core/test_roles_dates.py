"""A role is in force from its start date until (not including) its end date, Europe/London, re-read on every request."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from assure.core import services
from assure.core.models import RoleAssignment, User
from assure.core.permissions import Role


def test_a_role_starting_tomorrow_gives_no_access_today(client, make_person, council):
    admin = make_person(Role.PARTNERSHIP_ADMIN, council)
    admin.role_assignments.update(started_on=timezone.localdate() + timedelta(days=1))
    client.force_login(admin)
    assert client.get(reverse("core:audit-trail")).status_code == 403
    admin.role_assignments.update(started_on=timezone.localdate())
    assert client.get(reverse("core:audit-trail")).status_code == 200


def test_ending_a_role_today_removes_access_on_the_next_request(client, make_person, council, admin_user):
    admin = make_person(Role.PARTNERSHIP_ADMIN, council)
    client.force_login(admin)
    assert client.get(reverse("core:audit-trail")).status_code == 200
    services.role_end(assignment=admin.role_assignments.get(), ended_by=admin_user)
    assert client.get(reverse("core:audit-trail")).status_code == 403


@pytest.mark.parametrize(
    "started, ended, active",
    [
        (0, None, True),
        (1, None, False),
        (-30, 0, False),
        (-30, 1, True),
        (-30, -1, False),
    ],
)
def test_a_role_is_active_on_a_day_from_its_start_until_its_end(make_person, council, started, ended, active):
    today = timezone.localdate()
    person = make_person(Role.ANALYST, council)
    person.role_assignments.update(
        started_on=today + timedelta(days=started), ended_on=None if ended is None else today + timedelta(days=ended)
    )
    assignment = person.role_assignments.get()
    assert assignment.is_active_on(today) is active
    assert RoleAssignment.objects.active_on(today).filter(pk=assignment.pk).exists() is active
    assert (Role.ANALYST in User.objects.get(pk=person.pk).roles()) is active


def test_today_is_the_day_in_london(make_person, council, monkeypatch):
    """Just after midnight in a British summer, UTC is still on the day before."""
    london_morning = datetime(2020, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/London"))
    monkeypatch.setattr(timezone, "now", lambda: london_morning)
    person = make_person(Role.ANALYST, council)
    person.role_assignments.update(started_on=london_morning.date())
    assert Role.ANALYST in User.objects.get(pk=person.pk).roles()
