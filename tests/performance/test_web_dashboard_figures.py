"""The demo partnership's dashboard reproduces Appendix 3 of the 2019-20 annual report."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from assure.core.permissions import Role
from assure.performance import selectors
from assure.performance.catalogue import INDICATORS
from assure.performance.engine.indicators import INDICATOR_IDS
from assure.performance.models import IndicatorResult
from tests.conftest import IMMEDIATE_TASKS
from tests.performance.test_the_demo_reproduces_appendix_3 import APPENDIX_3


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    folder = tmp_path_factory.mktemp("demo")
    with django_db_blocker.unblock(), override_settings(VAR_DIR=folder, TASKS=IMMEDIATE_TASKS):
        call_command("demo", stdout=open("/dev/null", "w"))
        yield folder
        call_command("flush", "--no-input")


def test_every_engine_indicator_has_a_catalogue_entry():
    assert set(INDICATORS) == set(INDICATOR_IDS)


@pytest.mark.parametrize("indicator_id", APPENDIX_3)
def test_the_demo_reproduces_appendix_3(demo, db, indicator_id):
    from assure.core.models import Partnership

    run = selectors.run_in_force(Partnership.current())
    for start_year, expected in zip((2017, 2018, 2019), APPENDIX_3[indicator_id], strict=True):
        result = selectors.year_result(run, indicator_id, start_year)
        shown = (
            result.numerator
            if INDICATORS[indicator_id].unit == "count"
            else selectors.round_half_up(
                result.numerator, result.denominator, scale=10_000 if "per_10k" in indicator_id else 100, places=0
            )
        )
        assert shown == expected, f"{indicator_id} {start_year}"


def test_the_icpc_conversion_and_referral_count_match_the_report(demo, db):
    from assure.core.models import Partnership

    run = selectors.run_in_force(Partnership.current())
    icpc = selectors.year_result(run, "icpc_to_cpp_pct", 2019)
    referrals = selectors.year_result(run, "re_referrals_12m_pct", 2019)
    assert (icpc.numerator, icpc.denominator) == (178, 184)
    assert (referrals.numerator, referrals.denominator) == (1001, 3061)
    quality = run.data_quality.get(period_kind=IndicatorResult.PeriodKind.YEAR, period_start=referrals.period_start)
    without = quality.checks["re_referrals_12m_pct_without_suspected_duplicates"]
    assert round(without["value"]) == 22


def demo_user(role):
    from assure.core.models import User

    return User.objects.filter(role_assignments__role=role, is_demo_account=True).first()


@pytest.fixture
def small_count(demo, db):
    """A quarter's count of 1 to 4 children in the demo, and the area page and year that show it."""
    from assure.core.models import Partnership

    run = selectors.run_in_force(Partnership.current())
    small = run.results.filter(
        period_kind=IndicatorResult.PeriodKind.QUARTER,
        indicator_id__startswith="cpp_started",
        numerator__gte=1,
        numerator__lte=4,
        indicator_id__in=list(INDICATORS),
    ).first()
    assert small is not None, "the demo has a small count to hide"
    year = small.period_start.year if small.period_start.month >= 4 else small.period_start.year - 1
    return small, reverse("performance:area", args=[INDICATORS[small.indicator_id].area]), year


def figure_rows(response, indicator_id):
    """The rows of one indicator in a CSV download of an area's figures."""
    title = INDICATORS[indicator_id].title
    rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    return [row for row in rows if row[0] == title]


@pytest.mark.parametrize("role", [Role.SCRUTINEER, Role.AGENCY_LEAD, Role.LEAD_PARTNER, Role.ANALYST])
def test_every_role_opens_the_figures_with_small_numbers_hidden(client, small_count, role):
    small, page, year = small_count
    client.force_login(demo_user(role))
    html = client.get(page, {"year": year}).content.decode()
    table = html[html.index(f'id="indicator-{small.indicator_id}"') :]
    quarter_row = table[table.index(f">{small.period_label}<") :].split("</tr>")[0]
    assert "[c]" in quarter_row and f">{small.numerator}<" not in quarter_row
    assert "Counts of children or individuals from 1 to 4 are shown as [c]" in html


