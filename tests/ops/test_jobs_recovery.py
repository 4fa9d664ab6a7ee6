"""A worker that recovers: work left by a dead worker (found by its heartbeat) is queued again once when it can run
again from the start, and marked failed, to try again, otherwise; the worker itself outlives a database outage."""

import socket
import subprocess
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from assure.core import jobs, notify, worker
from assure.core.models import Job, WorkerHeartbeat
from tests.ops import outage_tasks
from tests.task_queues import run_queue

pytestmark = pytest.mark.django_db

TASK = "tests.core.job_tasks.two_stages"


def heartbeat(worker_id: str, *, silent_for: timedelta, stopped: bool = False) -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        queues="heavy",
        hostname="assure-1",
        pid=4321,
        beat_at=timezone.now() - silent_for,
        stopped_at=timezone.now() if stopped else None,
    )


def started_by_worker(kind: Job.Kind, worker_id: str, capture) -> Job:
    """A job whose task a worker has claimed and started, as ``assure db_worker`` does."""
    with capture(execute=True):
        job = jobs.job_start(kind=kind, label=f"{kind.label} in hand", task_path=TASK)
    job.refresh_from_db()
    DBTaskResult.objects.get(pk=job.task_result_id).claim(worker_id)
    jobs.job_stage(job, "Reading List 3 (3 of 8)", 37)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, started_at=timezone.now())
    job.refresh_from_db()
    return job


def test_work_left_by_a_worker_silent_for_two_minutes_is_recovered(database_queues, django_capture_on_commit_callbacks):
    heartbeat("killed-worker", silent_for=timedelta(minutes=2, seconds=5))
    computation = started_by_worker(Job.Kind.INDICATOR_RUN, "killed-worker", django_capture_on_commit_callbacks)
    upload = started_by_worker(Job.Kind.IMPORT, "killed-worker", django_capture_on_commit_callbacks)
    left_task = computation.task_result_id

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.jobs_recover_stalled() == (1, 1)

    computation.refresh_from_db()
    upload.refresh_from_db()
    assert (computation.state, computation.retry_count) == (Job.State.QUEUED, 1)
    assert computation.stage == "Queued again: the worker running it stopped"
    assert (upload.state, upload.error) == (Job.State.FAILED, jobs.WORKER_STOPPED)
    assert "Try again" in upload.error
    assert DBTaskResult.objects.get(pk=left_task).status == TaskResultStatus.FAILED

    # The computation queued again runs to the end on the next worker.
    assert run_queue("heavy") == 1
    computation.refresh_from_db()
    assert computation.state == Job.State.SUCCEEDED


