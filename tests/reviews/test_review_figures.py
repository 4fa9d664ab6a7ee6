"""Review figures: for any reporting year, counts, decisions, timeliness, themes and published reviews, never the
outline of an unpublished case; the panel confirms a year's figures; CSV and Excel through the one download path.
The business unit and the scrutineer read them, and the decisions log, without child details."""

import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from assure.core.models import AccessLogEntry
from assure.core.permissions import Role
from assure.reviews import services
from assure.reviews.models import PanelDecision, Review, ReviewKind
from assure.reviews.selectors import confirmed_year_figures, year_figures
from tests.core.records import person

from . import builders


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def readers(solihull):
    council = solihull.agencies.get(name="Solihull Metropolitan Borough Council")
    return {role: person(role, council) for role in (Role.PARTNERSHIP_ADMIN, Role.SCRUTINEER, Role.REVIEW_PANEL)}


def test_the_business_unit_and_the_scrutineer_read_figures_without_child_details(solihull, readers):
    referral = Review.objects.get(kind=ReviewKind.LOCAL_CSPR)
    for role in (Role.PARTNERSHIP_ADMIN, Role.SCRUTINEER):
        client = _client(readers[role])
        page = client.get(reverse("reviews:figures"), {"year": 2019})
        assert page.status_code == 200
        text = page.content.decode()
        assert "SC17, published 20 April 2020 (after the period)" in text
        assert "Birmingham serious case review BSCB 2017-18/01" in text
        assert referral.referral_reason not in text
        log = client.get(reverse("reviews:figures-decisions"))
        assert log.status_code == 200
        log_text = log.content.decode()
        assert "Standing panel business" in log_text and "Deferral" in log_text
        for decision in PanelDecision.objects.all():
            assert decision.summary not in log_text
        # The compartment itself does not exist for them.
        assert client.get(reverse("reviews:panel")).status_code == 404
        assert client.get(referral.get_absolute_url()).status_code == 404


def test_agency_leads_and_practitioners_have_no_review_figures(solihull):
    police = solihull.agencies.get(name="West Midlands Police")
    for role in (Role.AGENCY_LEAD, Role.PRACTITIONER, Role.ANALYST):
        assert _client(person(role, police)).get(reverse("reviews:figures")).status_code == 403


def test_an_unpublished_review_is_counted_never_named(solihull, readers):
    open_review = Review.objects.get(kind=ReviewKind.LOCAL_CSPR)
    open_review.published_name = "Child Q"
    open_review.save()
    for start_year in (2019, 2020):
        text = _client(readers[Role.SCRUTINEER]).get(reverse("reviews:figures"), {"year": start_year}).content.decode()
        assert "Child Q" not in text
    figures = year_figures(solihull, 2019, today=date(2021, 6, 1))
    assert figures["reviews"]["deferred_at_year_end"] == 1
    assert "Child Q" not in str(figures)


def test_the_panel_confirms_a_years_figures_for_the_yearly_report(solihull, readers):
    assert confirmed_year_figures(solihull, 2019) is None
    response = _client(readers[Role.REVIEW_PANEL]).post(reverse("reviews:figures-confirm", args=[2019]))
    assert response.status_code == 302
    confirmed = confirmed_year_figures(solihull, 2019)
    assert confirmed["year"] == "2019-20"
    assert confirmed["reviews"]["deferred_at_year_end"] == 1
    assert confirmed["confirmed_by"] == readers[Role.REVIEW_PANEL].full_name
    # Only the panel confirms; the business unit reads.
    assert (
        _client(readers[Role.PARTNERSHIP_ADMIN]).post(reverse("reviews:figures-confirm", args=[2019])).status_code
        == 403
    )


def test_the_figures_page_opens_on_the_latest_confirmed_year(solihull, readers):
    client = _client(readers[Role.SCRUTINEER])
    assert "Review figures 2019-20" not in client.get(reverse("reviews:figures")).content.decode()
    _client(readers[Role.REVIEW_PANEL]).post(reverse("reviews:figures-confirm", args=[2019]))
    page = client.get(reverse("reviews:figures")).content.decode()
    assert "Review figures 2019-20" in page


def test_a_year_not_yet_ended_cannot_be_confirmed(solihull, readers):
    with pytest.raises(Exception, match="once it has ended"):
        services.year_figures_confirm(
            partnership=solihull, start_year=2020, by=readers[Role.REVIEW_PANEL], today=date(2021, 3, 31)
        )


def test_the_figures_download_as_csv_and_typed_excel_each_logged_once(solihull, readers):
    client = _client(readers[Role.SCRUTINEER])
    before = AccessLogEntry.objects.count()
    csv = client.get(reverse("reviews:figures"), {"year": 2019, "export": "csv"})
    assert csv["Content-Disposition"].startswith("attachment")
    assert "Local reviews,Deferred at the year end,1" in csv.content.decode("utf-8-sig")
    excel = client.get(reverse("reviews:figures"), {"year": 2019, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(excel.content)).worksheets[0]
    rows = {(row[0], row[1]): row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows[("Local reviews", "Open at 31 March 2020")] == 1
    assert AccessLogEntry.objects.count() == before + 2


def test_the_panel_page_shows_membership_clocks_and_decisions(solihull, readers):
    panel = readers[Role.REVIEW_PANEL]
    builders.notified(solihull, panel)
    page = _client(panel).get(reverse("reviews:panel"))
    assert page.status_code == 200
    text = page.content.decode()
    assert panel.full_name in text and "Solihull Metropolitan Borough Council" in text
    assert "Send the rapid review to the national panel" in text
    assert "Standing panel business" in text
