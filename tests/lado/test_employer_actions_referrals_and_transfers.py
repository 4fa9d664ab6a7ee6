"""The LADO records on an allegation what the employer did (a suspension with its review date, a dismissal…),
referrals to the DBS, the Teaching Regulation Agency or another regulator with who referred and the result, and
cross-border transfers to or from another area's LADO. Each shows on the allegation's page; bad input gets a clear
message, status 400 and nothing saved; each record is in the compartment's audit trail under the LADO's name."""

from datetime import date

import pytest
from django.urls import reverse

from assure.core.models import AuditEntry
from assure.lado.models import EmployerAction, RegulatorReferral, Transfer
from tests.lado import builders


def _date(field: str, on: date | None = None, *, day="", month="", year="") -> dict:
    """The three boxes of a GOV.UK date input, filled in from ``on`` or box by box."""
    if on:
        day, month, year = str(on.day), str(on.month), str(on.year)
    return {f"{field}_day": day, f"{field}_month": month, f"{field}_year": year}


@pytest.fixture
def case(lado):
    return builders.allegation(lado, received_on=date(2020, 1, 31))


def _post(client, url_name, case, data):
    return client.post(reverse(url_name, args=[case.pk]), data)


def _page(client, case) -> str:
    return client.get(case.get_absolute_url()).content.decode()


def test_it_records_a_suspension_with_its_review_date_and_shows_it_on_the_allegation(lado_client, case):
    response = _post(
        lado_client,
        "lado:employer-action-add",
        case,
        {"kind": "suspension", **_date("taken_on", date(2020, 2, 3)), **_date("review_on", date(2020, 3, 2))},
    )

    assert response.status_code == 302
    assert response.url == case.get_absolute_url()
    action = EmployerAction.objects.get(allegation=case)
    assert (action.kind, action.taken_on, action.review_on) == ("suspension", date(2020, 2, 3), date(2020, 3, 2))
    assert "Suspended on 3 February 2020, review by 2 March 2020" in _page(lado_client, case)


def test_it_records_a_resignation_before_the_case_concluded(lado_client, case):
    response = _post(
        lado_client, "lado:employer-action-add", case, {"kind": "resigned", **_date("taken_on", date(2020, 2, 14))}
    )

    assert response.status_code == 302
    assert EmployerAction.objects.get(allegation=case).review_on is None
    assert "Resigned before the case concluded on 14 February 2020" in _page(lado_client, case)


def test_it_records_a_dbs_referral_by_the_employer_with_its_result(lado_client, case):
    response = _post(
        lado_client,
        "lado:regulator-referral-add",
        case,
        {
            "body": "dbs",
            "referred_by": "employer",
            **_date("referred_on", date(2020, 3, 10)),
            "result": "Barred",
            **_date("result_on", date(2020, 9, 1)),
        },
    )

    assert response.status_code == 302
    assert response.url == case.get_absolute_url()
    referral = RegulatorReferral.objects.get(allegation=case)
    assert (referral.body, referral.referred_by, referral.referred_on, referral.result, referral.result_on) == (
        "dbs",
        "employer",
        date(2020, 3, 10),
        "Barred",
        date(2020, 9, 1),
    )
    assert (
        "Disclosure and Barring Service: referred by the employer on 10 March 2020; Barred, 1 September 2020"
        in _page(lado_client, case)
    )


def test_it_records_a_referral_to_a_named_other_regulator_by_the_police(lado_client, case):
    response = _post(
        lado_client,
        "lado:regulator-referral-add",
        case,
        {
            "body": "other",
            "regulator_name": "Social Work England",
            "referred_by": "police",
            **_date("referred_on", date(2020, 2, 20)),
        },
    )

    assert response.status_code == 302
    assert RegulatorReferral.objects.get(allegation=case).regulator_name == "Social Work England"
    assert "Another regulator (Social Work England): referred by police on 20 February 2020" in _page(lado_client, case)


def test_a_referral_by_the_lado_reads_as_the_lado_in_the_sentence(lado_client, case):
    response = _post(
        lado_client,
        "lado:regulator-referral-add",
        case,
        {"body": "other", "regulator_name": "Ofsted", "referred_by": "lado", **_date("referred_on", date(2020, 2, 21))},
    )

    assert response.status_code == 302
    assert "Another regulator (Ofsted): referred by the LADO on 21 February 2020" in _page(lado_client, case)


