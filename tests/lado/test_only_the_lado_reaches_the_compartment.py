"""Every page in lado/urls.py answers 404 to every role but the LADO (the review panel, the business unit and the
employer's agency lead included), and is logged as refused; the one page outside the compartment, the confirmed LADO
figures, opens for the business unit, lead partners and the scrutineer. The test fails for a page added to
lado/urls.py and not listed here."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assure.core.models import AccessLogEntry
from assure.core.permissions import Role
from assure.core.record_grants import record_grant_create
from assure.lado import services, urls
from assure.lado.models import AllegationImport, TimescaleTarget
from tests.lado import builders

# What fills each page's address.
ADDRESSES = {
    "case-list": lambda w: [],
    "allegation-create": lambda w: [],
    "consultation-list": lambda w: [],
    "consultation-create": lambda w: [],
    "search": lambda w: [],
    "import": lambda w: [],
    "target-list": lambda w: [],
    "target-create": lambda w: [],
    "year-list": lambda w: [],
    "report": lambda w: [],
    "year-entered": lambda w: [2019],
    "year-confirm": lambda w: [2019],
    "import-detail": lambda w: [w["import"].pk],
    "target-edit": lambda w: [w["target"].pk],
    "note-correct": lambda w: [w["note"].pk],
    "allegation-shares-revoke": lambda w: [w["allegation"].pk, w["share"].pk],
    **{
        name: (lambda w: [w["consultation"].pk])
        for name in ("consultation-detail", "consultation-edit", "consultation-refer", "consultation-note-add")
    },
    **{
        name: (lambda w: [w["allegation"].pk])
        for name in (
            "allegation-detail",
            "allegation-edit",
            "initial-consideration",
            "child-add",
            "meeting-add",
            "process-add",
            "employer-action-add",
            "regulator-referral-add",
            "transfer-add",
            "outcome",
            "allegation-close",
            "allegation-note-add",
            "allegation-dispose",
            "allegation-shares",
        )
    },
}
# Pages that take only a POST.
POST_ONLY = {"allegation-shares-revoke"}
# The aggregate figures, outside the compartment: who opens them.
FIGURES = {"figures": {Role.PARTNERSHIP_ADMIN, Role.LEAD_PARTNER, Role.SCRUTINEER, Role.LADO}}
NAMES = [pattern.name for pattern in urls.urlpatterns]


def test_every_page_of_the_lado_app_is_covered_here():
    assert sorted(set(NAMES) - set(ADDRESSES) - set(FIGURES)) == []


@pytest.fixture
def world(lado, make_person, police):
    allegation = builders.allegation(lado)
    officer = make_person(Role.AGENCY_LEAD, police, full_name="Shared Officer")
    return {
        "allegation": allegation,
        "consultation": builders.consultation(lado),
        "note": services.note_add(case=allegation, text="Called the school.", by=lado),
        "target": TimescaleTarget.objects.create(
            partnership=lado.agency.partnership, start_year=2019, within_months=3, percent=90
        ),
        "import": AllegationImport.objects.create(
            partnership=lado.agency.partnership, file_name="cases.csv", imported_by=lado
        ),
        "share": record_grant_create(
            record=allegation,
            grantee=officer,
            reason="Liaison",
            expires_on=timezone.localdate() + timedelta(days=3),
            by=lado,
        ),
    }


def _url(name, world):
    return reverse(f"lado:{name}", args=ADDRESSES[name](world))


@pytest.mark.parametrize("role", [role for role in Role if role != Role.LADO], ids=str)
def test_every_compartment_page_answers_404_to_every_other_role(role, world, make_person, police):
    # An agency lead of the adult's employer is no closer: the employer is not an agency in the partnership, and an
    # agency's reach never extends into the compartment.
    person = make_person(role, police)
    client = Client()
    client.force_login(person)
    pages = [name for name in NAMES if name not in FIGURES]
    for name in pages:
        url = _url(name, world)
        # A page that only takes a POST refuses any GET alike, before anyone's permissions are read.
        assert client.get(url).status_code == (405 if name in POST_ONLY else 404), url
        assert client.post(url, {"adult_name": "Overwritten", "text": "x"}).status_code == 404, url
    refused = AccessLogEntry.objects.filter(user=person, event=AccessLogEntry.Event.REFUSED)
    assert refused.count() == 2 * len(pages) - len(POST_ONLY)
    figures = client.get(reverse("lado:figures"))
    assert figures.status_code == (200 if role in FIGURES["figures"] else 403)
    world["allegation"].refresh_from_db()
    assert world["allegation"].adult_name == builders.ADULT_NAME


def test_the_lado_opens_every_page(lado_client, world):
    for name in NAMES:
        url = reverse(f"lado:{name}", args=ADDRESSES[name](world)) if name in ADDRESSES else reverse(f"lado:{name}")
        expected = 405 if name in POST_ONLY else 200
        assert lado_client.get(url).status_code == expected, url
