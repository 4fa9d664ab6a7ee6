import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assure.core.models import AuditEntry
from assure.core.permissions import Role
from assure.performance import services
from assure.performance.models import AggregateDataset, AggregateMeasure, AggregateReturn


@pytest.fixture
def gcp2(partnership, council, police):
    dataset = AggregateDataset.objects.create(partnership=partnership, code="gcp2", name="GCP2 use")
    dataset.agencies.set([council, police])
    AggregateMeasure.objects.create(dataset=dataset, code="families", label="Families", order=1)
    AggregateMeasure.objects.create(dataset=dataset, code="children", label="Children", order=2)
    return dataset


@pytest.fixture
def lead_client(client, make_person, police):
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    return client


def test_an_agency_lead_submits_a_return_for_their_agency(lead_client, gcp2, police):
    response = lead_client.post(
        reverse("performance:return-start"), {"dataset": gcp2.pk, "agency": police.pk, "start_year": 2019, "quarter": 2}
    )
    aggregate_return = AggregateReturn.objects.get()
    assert response.url == aggregate_return.get_absolute_url()
    lead_client.post(aggregate_return.get_absolute_url(), {"families": "7", "children": "20", "submit": "1"})
    aggregate_return.refresh_from_db()
    assert aggregate_return.status == AggregateReturn.Status.SUBMITTED
    assert {v.measure.code: v.value for v in aggregate_return.values.all()} == {"families": 7, "children": 20}


