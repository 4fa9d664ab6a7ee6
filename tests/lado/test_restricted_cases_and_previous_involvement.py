"""A restricted case is visible only to the LADOs named on it; a search by name and date of birth finds earlier
allegations and consultations, and every new referral says whether the adult was known before."""

from datetime import date

from django.test import Client
from django.urls import reverse

from assure.core.permissions import Role
from assure.lado.selectors import known_before
from tests.lado import builders


def test_a_restricted_case_is_seen_only_by_the_lados_named_on_it(lado, lado_client, make_person, council):
    other = make_person(Role.LADO, council, full_name="Other Designated")
    named = make_person(Role.LADO, council, full_name="Named Designated")
    case = builders.allegation(lado, restricted=True, named_lados=[named])
    others_client = Client()
    others_client.force_login(other)
    assert others_client.get(case.get_absolute_url()).status_code == 404
    assert others_client.get(reverse("lado:allegation-edit", args=[case.pk])).status_code == 404
    assert case.reference not in others_client.get(reverse("lado:case-list")).content.decode()
    assert others_client.get(reverse("lado:search"), {"name": "Quillfeather"}).context["allegations"].count() == 0
    for person, client in ((lado, lado_client), (named, Client())):
        client.force_login(person)
        assert client.get(case.get_absolute_url()).status_code == 200, person
    assert set(case.named_lados.all()) == {lado, named}, "the LADO who records a restricted case is always named"


def test_the_search_finds_earlier_records_by_name_and_date_of_birth(lado, lado_client):
    builders.consultation(lado, received_on=date(2019, 5, 1))
    first = builders.allegation(lado, received_on=date(2019, 6, 3))
    builders.allegation(lado, received_on=date(2019, 7, 1), adult_name="Someone Else")
    response = lado_client.get(reverse("lado:search"), {"name": "quillfeather", "date_of_birth": "1980-06-15"})
    assert list(response.context["allegations"]) == [first]
    assert response.context["consultations"].count() == 1
    assert lado_client.get(reverse("lado:search"), {"name": ""}).status_code == 400


def test_every_new_referral_says_whether_the_adult_was_known_before(lado):
    first = builders.allegation(lado, received_on=date(2019, 6, 3))
    assert not known_before(first)
    second = builders.allegation(lado, received_on=date(2019, 9, 3))
    assert known_before(second)
    other = builders.allegation(lado, received_on=date(2019, 9, 3), adult_date_of_birth=date(1990, 1, 1))
    assert not known_before(other), "same name, another date of birth: another adult"
    builders.consultation(lado, received_on=date(2019, 8, 1), adult_name="Casey Prior")
    assert known_before(builders.allegation(lado, received_on=date(2019, 10, 1), adult_name="Casey Prior"))


def test_a_consultation_referred_as_an_allegation_is_linked_and_not_known_before_by_itself(lado, lado_client):
    consultation = builders.consultation(lado, adult_name="Jamie Fresh")
    response = lado_client.post(
        reverse("lado:consultation-refer", args=[consultation.pk]),
        {
            "received_on": "2020-01-22",
            "referrer_kind": "education",
            "adult_name": "Jamie Fresh",
            "adult_role": "Supply teacher",
            "employer": "An agency",
            "employment_sector": "education",
            "abuse_category": "physical",
            "criteria": [],
            "child_age_band": "5_to_10",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    consultation.refresh_from_db()
    allegation = consultation.referred_as
    assert allegation is not None and allegation.summary == ""
    assert not known_before(allegation)


def test_the_case_list_flags_adults_known_before(lado, lado_client):
    builders.allegation(lado, received_on=date(2019, 6, 3))
    response = lado_client.get(reverse("lado:case-list"))
    assert "Known before" not in response.content.decode()
    builders.allegation(lado, received_on=date(2019, 9, 3))
    response = lado_client.get(reverse("lado:case-list"))
    assert response.content.decode().count("Known before") == 1
