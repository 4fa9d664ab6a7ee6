"""One Job record for background work: queued after commit, stages and progress while it runs, its outcome, and
recovery when its worker dies."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from assure.core import jobs
from assure.core.models import Job
from assure.core.permissions import Role
from tests.task_queues import run_queue

TASK = "tests.core.job_tasks.two_stages"

pytestmark = pytest.mark.django_db


def start(kind=Job.Kind.IMPORT, started_by=None, **arguments) -> Job:
    return jobs.job_start(
        kind=kind, label="Annex A upload of 3 May 2020", task_path=TASK, arguments=arguments, started_by=started_by
    )


def test_a_job_waits_for_the_commit_then_runs_its_stages(admin_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(started_by=admin_user)
        assert (job.state, job.stage, job.started_at) == (Job.State.QUEUED, "", None)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert [entry["stage"] for entry in job.stages] == ["Reading List 3 (3 of 8)", "Checking DfE rules"]
    assert (job.stage, job.progress, job.result_path) == ("Finished", 100, "/performance/")
    assert job.queued_at <= job.started_at <= job.heartbeat_at <= job.finished_at


def test_a_job_rolled_back_with_its_transaction_is_never_queued(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            start()
            raise RuntimeError("the upload was refused")
    assert callbacks == [] and not Job.objects.exists()


def test_a_refusal_ends_the_job_with_its_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(outcome="refuse")
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILED, "List 3 has no Date of Referral column; expected one.")
    assert job.stage == "Reading List 3 (3 of 8)" and job.progress == 38


def test_an_unexpected_error_ends_the_job_without_showing_it_and_fails_the_task(
    database_queues, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(outcome="crash")
    run_queue("heavy")
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILED, jobs.UNEXPECTED_FAILURE)
    task_result = DBTaskResult.objects.get()
    assert task_result.status == TaskResultStatus.FAILED and "disk full" in task_result.traceback


def test_progress_is_a_whole_percentage_where_the_stage_can_tell():
    job = Job.objects.create(kind=Job.Kind.IMPORT, label="Upload", task_path=TASK, state=Job.State.RUNNING)
    assert jobs.job_stage(job, "Reading List 1 (1 of 8)", 0.4).progress == 0
    assert jobs.job_stage(job, "Reading List 8 (8 of 8)", 112).progress == 100
    assert jobs.job_stage(job, "Checking DfE rules").progress is None
    job.refresh_from_db()
    assert [entry["stage"] for entry in job.stages] == [
        "Reading List 1 (1 of 8)",
        "Reading List 8 (8 of 8)",
        "Checking DfE rules",
    ]


def _stalled(kind, retry_count=0) -> Job:
    silent_since = timezone.now() - jobs.STALLED_AFTER - timedelta(minutes=1)
    return Job.objects.create(
        kind=kind,
        label="Work whose worker died",
        task_path=TASK,
        state=Job.State.RUNNING,
        heartbeat_at=silent_since,
        retry_count=retry_count,
    )


def test_an_indicator_run_whose_worker_died_is_queued_again_once(database_queues, django_capture_on_commit_callbacks):
    job = _stalled(Job.Kind.INDICATOR_RUN)
    beating = Job.objects.create(
        kind=Job.Kind.INDICATOR_RUN, label="Still running", task_path=TASK, state=Job.State.RUNNING
    )
    jobs.job_heartbeat(beating)

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.jobs_recover_stalled() == (1, 0)

    job.refresh_from_db()
    assert (job.state, job.retry_count) == (Job.State.QUEUED, 1)
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"job_id": job.pk}
    beating.refresh_from_db()
    assert beating.state == Job.State.RUNNING

    job.state, job.heartbeat_at = Job.State.RUNNING, timezone.now() - jobs.STALLED_AFTER * 2
    job.save()
    assert jobs.jobs_recover_stalled() == (0, 1)
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILED, jobs.WORKER_STOPPED)


def test_an_import_whose_worker_died_is_marked_failed_to_try_again():
    job = _stalled(Job.Kind.IMPORT)
    assert jobs.jobs_recover_stalled() == (0, 1)
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILED, jobs.WORKER_STOPPED)


# The pages ---------------------------------------------------------------------------------------------------


@pytest.fixture
def running_job(make_person, council):
    analyst = make_person(Role.ANALYST, council)
    job = Job.objects.create(
        kind=Job.Kind.INDICATOR_RUN, label="Figures from data version 4", task_path=TASK, started_by=analyst
    )
    jobs.job_stage(job, "Reading the data")
    jobs.job_stage(job, "Computing 2019-20 (1 of 9)", 0)
    return job


def test_the_starter_and_those_with_the_area_follow_a_job_and_others_get_404(
    client, running_job, make_person, council, police
):
    urls = [
        reverse("core:job-detail", args=[running_job.pk]),
        reverse("core:job-status", args=[running_job.pk]),
    ]
    for person, expected in [
        (running_job.started_by, 200),
        (make_person(Role.ANALYST, council), 200),
        (make_person(Role.AGENCY_LEAD, police), 404),
        (make_person(Role.SCRUTINEER, council), 404),
    ]:
        client.force_login(person)
        assert [client.get(url).status_code for url in urls] == [expected, expected], person
        listed = client.get(reverse("core:job-list")).content.decode()
        assert ("Figures from data version 4" in listed) == (expected == 200)


def test_a_practitioner_follows_the_report_they_started(client, make_person, council):
    practitioner = make_person(Role.PRACTITIONER, council)
    own = Job.objects.create(
        kind=Job.Kind.REPORT_RENDERING, label="Annual report 2019-20", task_path=TASK, started_by=practitioner
    )
    someone_elses = Job.objects.create(kind=Job.Kind.REPORT_RENDERING, label="Annual report 2018-19", task_path=TASK)
    client.force_login(practitioner)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(someone_elses.get_absolute_url()).status_code == 404


def test_the_page_shows_the_stage_and_a_refresh_link_and_no_inline_script(client, running_job):
    client.force_login(running_job.started_by)
    page = client.get(running_job.get_absolute_url()).content.decode()
    assert "Computing 2019-20 (1 of 9)" in page and "Reading the data" in page
    assert f'<a class="govuk-link" href="{running_job.get_absolute_url()}">Refresh</a>' in page
    assert '<script type="module" src="/static/core/job-status.js"></script>' in page
    assert "<script>" not in page and "style=" not in page


def test_the_status_endpoint_answers_what_the_page_shows(client, running_job):
    client.force_login(running_job.started_by)
    status = client.get(reverse("core:job-status", args=[running_job.pk])).json()
    assert status == {
        "state": "queued",
        "state_label": "Waiting to start",
        "state_colour": "grey",
        "stage": "Computing 2019-20 (1 of 9)",
        "progress": 0,
        "stages": ["Reading the data", "Computing 2019-20 (1 of 9)"],
        "finished": False,
        "error": "",
        "result_path": "",
    }


def test_a_finished_job_links_to_its_result_and_stops_following(client, running_job):
    jobs.job_finish(running_job, result_path="/performance/")
    client.force_login(running_job.started_by)
    page = client.get(running_job.get_absolute_url()).content.decode()
    assert '<a class="govuk-button" href="/performance/">See the result</a>' in page
    assert "Refresh" not in page and "job-status.js" not in page


def test_a_failed_indicator_run_can_be_tried_again_by_its_starter(
    client, running_job, database_queues, django_capture_on_commit_callbacks
):
    jobs.job_fail(running_job, jobs.UNEXPECTED_FAILURE)
    client.force_login(running_job.started_by)
    assert ">Try again</button>" in client.get(running_job.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:job-retry", args=[running_job.pk]))
    assert response.status_code == 302
    running_job.refresh_from_db()
    assert (running_job.state, running_job.error, running_job.retry_count) == (Job.State.QUEUED, "", 1)
    assert DBTaskResult.objects.get().args_kwargs["kwargs"] == {"job_id": running_job.pk}


def test_someone_who_may_only_read_the_area_cannot_try_again(client, admin_user, make_person, council):
    report = Job.objects.create(
        kind=Job.Kind.REPORT_RENDERING, label="Annual report 2019-20", task_path=TASK, started_by=admin_user
    )
    jobs.job_fail(report, jobs.UNEXPECTED_FAILURE)
    client.force_login(make_person(Role.SCRUTINEER, council))
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200 and ">Try again</button>" not in page.content.decode()
    assert client.post(reverse("core:job-retry", args=[report.pk])).status_code == 403
    report.refresh_from_db()
    assert report.state == Job.State.FAILED