@pytest.mark.parametrize("role", [Role.SCRUTINEER, Role.ANALYST])
def test_downloads_open_with_small_numbers_hidden(client, small_count, role):
    small, page, year = small_count
    client.force_login(demo_user(role))
    csv_rows = figure_rows(client.get(page, {"year": year, "export": "csv"}), small.indicator_id)
    [quarter] = [row for row in csv_rows if row[2] == small.period_label]
    assert quarter[3] == "[c]" and quarter[5] == "[c]"

    workbook = load_workbook(io.BytesIO(client.get(page, {"year": year, "export": "xlsx"}).content))
    sheet = workbook.worksheets[0]
    [cells] = [
        row
        for row in sheet.iter_rows(min_row=2)
        if row[0].value == INDICATORS[small.indicator_id].title and row[2].value == small.period_label
    ]
    assert (cells[3].value, cells[3].data_type) == ("[c]", "s")
    about = dict(workbook["About this data"].iter_rows(values_only=True))
    assert about["Small numbers"].startswith("Counts of children or individuals from 1 to 4 are shown as [c]")


def test_an_agency_lead_cannot_download_the_figures_at_all(client, small_count):
    small, page, year = small_count
    client.force_login(demo_user(Role.AGENCY_LEAD))
    assert client.get(page, {"year": year, "export": "csv"}).status_code == 403


@pytest.mark.parametrize("role", [Role.SCRUTINEER, Role.AGENCY_LEAD, Role.LEAD_PARTNER, Role.PARTNERSHIP_ADMIN])
def test_showing_small_numbers_is_refused_to_everyone_but_the_analyst(client, small_count, role):
    from assure.core.models import AccessLogEntry

    small, page, year = small_count
    client.force_login(demo_user(role))
    page_response = client.get(page, {"year": year, "small_numbers": "show"})
    assert page_response.status_code == 403
    assert "Your roles do not let you see child-level data" in page_response.content.decode()
    download = client.get(page, {"year": year, "small_numbers": "show", "export": "csv"})
    assert download.status_code == 403
    assert client.get(reverse("performance:journey"), {"small_numbers": "show"}).status_code == 403
    assert "Show small numbers" not in client.get(page, {"year": year}).content.decode()
    assert not AccessLogEntry.objects.filter(event="export").exists()


def test_the_analyst_may_show_small_numbers_and_each_page_and_download_is_logged(client, small_count):
    from assure.core.models import AccessLogEntry

    small, page, year = small_count
    analyst = demo_user(Role.ANALYST)
    client.force_login(analyst)
    logged = AccessLogEntry.objects.filter(user=analyst).exclude(event="sign_in")
    assert "Show small numbers (not for publication)" in client.get(page, {"year": year}).content.decode()
    assert not logged.exists()

    shown = client.get(page, {"year": year, "small_numbers": "show"}).content.decode()
    table = shown[shown.index(f'id="indicator-{small.indicator_id}"') :]
    quarter_row = table[table.index(f">{small.period_label}<") :].split("</tr>")[0]
    assert "[c]" not in quarter_row and f">{small.numerator}<" in quarter_row
    assert "Small numbers shown: not suppressed and not for publication." in shown
    [page_entry] = logged
    assert (page_entry.event, page_entry.object_repr) == ("view", f"Small numbers shown on {page}")

    download = client.get(page, {"year": year, "small_numbers": "show", "export": "csv"})
    [quarter] = [row for row in figure_rows(download, small.indicator_id) if row[2] == small.period_label]
    assert quarter[3] == str(small.numerator)
    [export_entry] = logged.filter(event="export")
    assert export_entry.object_repr.endswith("small numbers shown)")
    assert logged.all().count() == 2


def test_a_custom_period_is_computed_on_request_suppressed_and_never_stored(client, demo, db, settings):
    # The demo's data versions are kept relative to ASSURE_VAR_DIR: read them where the demo wrote them.
    settings.VAR_DIR = demo
    scrutineer = demo_user(Role.SCRUTINEER)
    client.force_login(scrutineer)
    stored = IndicatorResult.objects.count()
    period = {"period_from": "01/04/2019", "period_to": "07/04/2019", "population": "46950"}
    response = client.get(reverse("performance:custom-period"), period)
    assert response.status_code == 200
    assert IndicatorResult.objects.count() == stored
    rows = {row["indicator"].id: row for row in response.context["rows"]}
    small = [row for row in rows.values() if row["numerator"] == "[c]"]
    assert small, "a week's counts include small ones, hidden"
    assert all(row["shown"] == "[c]" for row in small)
    assert client.get(reverse("performance:custom-period"), {**period, "small_numbers": "show"}).status_code == 403

    client.force_login(demo_user(Role.ANALYST))
    shown = client.get(reverse("performance:custom-period"), {**period, "small_numbers": "show"})
    assert not [row for row in shown.context["rows"] if row["numerator"] == "[c]"]
    assert IndicatorResult.objects.count() == stored


