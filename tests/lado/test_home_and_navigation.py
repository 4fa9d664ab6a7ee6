"""The LADO's home page counts open cases, cases open longer than 3 months and meeting follow-ups due, each equal to
the rows its link opens; other roles see nothing of LADO work on the home page or in the navigation."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assure.core.permissions import Role
from assure.lado import services
from assure.lado.models import Meeting
from tests.lado import builders


@pytest.fixture
def cases(lado):
    today = timezone.localdate()
    recent = builders.allegation(lado, received_on=today - timedelta(days=10))
    old = builders.allegation(lado, received_on=today - timedelta(days=200))
    Meeting.objects.create(allegation=old, held_on=today - timedelta(days=100), follow_up_on=today - timedelta(days=1))
    Meeting.objects.create(allegation=recent, held_on=today - timedelta(days=5), follow_up_on=today + timedelta(days=9))
    done = builders.allegation(lado, received_on=today - timedelta(days=300))
    services.outcome_record(allegation=done, outcome="unfounded", outcome_on=today - timedelta(days=30), by=lado)
    builders.allegation(lado, received_on=today - timedelta(days=150), restricted=True)  # another LADO's: unseen
    return recent, old


def _count_lines(client):
    needs = client.get(reverse("core:home")).context["needs"]
    return {line.text: line for _, lines in needs for line in lines if line.count is not None}


def test_each_lado_count_is_the_rows_its_link_opens(cases, make_person, council):
    other_lado = make_person(Role.LADO, council, full_name="Other Designated")
    client = Client()
    client.force_login(other_lado)
    lines = _count_lines(client)
    expected = {"open cases": 2, "case open longer than 3 months": 1, "case with a meeting follow-up due": 1}
    assert {text: lines[text].count for text in expected} == expected
    for text in expected:
        response = client.get(lines[text].url)
        assert response.context["table"].page.paginator.count == lines[text].count, text


@pytest.mark.parametrize("role", [role for role in Role if role != Role.LADO], ids=str)
def test_other_roles_see_nothing_of_lado_work_on_home_or_in_navigation(role, cases, make_person, council):
    client = Client()
    client.force_login(make_person(role, council))
    response = client.get(reverse("core:home"))
    page = response.content.decode()
    assert "case open longer" not in page and "open cases" not in page and builders.ADULT_NAME not in page
    navigation = response.context["navigation"]
    links = [link.url for link in [*navigation.sections, *navigation.groups, *navigation.pages]]
    assert not [url for url in links if url.startswith("/lado/") and url != reverse("lado:figures")]


def test_the_lado_finds_the_cases_and_the_figures_under_assurance(lado_client, cases):
    response = lado_client.get(reverse("lado:case-list"))
    navigation = response.context["navigation"]
    assert navigation.section == "Assurance"
    assert [link.label for link in navigation.pages] == ["Cases", "Consultations", "Search", "Annual figures"]
    assert date.today() and "Open over 3 months" in response.content.decode()
