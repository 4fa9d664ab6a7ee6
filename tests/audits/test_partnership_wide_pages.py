from django.urls import reverse

from assure.core.permissions import Role

from . import builders
from .test_education_audit import make_audit


def test_an_agency_lead_cannot_see_every_agencys_case_audits_or_every_schools_results(
    client, make_person, partnership, police
):
    programme = builders.case_agency_audit(police).case.programme
    audit = make_audit(partnership)
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    for url in [reverse("audits:case-audits"), programme.get_absolute_url(), audit.get_absolute_url()]:
        assert client.get(url).status_code == 403, url
    home = client.get(reverse("audits:audits-home")).content.decode()
    assert reverse("audits:case-audits") not in home and reverse("audits:education-audits") not in home


def test_a_scrutineer_reads_the_results_without_the_business_units_buttons(client, make_person, partnership, police):
    programme = builders.case_agency_audit(police).case.programme
    audit = make_audit(partnership)
    client.force_login(make_person(Role.SCRUTINEER, police))
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Add a case" not in page and "Add an action" not in page
    page = client.get(audit.get_absolute_url()).content.decode()
    assert "Email a reminder" not in page
    assert client.get(reverse("audits:case-audit-programme-create")).status_code == 403
