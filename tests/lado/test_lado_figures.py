"""The LADO figures area: the business unit, lead partners and the scrutineer read the figures the LADO confirmed,
with breakdowns by sector and referrer suppressed; the LADO confirms a year; downloads go through the one path."""

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from assure.core.models import AccessLogEntry
from assure.core.permissions import Role
from assure.lado.selectors import changed_since_confirmation, confirmed_year_figures
from tests.lado import builders


@pytest.fixture
def year_of_cases(lado):
    for day in range(1, 8):
        builders.concluded(lado, received_on=date(2019, 5, day), outcome_on=date(2019, 5, 20))
    builders.concluded(lado, received_on=date(2019, 6, 3), outcome_on=date(2019, 9, 1), employment_sector="sport")
    return lado.agency.partnership


def test_readers_see_nothing_until_the_lado_confirms_then_breakdowns_are_suppressed(
    year_of_cases, lado, lado_client, make_person, council
):
    scrutineer = Client()
    scrutineer.force_login(make_person(Role.SCRUTINEER, council))
    page = scrutineer.get(reverse("lado:figures"), {"year": 2019})
    assert page.status_code == 200
    assert page.context["report"].referred == [None, None, None]

    confirm = reverse("lado:year-confirm", args=[2019])
    assert lado_client.post(confirm, {}).status_code == 400
    assert lado_client.post(confirm, {"checked": "on"}).status_code == 302

    report = scrutineer.get(reverse("lado:figures"), {"year": 2019}).context["report"]
    assert report.referred[-1] == 8
    assert report.bands[0].counts[-1] == 7 and report.bands[1].counts[-1] == 1
    sectors = {row.label: row.counts[-1] for row in report.by_sector}
    # Sport's 1 is hidden, and Education's 7 beside it, or the total of 8 would give it away.
    assert (sectors["Sport"], sectors["Education"], sectors["Health"]) == ("[c]", "[c]", 0)
    text = scrutineer.get(reverse("lado:figures"), {"year": 2019}).content.decode()
    assert builders.ADULT_NAME not in text and "/lado/allegations/" not in text

    inside = lado_client.get(reverse("lado:report"), {"year": 2019}).context["report"]
    assert {row.label: row.counts[-1] for row in inside.by_sector}["Sport"] == 1


def test_a_change_after_confirmation_leaves_the_confirmed_figures_until_confirmed_again(
    year_of_cases, lado, lado_client
):
    lado_client.post(reverse("lado:year-confirm", args=[2019]), {"checked": "on"})
    builders.concluded(lado, received_on=date(2019, 7, 1), outcome_on=date(2019, 7, 2))
    assert changed_since_confirmation(year_of_cases, 2019)
    assert confirmed_year_figures(year_of_cases, 2019).referred[-1] == 8
    assert "Changed since" in lado_client.get(reverse("lado:year-list")).content.decode()


def test_the_figures_download_as_csv_and_excel_with_one_access_log_entry_each(
    year_of_cases, lado, admin_client, lado_client
):
    lado_client.post(reverse("lado:year-confirm", args=[2019]), {"checked": "on"})
    response = admin_client.get(reverse("lado:figures"), {"year": 2019, "export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Table", "Row", "Year", "Measure", "Value"]
    assert ["Allegations referred", "Allegations referred", "2019-20", "Number", "8"] in rows
    assert ["Referrals by employment sector", "Sport", "2019-20", "Number", "[c]"] in rows
    assert admin_client.get(reverse("lado:figures"), {"year": 2019, "export": "xlsx"}).status_code == 200
    assert (
        AccessLogEntry.objects.filter(
            event=AccessLogEntry.Event.EXPORT, path__startswith=reverse("lado:figures")
        ).count()
        == 2
    )
