import io
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assure.core.models import AccessLogEntry
from assure.core.permissions import Role
from assure.performance import services
from assure.performance.models import DataVersion, Extract
from assure.performance.selectors import working_run

from .web_extracts import use, year_figure

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"

REFERRALS = (
    "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Date of Referral,Referral Source,"
    "Referral NFA?,Number of Referrals in Last 12 Months\n"
    "CHILD-1,a) Male,WBRI,01/02/2012,7,03/06/2019,6,b) No,1\n"
    "CHILD-1,a) Male,WBRI,01/02/2012,7,10/01/2020,6,b) No,2\n"
    "CHILD-2,b) Female,WBRI,05/05/2015,4,not a date,6,b) No,1\n"
)


def annex_a_zip(text=REFERRALS) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("list3.csv", text)
    return SimpleUploadedFile("annex-a.zip", buffer.getvalue(), content_type="application/zip")


@pytest.fixture
def analyst_client(client, make_person, council):
    client.force_login(make_person(Role.ANALYST, council))
    return client


def upload(client, file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("performance:extract-upload"), {"files": [file]})


def upload_and_use(client, file, django_capture_on_commit_callbacks) -> Extract:
    """Upload a file, let the check run, and put the extract in use from its check page."""
    before = set(Extract.objects.values_list("pk", flat=True))
    upload(client, file, django_capture_on_commit_callbacks)
    extract = Extract.objects.exclude(pk__in=before).get()
    assert extract.status == Extract.Status.READY
    use(client, extract, django_capture_on_commit_callbacks)
    extract.refresh_from_db()
    return extract


def test_an_upload_is_checked_lists_bad_rows_and_once_used_computes_indicators(
    analyst_client, partnership, django_capture_on_commit_callbacks
):
    response = upload(analyst_client, annex_a_zip(), django_capture_on_commit_callbacks)
    extract = Extract.objects.get()
    assert response.status_code == 302 and response.url == extract.check_job.get_absolute_url()
    assert extract.status == Extract.Status.READY
    [source] = extract.sources.all()
    assert source.key == "annex_a:3" and source.records_by_kind["referral"] == 2
    [error] = extract.row_errors
    assert (error["row"], error["column"], error["value"]) == (4, "Date of Referral", "not a date")
    assert DataVersion.in_use(partnership) is None  # nothing changes until it is used

    use(analyst_client, extract, django_capture_on_commit_callbacks)
    run = working_run(partnership)
    assert run.data_version == DataVersion.in_use(partnership)
    assert year_figure(run, "referrals").numerator == 2
    re_referrals = year_figure(run, "re_referrals_12m_pct")
    assert (re_referrals.numerator, re_referrals.denominator) == (1, 2)


def test_child_identifiers_are_pseudonymised_before_they_are_stored(
    analyst_client, partnership, django_capture_on_commit_callbacks
):
    upload_and_use(analyst_client, annex_a_zip(), django_capture_on_commit_callbacks)
    version = DataVersion.in_use(partnership)
    stored = pq.read_table(services.version_folder(version) / "referral.parquet").column("child_id").to_pylist()
    assert len(stored) == 2 and len(set(stored)) == 1
    assert stored[0] != "CHILD-1" and len(stored[0]) == 64


def test_using_the_same_extract_again_replaces_its_source(
    analyst_client, partnership, django_capture_on_commit_callbacks
):
    first = upload_and_use(analyst_client, annex_a_zip(), django_capture_on_commit_callbacks)
    second = upload_and_use(analyst_client, annex_a_zip(), django_capture_on_commit_callbacks)
    assert first.status == Extract.Status.NO_LONGER_IN_USE and second.status == Extract.Status.IN_USE
    version = DataVersion.in_use(partnership)
    assert list(version.sources.all()) == list(second.sources.all())
    assert version.event_counts["referral"] == 2
    assert year_figure(working_run(partnership), "referrals").numerator == 2


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_saved(analyst_client):
    response = analyst_client.post(
        reverse("performance:extract-upload"),
        {"files": [SimpleUploadedFile("children.exe", b"MZ\x90\x00", content_type="application/octet-stream")]},
    )
    assert response.status_code == 400
    assert "children.exe is a .exe; upload an Annex A workbook" in response.content.decode()
    assert Extract.objects.count() == 0


def test_a_file_in_no_known_format_is_recorded_as_rejected_with_the_reason(
    analyst_client, django_capture_on_commit_callbacks
):
    upload(analyst_client, SimpleUploadedFile("episodes.csv", b"name,age\nx,1\n"), django_capture_on_commit_callbacks)
    extract = Extract.objects.get()
    assert extract.status == Extract.Status.REJECTED
    assert "not a recognised format" in extract.rejection_reason and "episodes.csv" in extract.rejection_reason
    assert DataVersion.objects.filter(in_use_since__isnull=False).count() == 0


def test_the_ssda903_sample_is_read_as_care_periods(analyst_client, django_capture_on_commit_callbacks):
    data = (SAMPLES / "ssda903" / "SSDA903_2020_episodes.csv").read_bytes()
    upload(analyst_client, SimpleUploadedFile("SSDA903_2020_episodes.csv", data), django_capture_on_commit_callbacks)
    [source] = Extract.objects.get().sources.all()
    assert source.key.startswith("ssda903_episodes:") and source.records_by_kind["care_period"] > 0


def test_viewing_and_exporting_an_extracts_error_report_is_logged(analyst_client, django_capture_on_commit_callbacks):
    upload(analyst_client, annex_a_zip(), django_capture_on_commit_callbacks)
    extract = Extract.objects.get()
    page = analyst_client.get(extract.get_absolute_url())
    assert "not a date" in page.content.decode()
    download = analyst_client.get(extract.get_absolute_url(), {"export": "csv"})
    assert "Date of Referral,not a date" in download.content.decode("utf-8-sig")
    events = set(AccessLogEntry.objects.filter(record_type="performance.Extract").values_list("event", flat=True))
    assert events == {"view", "export"}


def test_only_analysts_and_the_business_unit_see_child_level_extracts(client, make_person, police, council):
    client.force_login(make_person(Role.AGENCY_LEAD, police))
    assert client.get(reverse("performance:extract-list")).status_code == 403
    client.force_login(make_person(Role.SCRUTINEER, council))
    assert client.get(reverse("performance:extract-list")).status_code == 403
    assert client.get(reverse("performance:extract-upload")).status_code == 403


def test_the_rows_behind_the_data_quality_counts_download_and_are_logged(
    analyst_client, django_capture_on_commit_callbacks
):
    before_birth = REFERRALS + "CHILD-3,b) Female,WBRI,05/05/2019,0,01/05/2017,6,b) No,1\n"
    upload_and_use(analyst_client, annex_a_zip(before_birth), django_capture_on_commit_callbacks)
    response = analyst_client.get(reverse("performance:data-quality"), {"year": 2019, "export": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Check,Event,Child Id,File,Sheet,Row"
    [finding] = lines[1:]
    assert finding.startswith("events_before_birth,referral,") and finding.endswith(",5")
    assert "CHILD-3" not in finding  # pseudonymised
    assert AccessLogEntry.objects.filter(event="export", record_type="performance.DataVersion").exists()