def test_a_computation_whose_worker_dies_again_is_marked_failed(database_queues, django_capture_on_commit_callbacks):
    heartbeat("first-worker", silent_for=timedelta(minutes=5))
    computation = started_by_worker(Job.Kind.INDICATOR_RUN, "first-worker", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.jobs_recover_stalled()
    computation.refresh_from_db()
    heartbeat("second-worker", silent_for=timedelta(minutes=3))
    DBTaskResult.objects.get(pk=computation.task_result_id).claim("second-worker")
    Job.objects.filter(pk=computation.pk).update(state=Job.State.RUNNING)

    assert jobs.jobs_recover_stalled() == (0, 1)
    computation.refresh_from_db()
    assert (computation.state, computation.retry_count) == (Job.State.FAILED, 1)


def test_work_in_the_hands_of_a_beating_worker_is_left_alone(database_queues, django_capture_on_commit_callbacks):
    heartbeat("live-worker", silent_for=timedelta(seconds=20))
    upload = started_by_worker(Job.Kind.IMPORT, "live-worker", django_capture_on_commit_callbacks)
    assert jobs.jobs_recover_stalled() == (0, 0)
    upload.refresh_from_db()
    assert upload.state == Job.State.RUNNING
    assert DBTaskResult.objects.get(pk=upload.task_result_id).status == TaskResultStatus.RUNNING


def test_work_of_a_worker_that_gave_up_its_identity_is_recovered_at_once(
    database_queues, django_capture_on_commit_callbacks
):
    heartbeat("lost-the-database", silent_for=timedelta(seconds=5), stopped=True)
    upload = started_by_worker(Job.Kind.IMPORT, "lost-the-database", django_capture_on_commit_callbacks)
    assert jobs.jobs_recover_stalled() == (0, 1)
    upload.refresh_from_db()
    assert upload.state == Job.State.FAILED


def test_a_job_whose_task_was_never_queued_is_queued(database_queues, django_capture_on_commit_callbacks):
    job = Job.objects.create(
        kind=Job.Kind.IMPORT, label="Upload", task_path=TASK, queued_at=timezone.now() - timedelta(minutes=6)
    )
    waiting = Job.objects.create(kind=Job.Kind.IMPORT, label="Just now", task_path=TASK)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.jobs_recover_stalled() == (0, 0)
    job.refresh_from_db()
    waiting.refresh_from_db()
    assert job.task_result_id and DBTaskResult.objects.get(pk=job.task_result_id).status == TaskResultStatus.READY
    assert waiting.task_result_id == ""


def test_an_email_whose_worker_died_is_failed_and_can_be_sent_again(
    database_queues, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify.notify(to=["lead@police.example"], subject="Overdue action A1", body="Please update it.")
    WorkerHeartbeat.objects.create(
        worker_id="mail-worker", queues="mail", hostname="h", pid=1, beat_at=timezone.now() - timedelta(minutes=3)
    )
    send = DBTaskResult.objects.get(queue_name="mail")
    send.claim("mail-worker")

    out = StringIO()
    call_command("recover_stalled_jobs", stdout=out)
    assert "Emails marked failed: 1." in out.getvalue()
    send.refresh_from_db()
    assert send.status == TaskResultStatus.FAILED and "Try again" in send.traceback

    page = admin_client.get("/background-work/")
    assert "Emails that were not sent" in page.content.decode() and "Overdue action" not in page.content.decode()
    response = admin_client.post(f"/background-work/emails/{send.pk}/send-again/")
    assert response.status_code == 302
    again = DBTaskResult.objects.filter(queue_name="mail", status=TaskResultStatus.READY).get()
    assert again.args_kwargs["kwargs"]["recipients"] == ["lead@police.example"]


# The worker ------------------------------------------------------------------------------------------------------


@pytest.fixture
def worker_in_test_transaction(monkeypatch):
    """The worker as ``assure db_worker`` runs it, but keeping the test's connection (its loop would close it)."""
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker.connections, "close_all", lambda: None)
    waits = []
    monkeypatch.setattr(worker.time, "sleep", waits.append)
    return waits


def make_worker(**options) -> worker.RecoveringWorker:
    defaults = dict(
        queue_names=["heavy"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="worker-under-test",
        excluded_queue_names=[],
        beat_every=3600,
    )
    return worker.RecoveringWorker(**{**defaults, **options})


def test_the_worker_waits_out_a_database_outage_and_then_runs_the_queue(
    database_queues, worker_in_test_transaction, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(kind=Job.Kind.INDICATOR_RUN, label="Figures", task_path=TASK)
    waits = worker_in_test_transaction
    real_ready = DBTaskResult.objects.ready
    real_beat = WorkerHeartbeat.objects.update_or_create

    def down_for_three_waits(real):
        def call(*args, **kwargs):
            if len(waits) < 3:
                raise OperationalError("could not connect to server: Connection refused")
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(DBTaskResult.objects, "ready", down_for_three_waits(real_ready))
    monkeypatch.setattr(WorkerHeartbeat.objects, "update_or_create", down_for_three_waits(real_beat))
    make_worker().run()

    assert worker_in_test_transaction == [1.0, 2.0, 4.0]
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    beat = WorkerHeartbeat.objects.get(worker_id="worker-under-test")
    assert beat.queue_names == ["heavy"] and beat.stopped_at is not None


def test_a_worker_that_loses_the_database_mid_task_gives_the_task_up_and_it_is_recovered(
    database_queues, worker_in_test_transaction, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(
            kind=Job.Kind.IMPORT, label="Upload", task_path="tests.ops.outage_tasks.loses_the_database"
        )
    monkeypatch.setitem(outage_tasks.DATABASE, "down", False)

    def unless_down(real):
        def call(*args, **kwargs):
            if outage_tasks.DATABASE["down"]:
                raise OperationalError("could not connect to server: Connection refused")
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(Job, "save", unless_down(Job.save))
    monkeypatch.setattr(DBTaskResult, "set_failed", unless_down(DBTaskResult.set_failed))
    monkeypatch.setattr(
        WorkerHeartbeat.objects, "update_or_create", unless_down(WorkerHeartbeat.objects.update_or_create)
    )
    # The database comes back during the worker's first wait.
    monkeypatch.setattr(worker.time, "sleep", lambda seconds: outage_tasks.DATABASE.update(down=False))
    running_worker = make_worker()
    running_worker.run()

    assert WorkerHeartbeat.objects.get(worker_id="worker-under-test").stopped_at is not None
    assert running_worker.worker_id != "worker-under-test"
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILED, jobs.WORKER_STOPPED)
    assert DBTaskResult.objects.get(pk=job.task_result_id).status == TaskResultStatus.FAILED


def test_work_of_a_killed_worker_on_this_machine_is_recovered_without_waiting(
    database_queues, django_capture_on_commit_callbacks
):
    gone = subprocess.Popen(["true"])
    gone.wait()
    WorkerHeartbeat.objects.create(
        worker_id="killed-here", queues="heavy", hostname=socket.gethostname(), pid=gone.pid, beat_at=timezone.now()
    )
    computation = started_by_worker(Job.Kind.INDICATOR_RUN, "killed-here", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.jobs_recover_stalled() == (1, 0)
    computation.refresh_from_db()
    assert computation.state == Job.State.QUEUED


def test_operations_see_workers_and_jobs_from_the_command_line(admin_user):
    WorkerHeartbeat.objects.create(
        worker_id="w-mail", queues="mail", hostname="assure-1", pid=7, beat_at=timezone.now()
    )
    Job.objects.create(
        kind=Job.Kind.INDICATOR_RUN, label="Figures", task_path=TASK, started_by=admin_user, state=Job.State.RUNNING
    )
    Job.objects.create(
        kind=Job.Kind.IMPORT,
        label="Upload",
        task_path=TASK,
        state=Job.State.FAILED,
        error=jobs.WORKER_STOPPED,
        finished_at=timezone.now() - timedelta(days=3),
    )
    out = StringIO()
    call_command("jobs", stdout=out)
    text = out.getvalue()
    assert "mail         alive  assure-1:7" in text
    assert "No live worker for: heavy" in text
    assert "Indicator run     Running" in text and admin_user.email in text
    assert "Import" not in text
    out = StringIO()
    call_command("jobs", "--days", "7", "--state", "failed", stdout=out)
    assert "Import" in out.getvalue() and jobs.WORKER_STOPPED in out.getvalue()
