import pytest

from assure.core.audit import acting_as
from assure.core.models import Agency, Sector
from assure.core.permissions import Role
from tests.browser.conftest import check_accessibility, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_business_manager_reads_the_audit_trail_in_words(page, live_server, partnership, council, make_person):
    bea = make_person(Role.PARTNERSHIP_ADMIN, council, full_name="Bea Manager")
    with acting_as(bea):
        agency = Agency.objects.create(partnership=partnership, name="Youth Offending Service", sector=Sector.OTHER)
        agency.sector = Sector.HOUSING
        agency.save()
    sign_in(page, live_server.url, bea.email, PASSWORD)

    page.goto(f"{live_server.url}/audit-trail/")
    check_accessibility(page, "audit-trail")
    page.get_by_label("Person").fill("bea")
    page.get_by_label("Record type").select_option(label="Agency")
    page.get_by_role("button", name="Apply").click()
    changed = "Bea Manager changed the sector of the agency Youth Offending Service"
    assert page.get_by_role("link", name="Bea Manager").all_inner_texts() == [
        changed,
        "Bea Manager created the agency Youth Offending Service",
    ]

    page.get_by_role("link", name=changed).click()
    page.get_by_role("heading", level=1, name=changed).wait_for()
    assert page.locator("tbody tr").first.inner_text().split("\t") == ["Sector", "Other", "Housing"]
    check_accessibility(page, "audit-entry")

    page.get_by_role("link", name="Every change to this record").click()
    page.get_by_role("heading", level=1, name="Youth Offending Service").wait_for()
    check_accessibility(page, "record-history")

    page.goto(f"{live_server.url}/access-log/")
    assert "Bea Manager viewed History of Youth Offending Service" in page.inner_text("main")
    check_accessibility(page, "access-log-in-words")
