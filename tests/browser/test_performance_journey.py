import pytest

from assure.core.demo import DEMO_ACCOUNTS
from assure.core.permissions import Role
from tests.browser.conftest import check_accessibility, sign_in

pytestmark = pytest.mark.browser

ANALYST = next(a for a in DEMO_ACCOUNTS if a.role == Role.ANALYST)


def test_the_analyst_reads_the_dashboard_and_the_data_quality_report(page, live_server, demo_partnership):
    sign_in(page, live_server.url, ANALYST.email, demo_partnership)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Performance").click()
    page.get_by_role("heading", name="Performance dashboard").wait_for()
    check_accessibility(page, "performance-dashboard")

    page.get_by_role("link", name="Front door: contacts and referrals").first.click()
    page.get_by_role("heading", name="Front door: contacts and referrals").wait_for()
    rate = page.get_by_role("table", name="Referral rate per 10,000 children, 2019-20")
    assert "652.0" in rate.inner_text()
    re_referrals = page.get_by_role("table", name="Re-referrals within 12 months, 2019-20")
    assert "32.7%" in re_referrals.inner_text() and "1,001" in re_referrals.inner_text()
    page.wait_for_load_state("load")
    drawn = page.evaluate("() => [...document.querySelectorAll('img.assure-chart')].map(img => img.naturalWidth > 0)")
    assert drawn and all(drawn), "every chart image loads"
    check_accessibility(page, "performance-front-door")

    page.get_by_role("navigation", name="Performance").get_by_role("link", name="Data").click()
    page.get_by_role("navigation", name="Data pages").get_by_role("link", name="Data quality").click()
    page.get_by_role("heading", name="Data quality", level=1).wait_for()
    text = page.inner_text("main")
    assert "32.7% (1001 of 3061)" in text and "22.0% (581 of 2641)" in text
    check_accessibility(page, "performance-data-quality")

    page.get_by_role("navigation", name="Performance").get_by_role("link", name="Dashboards").click()
    page.get_by_role("navigation", name="Dashboards pages").get_by_role("link", name="Child's journey").click()
    page.get_by_role("heading", name="The child's journey through the system").wait_for()
    check_accessibility(page, "performance-journey")

    page.get_by_role("navigation", name="Dashboards pages").get_by_role("link", name="Neglect scorecard").click()
    page.get_by_role("heading", name="Neglect scorecard").wait_for()
    assert "193" in page.get_by_role("table", name="Graded Care Profile 2 use, 2019-20").inner_text()
    check_accessibility(page, "performance-neglect-scorecard")

    page.get_by_role("navigation", name="Performance").get_by_role("link", name="Data").click()
    page.get_by_role("navigation", name="Data pages").get_by_role("link", name="Child-level extracts").click()
    page.get_by_role("link", name="solihull-annex-a-2015-2020-demo.zip").click()
    page.get_by_role("heading", name="Child-level extract", level=1).wait_for()
    assert "solihull-annex-a-2015-2020-demo.zip" in page.inner_text("main")
    check_accessibility(page, "performance-extract")


SCRUTINEER = next(a for a in DEMO_ACCOUNTS if a.role == Role.SCRUTINEER)


def contacts_shown(page, base_url: str) -> str:
    page.goto(f"{base_url}/performance/?year=2019")
    return page.locator('[data-indicator="contacts"] [data-this-year]').first.inner_text()


def test_the_analyst_uploads_checks_uses_and_publishes_while_the_scrutineer_sees_only_published_figures(
    browser, live_server, demo_partnership, database_queues, tmp_path
):
    from tests.browser.test_job_progress_journey import WorkerThread
    from tests.performance.web_extracts import ANNEX_A_LISTS, history

    scrutineer = browser.new_context(bypass_csp=True).new_page()
    sign_in(scrutineer, live_server.url, SCRUTINEER.email, demo_partnership)
    published = contacts_shown(scrutineer, live_server.url)

    analyst = browser.new_context(bypass_csp=True).new_page()
    sign_in(analyst, live_server.url, ANALYST.email, demo_partnership)
    analyst.goto(f"{live_server.url}/performance/extracts/upload/")
    lists = history(tmp_path / "lists", children=200)
    analyst.get_by_label("Extract files").set_input_files([str(lists[n]) for n in ANNEX_A_LISTS])
    analyst.get_by_role("button", name="Upload extract").click()
    analyst.locator("[data-job-state]").wait_for()
    check_accessibility(analyst, "performance-extract-check-progress")

    worker = WorkerThread()
    worker.start()
    worker.join(timeout=600)
    assert worker.error is None
    analyst.reload()
    analyst.get_by_role("link", name="See the result").click()
    analyst.get_by_role("button", name="Use this extract").wait_for()
    check_accessibility(analyst, "performance-extract-check")
    assert contacts_shown(scrutineer, live_server.url) == published  # uploading changes nothing others see

    analyst.get_by_role("button", name="Use this extract").click()
    analyst.wait_for_load_state("load")
    assert contacts_shown(scrutineer, live_server.url) == published  # nor does using it, until it is published
    working = contacts_shown(analyst, live_server.url)
    assert working != published
    analyst.get_by_role("link", name="Check and publish these figures").click()
    analyst.get_by_role("link", name="Continue").wait_for()
    check_accessibility(analyst, "performance-publish-check")
    analyst.get_by_role("link", name="Continue").click()
    analyst.get_by_role("button", name="Publish figures").click()
    analyst.wait_for_load_state("load")

    assert contacts_shown(scrutineer, live_server.url) == working
