import pytest

from assure.core.permissions import Role
from tests.agency_scoped import load_registrations, models_scoped_to_agency_leads

RECORD_TYPES = load_registrations()


def test_every_agency_scoped_record_type_is_registered():
    registered = {record.model for record in RECORD_TYPES}
    missing = sorted(m._meta.label for m in models_scoped_to_agency_leads() - registered)
    assert missing == [], f"register these in tests/<app>/agency_records.py: {missing}"


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=lambda r: r.model._meta.label)
def test_an_agency_lead_gets_404_for_another_agencys_record(record_type, client, make_person, police, council):
    lead = make_person(Role.AGENCY_LEAD, police)
    someone_elses = record_type.make(council, make_person)
    client.force_login(lead)
    for url in record_type.urls(someone_elses):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("record_type", [r for r in RECORD_TYPES if r.listed_on], ids=lambda r: r.model._meta.label)
def test_lists_show_an_agency_lead_their_own_agencys_record_and_nothing_of_another_agencys(
    record_type, client, make_person, police, council
):
    lead = make_person(Role.AGENCY_LEAD, police)
    own, someone_elses = record_type.make(police, make_person), record_type.make(council, make_person)
    client.force_login(lead)
    for url, texts in record_type.listed_on(own):
        page = client.get(url).content.decode()
        assert all(text in page for text in texts), url
    for url, texts in record_type.listed_on(someone_elses):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not [text for text in texts if text in response.content.decode()], url


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=lambda r: r.model._meta.label)
def test_an_agency_lead_can_open_their_own_agencys_record(record_type, client, make_person, police):
    lead = make_person(Role.AGENCY_LEAD, police)
    own = record_type.make(police, make_person)
    client.force_login(lead)
    for url in record_type.urls(own):
        assert client.get(url).status_code == 200, url