@pytest.mark.parametrize(
    "page", ["performance:journey", "performance:scorecard-neglect", "performance:scorecard-exploitation"]
)
def test_every_dashboard_table_downloads(demo, client, db, page):
    from assure.core.models import User

    client.force_login(User.objects.filter(role_assignments__role=Role.ANALYST).first())
    response = client.get(reverse(page), {"year": 2019, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert len(response.content.decode("utf-8-sig").splitlines()) >= 4


def overview_row(client, indicator_id: str, year: int = 2019) -> str:
    html = client.get(reverse("performance:dashboard"), {"year": year}).content.decode()
    row = html[html.index(f'data-indicator="{indicator_id}"') :]
    return row[: row.index("</tr>")]


@pytest.mark.parametrize("role", [Role.SCRUTINEER, Role.ANALYST])
def test_demo_re_referrals_read_as_worse_than_england_with_the_duplicates_caveat_linking_to_the_finding(
    client, demo, db, role
):
    client.force_login(demo_user(role))
    row = overview_row(client, "re_referrals_12m_pct")
    assert "<span data-this-year>32.7%</span>" in row
    assert "Higher than England — worse" in row
    caveat = re.search(
        r'<a class="govuk-link" href="([^"]*)">420 possible duplicate referrals — see data quality</a>', row
    )
    assert caveat is not None
    page, finding = caveat.group(1).split("#")
    assert page.startswith(reverse("performance:data-quality")) and finding == "suspected-duplicate-referrals"
    quality = client.get(page).content.decode()
    found = quality[quality.index(f'id="{finding}"') :]
    assert 'Suspected duplicates in the year</dt><dd class="govuk-summary-list__value">420<' in found
    assert "22.0% (581 of 2641)" in found


def test_the_overview_gives_last_year_a_three_year_trend_the_target_and_the_difference_from_it(client, demo, db):
    from assure.core.models import Partnership

    client.force_login(demo_user(Role.SCRUTINEER))
    run = selectors.run_in_force(Partnership.current())
    row = overview_row(client, "re_referrals_12m_pct")
    last = selectors.year_result(run, "re_referrals_12m_pct", 2018)
    shown_last = selectors.round_half_up(last.numerator, last.denominator)
    assert f">{shown_last}%</td>" in row
    alt = re.search(r'<img class="assure-trend" src="([^"]*)" alt="([^"]*)"', row)
    assert alt.group(2).startswith("Trend of re-referrals within 12 months over three years: 2017-18 ")
    assert alt.group(2).endswith(f"2018-19 {shown_last}%, 2019-20 32.7%.")
    chart = client.get(alt.group(1).replace("&amp;", "&"))
    assert chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content
    # The demo's target for re-referrals is 22.0%: 32.7 is 10.7 points above it, and lower is better.
    assert "10.7 points above target — worse" in row
    assert "Counts are not compared" not in row
    referrals = overview_row(client, "referrals")
    assert "Not compared" in referrals and "420 possible duplicate referrals" in referrals


def test_area_pages_give_the_previous_years_and_the_target(client, demo, db):
    client.force_login(demo_user(Role.SCRUTINEER))
    html = client.get(reverse("performance:area", args=["front-door"]), {"year": 2019}).content.decode()
    block = html[html.index('id="indicator-re_referrals_12m_pct"') :]
    block = block[: block.index("</section>")]
    for label in ("Year 2017-18", "Year 2018-19", "Year 2019-20", "Target 2019-20"):
        assert label in block
    assert "Higher than England — worse" in block and "10.7 points above target — worse" in block


def test_the_neglect_scorecard_gives_the_previous_years_and_the_targets(client, demo, db):
    client.force_login(demo_user(Role.SCRUTINEER))
    html = client.get(reverse("performance:scorecard-neglect"), {"year": 2019}).content.decode()
    row = html[html.index('data-indicator="cpp_open_18m_pct"') :]
    row = row[: row.index("</tr>")]
    assert "Last year" in html and ">5.0</td>" in row  # the demo's target for plans of 18 months or more
    assert re.search(r"points? (above|below) target — (better|worse)|On target", row)
