"""The demo partnership's dashboard reproduces Appendix 3 of the 2019-20 annual report."""

import pytest
from django.core.management import call_command
from django.urls import reverse

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
        yield
        call_command("flush", "--no-input")


def test_every_engine_indicator_has_a_catalogue_entry():
    assert set(INDICATORS) == set(INDICATOR_IDS)


@pytest.mark.parametrize("indicator_id", APPENDIX_3)
def test_the_demo_reproduces_appendix_3(demo, db, indicator_id):
    from assure.core.models import Partnership

    run = selectors.latest_run(Partnership.current())
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

    run = selectors.latest_run(Partnership.current())
    icpc = selectors.year_result(run, "icpc_to_cpp_pct", 2019)
    referrals = selectors.year_result(run, "re_referrals_12m_pct", 2019)
    assert (icpc.numerator, icpc.denominator) == (178, 184)
    assert (referrals.numerator, referrals.denominator) == (1001, 3061)
    quality = run.data_quality.get(period_kind=IndicatorResult.PeriodKind.YEAR, period_start=referrals.period_start)
    without = quality.checks["re_referrals_12m_pct_without_suspected_duplicates"]
    assert round(without["value"]) == 22


def test_the_published_view_hides_small_counts(demo, client, db):
    from assure.core.models import Partnership, User

    analyst = User.objects.filter(role_assignments__role=Role.ANALYST).first()
    client.force_login(analyst)
    run = selectors.latest_run(Partnership.current())
    small = run.results.filter(
        period_kind=IndicatorResult.PeriodKind.QUARTER,
        indicator_id__startswith="cpp_started",
        numerator__gte=1,
        numerator__lte=4,
        indicator_id__in=list(INDICATORS),
    ).first()
    assert small is not None, "the demo has a small count to hide"
    area = INDICATORS[small.indicator_id].area
    internal = client.get(
        reverse("performance:area", args=[area]),
        {"year": small.period_start.year if small.period_start.month >= 4 else small.period_start.year - 1},
    )
    published = client.get(
        reverse("performance:area", args=[area]), {"year": internal.context["year"], "view": "published"}
    )
    assert "[c]" not in internal.content.decode()
    assert "[c]" in published.content.decode()
    assert "Internal view: not suppressed" in internal.content.decode()


@pytest.mark.parametrize(
    "page", ["performance:journey", "performance:scorecard-neglect", "performance:scorecard-exploitation"]
)
def test_every_dashboard_table_downloads(demo, client, db, page):
    from assure.core.models import User

    client.force_login(User.objects.filter(role_assignments__role=Role.ANALYST).first())
    response = client.get(reverse(page), {"year": 2019, "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert len(response.content.decode("utf-8-sig").splitlines()) >= 4
