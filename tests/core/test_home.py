import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assure.audits.models import Rating
from assure.core import home
from assure.core.home import HomeItem, Line
from assure.core.navigation import ASSURANCE
from assure.core.permissions import Action, Area, Role
from assure.performance import selectors
from assure.performance.models import AggregateDataset, AggregateReturn, DataVersion, IndicatorRun, Publication
from tests.audits.builders import rate_all, section11_round
from tests.core.records import person


def _home(role, agency):
    client = Client()
    client.force_login(person(role, agency))
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response


def _lines(response):
    return {line.text: line for _, lines in response.context["needs"] for line in lines}


@pytest.fixture
def compartment_item(monkeypatch):
    item = HomeItem(ASSURANCE, Area.LADO, Action.VIEW, lambda request, today: [Line("Allegation L-2019-031", "/")])
    monkeypatch.setattr(home, "all_items", lambda: (item,))


def test_a_compartments_items_reach_only_the_people_inside_it(compartment_item, council):
    assert "Allegation L-2019-031" in _lines(_home(Role.LADO, council))
    for outsider in (Role.PARTNERSHIP_ADMIN, Role.SCRUTINEER, Role.LEAD_PARTNER):
        response = _home(outsider, council)
        assert "Allegation L-2019-031" not in response.content.decode()


def test_an_item_must_name_one_of_the_sections():
    with pytest.raises(ValueError, match="unknown section 'LADO'"):
        HomeItem("LADO", Area.LADO, Action.VIEW, lambda request, today: [])


def test_nothing_to_do_reads_as_a_sentence_without_a_link(police):
    response = _home(Role.AGENCY_LEAD, police)
    html = response.content.decode()
    assert "No actions overdue" in html
    assert "/actions/mine/?status=overdue" not in html


def test_an_agency_lead_is_told_of_their_open_section_11_return_and_how_far_it_has_got(partnership, police):
    round_ = section11_round(partnership, [police])
    police_return = round_.returns.get()
    rate_all(police_return, Rating.GOOD)
    police_return.answers.filter(standard__number="8.6").update(self_rating="")
    lines = _lines(_home(Role.AGENCY_LEAD, police))
    line = lines["Test round 2018-19: Test Police's return was due by 14 December 2018, 2 of 3 standards checked"]
    assert line.url == police_return.get_absolute_url()


def test_a_practitioner_with_no_course_is_offered_the_courses_from_today(police):
    line = _lines(_home(Role.PRACTITIONER, police))["You have no course booked: find a course"]
    assert line.url == f"/training/courses/?status=scheduled&date_from={timezone.localdate().isoformat()}"


def test_readers_see_the_figures_in_force_and_the_analyst_the_figures_not_yet_published(partnership, council):
    version = DataVersion.objects.create(
        partnership=partnership, folder="v1", reference_date=date(2020, 3, 31), in_use_since=timezone.now()
    )
    published = IndicatorRun.objects.create(data_version=version)
    ten_days_ago = timezone.now() - timedelta(days=10)
    Publication.objects.create(run=published, published_at=ten_days_ago)
    IndicatorRun.objects.create(data_version=version)
    published_on = f"{timezone.localtime(ten_days_ago):%-d %B %Y}"
    in_force = f"Figures in force: published {published_on}"
    assert in_force in _lines(_home(Role.SCRUTINEER, council))
    analyst = _lines(_home(Role.ANALYST, council))
    today = f"{timezone.localdate():%-d %B %Y}"
    assert f"Working figures computed on {today} are not published (last published {published_on})" in analyst
    assert in_force not in analyst


@pytest.fixture
def gcp2(partnership, police, council):
    dataset = AggregateDataset.objects.create(partnership=partnership, code="gcp2", name="GCP2 use")
    dataset.agencies.set([police, council])
    return dataset


def _owed(partnership, today, **options):
    return [
        (r.agency.name, r.start_year, r.quarter, r.is_late(today))
        for r in selectors.returns_owed(partnership, today=today, **options)
    ]


def test_a_quarterly_return_is_due_the_day_after_its_quarter_and_late_after_20_working_days(partnership, police, gcp2):
    # Q1 2019-20 ends on Sunday 30 June 2019; 20 working days later is Friday 26 July 2019.
    AggregateReturn.objects.create(dataset=gcp2, agency=police, start_year=2019, quarter=1)
    assert _owed(partnership, date(2019, 6, 30)) == []
    assert _owed(partnership, date(2019, 7, 1), agencies={police}) == [("Test Police", 2019, 1, False)]
    assert _owed(partnership, date(2019, 7, 26), agencies={police}) == [("Test Police", 2019, 1, False)]
    assert _owed(partnership, date(2019, 7, 29), agencies={police}) == [("Test Police", 2019, 1, True)]
    assert _owed(partnership, date(2019, 7, 26), late_only=True) == []


def test_a_submitted_return_is_no_longer_owed_and_nothing_is_owed_before_the_first_return(
    partnership, police, council, gcp2
):
    AggregateReturn.objects.create(
        dataset=gcp2, agency=police, start_year=2019, quarter=2, status=AggregateReturn.Status.SUBMITTED
    )
    council.active = False
    council.save()
    owed = _owed(partnership, date(2020, 6, 1))
    assert owed == [("Test Police", 2019, 3, True), ("Test Police", 2019, 4, True)]


def test_a_data_set_never_returned_is_owed_from_the_latest_reporting_years_first_quarter(partnership, police, gcp2):
    assert [quarter for _, _, quarter, _ in _owed(partnership, date(2019, 10, 2), agencies={police})] == [1, 2]


def test_a_return_owed_is_started_from_its_row_with_the_data_set_and_quarter_chosen(partnership, police, gcp2):
    AggregateReturn.objects.create(dataset=gcp2, agency=police, start_year=2019, quarter=1)
    lead = Client()
    lead.force_login(person(Role.AGENCY_LEAD, police))
    due = lead.get(reverse("performance:returns-due")).content.decode()
    start = re.search(r'href="(/performance/returns/new/\?[^"]+quarter=2)"', due).group(1).replace("&amp;", "&")
    form = lead.get(start).context["form"]
    assert (form["dataset"].value(), form["agency"].value(), form["start_year"].value(), form["quarter"].value()) == (
        str(gcp2.pk),
        str(police.pk),
        "2019",
        "2",
    )
