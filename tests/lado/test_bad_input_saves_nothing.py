"""Bad input gets a clear error and nothing saved: an outcome before receipt, a meeting before receipt, an unknown
outcome or sector. Employer and police dates before receipt are allowed, and raise the late-referral flag when the
employer knew more than one working day before the LADO."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.lado import services
from assure.lado.models import Allegation, Criterion, Meeting, ParallelProcess
from tests.lado import builders


def _referral(**changes):
    data = {
        "received_on": "2020-01-31",
        "referrer_kind": "employer",
        "adult_name": "Robin Example",
        "adult_date_of_birth": "1975-05-05",
        "adult_role": "Coach",
        "employer": "Knowle Juniors FC",
        "employment_sector": "sport",
        "abuse_category": "emotional",
        "criteria": [Criterion.objects.get(code="risk").pk],
        "child_age_band": "11_to_15",
        "summary": "Shouting and belittling players.",
    }
    data.update(changes)
    return data


@pytest.fixture
def case(lado):
    return builders.allegation(lado, received_on=date(2020, 1, 31))


def test_an_outcome_before_receipt_is_refused(lado_client, case):
    response = lado_client.post(
        reverse("lado:outcome", args=[case.pk]), {"outcome": "substantiated", "outcome_on": "2020-01-30"}
    )
    assert response.status_code == 400
    assert "The outcome date must be on or after the date the LADO received the allegation (31 January 2020)" in (
        response.content.decode()
    )
    case.refresh_from_db()
    assert (case.outcome, case.outcome_on) == ("", None)


def test_an_unknown_outcome_is_refused(lado_client, lado, case):
    response = lado_client.post(
        reverse("lado:outcome", args=[case.pk]), {"outcome": "guilty", "outcome_on": "2020-02-20"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="Choose one of the outcomes"):
        services.outcome_record(allegation=case, outcome="guilty", outcome_on=date(2020, 2, 20), by=lado)
    case.refresh_from_db()
    assert case.outcome == ""


def test_a_meeting_before_receipt_is_refused(lado_client, case):
    response = lado_client.post(reverse("lado:meeting-add", args=[case.pk]), {"held_on": "2020-01-29"})
    assert response.status_code == 400
    assert "The meeting date must be on or after the date the LADO received the allegation" in response.content.decode()
    assert not Meeting.objects.exists()


def test_an_unknown_sector_is_refused_and_nothing_is_saved(lado_client):
    response = lado_client.post(reverse("lado:allegation-create"), _referral(employment_sector="astronaut"))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Allegation.objects.exists()


def test_a_criterion_from_a_later_edition_is_refused(lado_client):
    later = Criterion.objects.get(code="suitability")
    response = lado_client.post(reverse("lado:allegation-create"), _referral(criteria=[later.pk]))
    assert response.status_code == 400
    assert "applies to allegations received from 1 September 2020" in response.content.decode()
    assert not Allegation.objects.exists()


@pytest.mark.parametrize(
    ("employer_aware_on", "late"),
    [
        ("2020-01-30", False),  # Thursday, the working day before a Friday receipt: on time
        ("2020-01-29", True),  # Wednesday: two working days
        ("2020-01-31", False),  # the same day
    ],
)
def test_an_employer_date_before_receipt_is_allowed_and_flags_a_late_referral(lado_client, employer_aware_on, late):
    response = lado_client.post(reverse("lado:allegation-create"), _referral(employer_aware_on=employer_aware_on))
    assert response.status_code == 302
    allegation = Allegation.objects.get()
    assert allegation.referred_late is late
    assert ("Late referral" in lado_client.get(allegation.get_absolute_url()).content.decode()) is late


def test_a_police_investigation_that_began_before_receipt_is_allowed(lado_client, case):
    response = lado_client.post(
        reverse("lado:process-add", args=[case.pk]), {"kind": "police", "started_on": "2020-01-20"}
    )
    assert response.status_code == 302
    assert ParallelProcess.objects.get(allegation=case).started_on == date(2020, 1, 20)
