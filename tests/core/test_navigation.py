import pytest
from django.test import Client
from django.urls import reverse

from assure.core.navigation import SECTIONS, NavigationItem, all_entries
from assure.core.permissions import Area, Role
from assure.training.services import course_book
from tests.actions.builders import action
from tests.core.records import course, person


def _client(role, agency):
    client = Client()
    client.force_login(person(role, agency))
    return client


def _navigation(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["navigation"]


def _current(links):
    return [(link.label, link.current) for link in links if link.current]


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_at_most_seven_sections_starting_with_home(role, council, police):
    client = _client(role, police if role == Role.AGENCY_LEAD else council)
    navigation = _navigation(client, reverse("core:home"))
    labels = [link.label for link in navigation.sections]
    assert labels[0] == "Home"
    assert len(labels) <= 7
    assert labels == [section for section in SECTIONS if section in labels]
    assert _current(navigation.sections) == [("Home", "page")]


@pytest.mark.parametrize("role", list(Role))
def test_every_section_group_and_page_opens_with_exactly_one_current_item_at_each_level(role, council, police):
    client = _client(role, police if role == Role.AGENCY_LEAD else council)
    sections = _navigation(client, reverse("core:home")).sections
    for section in sections:
        inside = _navigation(client, section.url)
        assert _current(inside.sections) == [(section.label, "page")]
        for group in inside.groups:
            in_group = _navigation(client, group.url)
            assert [label for label, _ in _current(in_group.sections)] == [section.label]
            assert _current(in_group.groups) == [(group.label, "page")], group.url
            for page in in_group.pages:
                on_page = _navigation(client, page.url)
                assert [label for label, _ in _current(on_page.groups)] == [group.label]
                assert _current(on_page.pages) == [(page.label, "page")], page.url


def test_a_practitioner_is_not_shown_the_business_units_pages(council):
    practitioner, admin = _client(Role.PRACTITIONER, council), _client(Role.PARTNERSHIP_ADMIN, council)
    assert [link.label for link in _navigation(practitioner, reverse("core:home")).sections] == ["Home", "Training"]
    admin_sections = [link.label for link in _navigation(admin, reverse("core:home")).sections]
    assert admin_sections == ["Home", "Performance", "Training", "Assurance", "Governance", "Manage"]


def test_performance_is_split_into_dashboards_data_and_settings(council):
    navigation = _navigation(_client(Role.PARTNERSHIP_ADMIN, council), reverse("performance:data-quality"))
    assert [link.label for link in navigation.groups] == ["Dashboards", "Data", "Settings"]
    assert _current(navigation.groups) == [("Data", "true")]
    assert [link.label for link in navigation.pages] == ["Quarterly returns", "Data quality"]
    assert _current(navigation.pages) == [("Data quality", "page")]


def test_a_record_page_marks_the_list_it_belongs_to(council):
    record = action(council)
    navigation = _navigation(_client(Role.PARTNERSHIP_ADMIN, council), record.get_absolute_url())
    assert _current(navigation.sections) == [("Assurance", "true")]
    assert _current(navigation.groups) == [("Action register", "true")]


def test_a_booking_sits_under_my_training_for_its_delegate_and_under_bookings_for_an_agency_lead(police, partnership):
    officer = person(Role.PRACTITIONER, police)
    booking = course_book(course=course(partnership), delegate=officer, booked_by=officer)
    delegate, lead = Client(), _client(Role.AGENCY_LEAD, police)
    delegate.force_login(officer)
    assert _current(_navigation(delegate, booking.get_absolute_url()).groups) == [("My training", "true")]
    assert _current(_navigation(lead, booking.get_absolute_url()).groups) == [("Bookings", "true")]


def test_pages_outside_every_section_mark_none_and_the_account_link_marks_itself(council):
    response = _client(Role.PARTNERSHIP_ADMIN, council).get(reverse("core:account"))
    navigation = response.context["navigation"]
    assert _current(navigation.sections) == []
    assert navigation.groups == [] and navigation.pages == []
    assert b'aria-current="page">Your account</a>' in response.content


def test_an_entry_must_name_one_of_the_sections():
    with pytest.raises(ValueError, match="unknown section 'Reviews'"):
        NavigationItem("Case reviews", "core:home", "Reviews", Area.REVIEWS)


def test_each_app_adds_its_pages_to_the_sections():
    apps = {entry.url_name.split(":")[0] for entry in all_entries()}
    assert apps == {"core", "performance", "training", "audits", "actions", "reviews", "governance", "lado"}
