"""Small numbers are hidden unless someone who may see child-level data chooses to show them, and that is logged."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from assure.core.disclosure import disclose_count, small_number_handling, small_numbers_shown
from assure.core.models import AccessLogEntry
from assure.core.permissions import Role


def request_as(user, **params):
    request = RequestFactory().get("/performance/areas/child-protection/", params)
    request.user = user
    return request


def test_without_the_choice_small_numbers_stay_hidden_for_the_analyst_too(make_person, council):
    assert small_numbers_shown(request_as(make_person(Role.ANALYST, council)), log_page=True) is False
    assert not AccessLogEntry.objects.exists()


def test_the_analyst_may_show_them_and_the_page_is_logged(make_person, council):
    analyst = make_person(Role.ANALYST, council)
    assert small_numbers_shown(request_as(analyst, small_numbers="show"), log_page=True) is True
    [entry] = AccessLogEntry.objects.all()
    assert (entry.user, entry.event) == (analyst, AccessLogEntry.Event.VIEW)
    assert entry.object_repr == "Small numbers shown on /performance/areas/child-protection/"


def test_a_download_or_a_chart_leaves_the_logging_to_its_own_entry(make_person, council):
    analyst = make_person(Role.ANALYST, council)
    assert small_numbers_shown(request_as(analyst, small_numbers="show"), log_page=False) is True
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("role", [Role.SCRUTINEER, Role.AGENCY_LEAD, Role.PARTNERSHIP_ADMIN, Role.LEAD_PARTNER])
def test_everyone_else_is_refused(make_person, council, role):
    with pytest.raises(PermissionDenied, match="Your roles do not let you see child-level data"):
        small_numbers_shown(request_as(make_person(role, council), small_numbers="show"), log_page=True)
    assert not AccessLogEntry.objects.exists()


def test_a_lone_count_is_hidden_when_small_and_only_in_public():
    assert [disclose_count(n, public=True).display for n in (0, 1, 4, 5, None)] == ["0", "[c]", "[c]", "5", ""]
    assert disclose_count(3, public=False).display == "3"


def test_outputs_say_how_they_treat_small_numbers(settings):
    settings.ASSURE_DISCLOSURE_THRESHOLD = 5
    assert small_number_handling(True).startswith("Counts of children or individuals from 1 to 5 are shown as [c]")
    assert small_number_handling(False) == "Small numbers shown: not suppressed and not for publication."
    assert small_number_handling(None) == ""
