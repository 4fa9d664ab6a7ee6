"""An upload's indicator run is a job on the heavy queue: one stage per period, its figures written at the end,
and the upload's page links to it."""

import pytest
from django.urls import reverse

from assure.core.models import Job
from assure.core.permissions import Role
from assure.performance.models import DataVersion, IndicatorRun
from tests.task_queues import run_queue

from .test_web_extract_upload import annex_a_zip, upload


@pytest.fixture
def analyst_client(client, make_person, council):
    client.force_login(make_person(Role.ANALYST, council))
    return client


def test_an_upload_queues_the_indicator_run_on_the_heavy_queue(
    analyst_client, database_queues, django_capture_on_commit_callbacks
):
    upload(analyst_client, annex_a_zip(), django_capture_on_commit_callbacks)
    job = Job.objects.get()
    version = DataVersion.objects.get()
    assert (job.kind, job.state, job.record_type, job.record_id) == (
        Job.Kind.INDICATOR_RUN,
        Job.State.QUEUED,
        "performance.DataVersion",
        str(version.pk),
    )
    assert job.started_by.roles() == {"analyst"}
    assert not IndicatorRun.objects.exists()

    assert run_queue("mail") == 0 and not IndicatorRun.objects.exists()
    assert run_queue("heavy") == 1

    job.refresh_from_db()
    run = IndicatorRun.objects.get()
    assert (job.state, job.result_path, run.data_version) == (
        Job.State.SUCCEEDED,
        reverse("performance:dashboard"),
        version,
    )
    # One reporting year: the year, its four quarters and the rolling year at each quarter end.
    stages = [entry["stage"] for entry in job.stages]
    assert stages[0] == "Reading the data" and stages[-1] == "Saving the figures"
    assert stages[1:-1] == [
        f"Computing {label} ({number} of 9)"
        for number, label in enumerate(
            [
                "2019-20",
                "Q1 2019-20",
                "12 months to Q1 2019-20",
                "Q2 2019-20",
                "12 months to Q2 2019-20",
                "Q3 2019-20",
                "12 months to Q3 2019-20",
                "Q4 2019-20",
                "12 months to Q4 2019-20",
            ],
            start=1,
        )
    ]


def test_the_uploads_page_links_to_the_figures_being_worked_out(
    analyst_client, database_queues, django_capture_on_commit_callbacks
):
    upload(analyst_client, annex_a_zip(), django_capture_on_commit_callbacks)
    job = Job.objects.get()
    page = analyst_client.get(reverse("performance:extract-detail", args=[DataVersion.objects.get().extracts.get().pk]))
    html = page.content.decode()
    assert f'<a class="govuk-link" href="{job.get_absolute_url()}">Figures from data version' in html
    assert "Waiting to start" in html