def test_it_records_a_transfer_out_to_another_area_and_shows_it_on_the_allegation(lado_client, case):
    response = _post(
        lado_client,
        "lado:transfer-add",
        case,
        {"direction": "out", "area": "Warwickshire", **_date("transferred_on", date(2020, 4, 6))},
    )

    assert response.status_code == 302
    assert response.url == case.get_absolute_url()
    transfer = Transfer.objects.get(allegation=case)
    assert (transfer.direction, transfer.area, transfer.transferred_on) == ("out", "Warwickshire", date(2020, 4, 6))
    assert "Transferred out to another area (Warwickshire) on 6 April 2020" in _page(lado_client, case)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**_date("taken_on", date(2020, 2, 3))}, "Select action"),
        ({"kind": "suspension", **_date("taken_on", day="3", month="2")}, "Date must include a year"),
        ({"kind": "suspension", **_date("taken_on", day="30", month="2", year="2020")}, "Date must be a real date"),
        (
            {"kind": "dismissal", **_date("taken_on", date(2020, 3, 1)), **_date("review_on", date(2020, 4, 1))},
            "Only a suspension has a review date.",
        ),
        (
            {"kind": "suspension", **_date("taken_on", date(2020, 3, 1)), **_date("review_on", date(2020, 2, 28))},
            "The review date must be on or after the suspension.",
        ),
    ],
)
def test_it_refuses_a_bad_employer_action_and_saves_nothing(lado_client, case, data, message):
    response = _post(lado_client, "lado:employer-action-add", case, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EmployerAction.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"referred_by": "employer", **_date("referred_on", date(2020, 3, 10))}, "Select referred to"),
        ({"body": "tra", "referred_by": "employer"}, "Enter date referred"),
        (
            {"body": "other", "regulator_name": "  ", "referred_by": "lado", **_date("referred_on", date(2020, 3, 10))},
            "Enter the name of the regulator.",
        ),
        (
            {
                "body": "tra",
                "referred_by": "employer",
                **_date("referred_on", date(2020, 3, 10)),
                "result": "No action",
                **_date("result_on", date(2020, 3, 9)),
            },
            "The result must be on or after the date referred.",
        ),
    ],
)
def test_it_refuses_a_bad_regulator_referral_and_saves_nothing(lado_client, case, data, message):
    response = _post(lado_client, "lado:regulator-referral-add", case, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RegulatorReferral.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"direction": "in", **_date("transferred_on", date(2020, 2, 1))}, "Enter local authority area"),
        ({"area": "Solihull", **_date("transferred_on", date(2020, 2, 1))}, "Select direction"),
        (
            {"direction": "in", "area": "Solihull", **_date("transferred_on", month="2", year="2020")},
            "must include a day",
        ),
    ],
)
def test_it_refuses_a_bad_transfer_and_saves_nothing(lado_client, case, data, message):
    response = _post(lado_client, "lado:transfer-add", case, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Transfer.objects.exists()


def test_it_writes_each_record_to_the_audit_trail_under_the_lados_name(lado_client, lado, case):
    _post(lado_client, "lado:employer-action-add", case, {"kind": "suspension", **_date("taken_on", date(2020, 2, 3))})
    _post(
        lado_client,
        "lado:regulator-referral-add",
        case,
        {"body": "tra", "referred_by": "employer", **_date("referred_on", date(2020, 3, 10))},
    )
    _post(
        lado_client,
        "lado:transfer-add",
        case,
        {"direction": "in", "area": "Solihull", **_date("transferred_on", date(2020, 2, 1))},
    )

    recorded = {
        EmployerAction: {"kind": "suspension", "taken_on": "2020-02-03"},
        RegulatorReferral: {"body": "tra", "referred_by": "employer", "referred_on": "2020-03-10"},
        Transfer: {"direction": "in", "area": "Solihull", "transferred_on": "2020-02-01"},
    }
    for model, values in recorded.items():
        record = model.objects.get(allegation=case)
        entry = AuditEntry.objects.get(record_type=model._meta.label, object_id=str(record.pk))
        assert (entry.action, entry.actor) == ("create", lado)
        assert entry.changes["allegation"] == [None, str(case)]
        assert {field: entry.changes[field] for field in values} == {
            field: [None, value] for field, value in values.items()
        }
