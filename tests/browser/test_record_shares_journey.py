"""Sharing a compartment record: the LADO shares one record with a police officer for a week, the officer reads it,
the LADO revokes the share and the officer's next visit finds nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assure.core.permissions import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.compartment_app.compartment_records import make_concern
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db, make_person, council, police):
    return (
        make_person(Role.LADO, council, email="lado@test.example", full_name="Lee Designated"),
        make_person(Role.AGENCY_LEAD, police, email="officer@test.example", full_name="Pat Police"),
    )


def test_the_lado_shares_a_record_for_a_week_and_revokes_it(browser, live_server, people):
    lado, officer = people
    concern = make_concern()
    lados_page = browser.new_context(bypass_csp=True).new_page()
    sign_in(lados_page, live_server.url, lado.email, PASSWORD)
    lados_page.goto(f"{live_server.url}/compartment/concerns/{concern.pk}/shares/")
    lados_page.get_by_text("This record is not shared with anyone.").wait_for()
    lados_page.get_by_role("button", name="Share").click()
    summary = lados_page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Select who needs to see it" in summary.inner_text()
    check_accessibility(lados_page, "record-shares-errors")

    until = timezone.localdate() + timedelta(days=7)
    lados_page.get_by_label("Who needs to see it").select_option(label="Pat Police (Test Police)")
    lados_page.get_by_label("Why they need to see it").fill("Police liaison for the strategy discussion.")
    share_until = lados_page.get_by_role("group", name="Share until")
    share_until.get_by_label("Day").fill(str(until.day))
    share_until.get_by_label("Month").fill(str(until.month))
    share_until.get_by_label("Year").fill(str(until.year))
    lados_page.get_by_role("button", name="Share").click()
    lados_page.get_by_text("Shared with Pat Police until the end of").wait_for()
    check_accessibility(lados_page, "record-shares")

    officers_page = browser.new_context(bypass_csp=True).new_page()
    sign_in(officers_page, live_server.url, officer.email, PASSWORD)
    officers_page.goto(f"{live_server.url}{concern.get_absolute_url()}")
    officers_page.get_by_text(concern.narrative).wait_for()

    lados_page.get_by_role("button", name="Revoke the share with Pat Police").click()
    lados_page.get_by_text("Pat Police can no longer see this record.").wait_for()
    assert lados_page.get_by_role("row").filter(has_text="Pat Police").get_by_text("Revoked").count() == 1

    officers_page.reload()
    officers_page.get_by_role("heading", name="Page not found").wait_for()
    assert concern.narrative not in officers_page.content()