def test_an_agency_lead_cannot_start_a_return_for_another_agency(lead_client, gcp2, council):
    response = lead_client.post(
        reverse("performance:return-start"),
        {"dataset": gcp2.pk, "agency": council.pk, "start_year": 2019, "quarter": 2},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert AggregateReturn.objects.count() == 0


def test_bad_figures_show_the_error_summary_and_save_nothing(lead_client, gcp2, police):
    aggregate_return = AggregateReturn.objects.create(dataset=gcp2, agency=police, start_year=2019, quarter=1)
    response = lead_client.post(
        aggregate_return.get_absolute_url(), {"families": "seven", "children": "-1", "submit": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Families must be a whole number, such as 12" in html
    assert "Children cannot be less than 0" in html
    aggregate_return.refresh_from_db()
    assert aggregate_return.status == AggregateReturn.Status.DRAFT and aggregate_return.values.count() == 0


def test_an_accepted_return_is_locked_until_reopened_with_a_reason(gcp2, police, admin_user):
    aggregate_return = AggregateReturn.objects.create(dataset=gcp2, agency=police, start_year=2019, quarter=1)
    services.aggregate_return_save(
        aggregate_return=aggregate_return, values={"families": 2, "children": 5}, by=admin_user
    )
    services.aggregate_return_submit(aggregate_return=aggregate_return, by=admin_user)
    services.aggregate_return_accept(aggregate_return=aggregate_return, by=admin_user)
    with pytest.raises(ValidationError, match="locked"):
        services.aggregate_return_save(
            aggregate_return=aggregate_return, values={"families": 3, "children": 5}, by=admin_user
        )
    with pytest.raises(ValidationError, match="reason"):
        services.aggregate_return_reopen(aggregate_return=aggregate_return, reason="  ", by=admin_user)
    services.aggregate_return_reopen(aggregate_return=aggregate_return, reason="Families double counted", by=admin_user)
    assert aggregate_return.status == AggregateReturn.Status.DRAFT
    entry = AuditEntry.objects.filter(record_type="performance.AggregateReturn", action="update").first()
    assert entry.changes["unlock_reason"] == ["", "Families double counted"]


def test_a_locked_return_offers_no_form_to_its_agency(lead_client, gcp2, police, admin_user):
    aggregate_return = AggregateReturn.objects.create(
        dataset=gcp2, agency=police, start_year=2019, quarter=1, status=AggregateReturn.Status.ACCEPTED
    )
    lead_client.post(aggregate_return.get_absolute_url(), {"families": "1", "children": "1", "submit": "1"})
    assert aggregate_return.values.count() == 0


def test_a_csv_of_returns_lands_whole_or_not_at_all(admin_client, gcp2):
    good = "agency,start_year,quarter,families,children\nTest Police,2019,1,2,4\nTest Council,2019,1,3,9\n"
    bad = good + "Test Police,2019,5,x,1\n"
    response = admin_client.post(
        reverse("performance:returns-upload", args=[gcp2.pk]), {"file": SimpleUploadedFile("returns.csv", bad.encode())}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Row 4: start_year must be a year such as 2019 and quarter a number from 1 to 4" in html
    assert AggregateReturn.objects.count() == 0
    admin_client.post(
        reverse("performance:returns-upload", args=[gcp2.pk]),
        {"file": SimpleUploadedFile("returns.csv", good.encode())},
    )
    assert AggregateReturn.objects.count() == 2


def test_a_target_for_the_same_indicator_and_year_is_refused(admin_client, partnership):
    url = reverse("performance:target-create")
    admin_client.post(url, {"indicator_id": "re_referrals_12m_pct", "start_year": 2019, "target": "22"})
    again = admin_client.post(url, {"indicator_id": "re_referrals_12m_pct", "start_year": 2019, "target": "20"})
    assert again.status_code == 400
    assert "already has a target for that year" in again.content.decode()
    from assure.performance.models import IndicatorTarget

    assert list(IndicatorTarget.objects.values_list("target", flat=True)) == [22.0]


def test_benchmark_csv_rows_with_faults_are_all_refused(admin_client):
    from assure.performance.models import Benchmark

    csv_text = "indicator_id,geography,period,value,source\nre_referrals_12m_pct,West Midlands,2019-20,23.1,DfE\nnope,West Midlands,2019-20,1,DfE\n"
    response = admin_client.post(
        reverse("performance:benchmark-upload"), {"file": SimpleUploadedFile("b.csv", csv_text.encode())}
    )
    assert response.status_code == 400
    assert "Row 3: indicator_id &#x27;nope&#x27; is not one of Assure&#x27;s indicators" in response.content.decode()
    assert Benchmark.objects.count() == 0


def test_submitting_and_reopening_email_the_people_who_must_act(
    gcp2, police, admin_user, make_person, mailoutbox, django_capture_on_commit_callbacks
):
    lead = make_person(Role.AGENCY_LEAD, police)
    aggregate_return = AggregateReturn.objects.create(dataset=gcp2, agency=police, start_year=2019, quarter=1)
    services.aggregate_return_save(aggregate_return=aggregate_return, values={"families": 2, "children": 5}, by=lead)
    with django_capture_on_commit_callbacks(execute=True):
        services.aggregate_return_submit(aggregate_return=aggregate_return, by=lead)
    assert [m.to for m in mailoutbox] == [[admin_user.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.aggregate_return_reopen(aggregate_return=aggregate_return, reason="Q1 families wrong", by=admin_user)
    assert mailoutbox[-1].to == [lead.email] and "Q1 families wrong" in mailoutbox[-1].body


def test_the_return_list_shows_each_status_as_a_coloured_tag(admin_client, gcp2, police, council):
    AggregateReturn.objects.create(
        dataset=gcp2, agency=police, start_year=2019, quarter=1, status=AggregateReturn.Status.SUBMITTED
    )
    AggregateReturn.objects.create(
        dataset=gcp2, agency=council, start_year=2019, quarter=1, status=AggregateReturn.Status.ACCEPTED
    )
    html = admin_client.get(reverse("performance:return-list")).content.decode()
    assert '<strong class="govuk-tag govuk-tag--blue">Submitted</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--green">Accepted and locked</strong>' in html
    csv_text = admin_client.get(reverse("performance:return-list"), {"export": "csv"}).content.decode("utf-8-sig")
    assert "govuk-tag" not in csv_text and "Accepted and locked" in csv_text
