"""Background work people wait for: one ``Job`` record per import, indicator run, validation or report rendering.

The page that starts the work calls ``job_start``: the job is recorded as waiting, and its task goes on the
``heavy`` queue once the transaction commits. The task wraps its work in ``job_running(job_id)`` and reports
each stage with ``job_stage`` ("Computing 2019-20", 40 %), which also beats the job's heartbeat; the job's
page polls those fields. Stages are written outside the work's own transactions, so people see them as they
happen; the work writes its results in one short transaction at the end.

Workers beat too: ``assure db_worker`` (``core.worker``) writes a ``WorkerHeartbeat`` every few seconds. Work
claimed by a worker that stopped beating for ``WORKER_SILENT_AFTER`` (or by none that ever beat, after
``STALLED_AFTER``), and a job silent for ``STALLED_AFTER``, was left by a dead worker. ``jobs_recover_stalled`` (run
by ``assure recover_stalled_jobs`` from a timer every minute, and by every worker as it starts) queues indicator
runs and report rendering once more, and marks anything else failed, to try again; ``core.notify`` does the same
for emails.
"""

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import Job, WorkerHeartbeat
from .permissions import Action, Area, Scope, can, reaches

logger = logging.getLogger(__name__)

HEAVY_QUEUE = "heavy"
MAIL_QUEUE = "mail"
QUEUES = (MAIL_QUEUE, HEAVY_QUEUE)
# Longer than any stage may run (an import stops itself after 15 minutes, a validation after 10).
STALLED_AFTER = timedelta(minutes=20)
# A worker beats every WORKER_BEATS_EVERY; one silent for this long has died (decisions.md section 5).
WORKER_BEATS_EVERY = timedelta(seconds=20)
WORKER_SILENT_AFTER = timedelta(minutes=2)
# A job recorded as waiting whose task was never queued (the process died between the commit and queueing it).
NEVER_QUEUED_AFTER = timedelta(minutes=5)
# Work that is safe to run again from the start: re-queued once when its worker died, and offered again after a
# failure. An import or a validation is started again from its page instead.
RERUNNABLE = frozenset({Job.Kind.INDICATOR_RUN, Job.Kind.REPORT_RENDERING})

UNEXPECTED_FAILURE = (
    "Something went wrong and the work stopped. The error is logged for the people who run Assure. "
    "Try again; if it fails again, tell them."
)
WORKER_STOPPED = "The worker running this stopped before it finished. Try again."


class JobFailed(Exception):
    """A failure the person can act on ("the file is not an Annex A workbook"): its message is shown on the job's
    page, and the worker does not treat it as an error in Assure."""


def job_start(
    *,
    kind: Job.Kind,
    label: str,
    task_path: str,
    arguments: dict | None = None,
    started_by=None,
    record=None,
    result_path: str = "",
    start_path: str = "",
) -> Job:
    """Record a job as waiting and queue its task (``task_path``, called with ``job_id`` and ``arguments``)
    once the current transaction commits; if the transaction rolls back, neither exists."""
    job = Job.objects.create(
        kind=kind,
        label=label[:200],
        task_path=task_path,
        arguments=arguments or {},
        started_by=started_by if getattr(started_by, "pk", None) else None,
        record_type=record._meta.label if record is not None else "",
        record_id=str(record.pk) if record is not None else "",
        result_path=result_path,
        start_path=start_path,
    )
    transaction.on_commit(lambda: _enqueue(job.pk), robust=True)
    return job


def _enqueue(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    try:
        result = import_string(job.task_path).enqueue(job_id=job.pk, **job.arguments)
    except Exception:
        logger.exception("Job %s (%s) could not be queued", job.pk, job.task_path)
        job_fail(job, UNEXPECTED_FAILURE)
    else:
        # An update, not a save: a backend that runs the task at once has already moved the job on.
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))


@contextmanager
def job_running(job_id: int) -> Iterator[Job]:
    """Inside a task: mark the job running, and finished or failed when the block ends.

    ``JobFailed`` ends the job with its message; any other exception ends it with a general message and is
    raised again, so the worker logs it.
    """
    job = Job.objects.get(pk=job_id)
    now = timezone.now()
    job.state, job.started_at, job.heartbeat_at, job.finished_at = Job.State.RUNNING, now, now, None
    job.error = ""
    job.save()
    try:
        yield job
    except JobFailed as failure:
        job_fail(job, str(failure))
    except Exception:
        job_fail(job, UNEXPECTED_FAILURE)
        raise
    else:
        if job.state == Job.State.RUNNING:
            job_finish(job)


def job_stage(job: Job, stage: str, progress: int | None = None) -> Job:
    """Report the stage the job has reached ("Reading List 3 (3 of 8)") and, where known, the per cent done."""
    now = timezone.now()
    if not job.stages or job.stages[-1]["stage"] != stage:
        job.stages = [*job.stages, {"stage": stage[:200], "at": now.isoformat()}]
    job.stage = stage[:200]
    job.progress = None if progress is None else max(0, min(100, round(progress)))
    job.heartbeat_at = now
    job.save(update_fields=["stage", "progress", "stages", "heartbeat_at"])
    return job


def job_heartbeat(job: Job) -> Job:
    """Say the job is still alive, in a long stage that reports no progress."""
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["heartbeat_at"])
    return job


def job_finish(job: Job, *, result_path: str | None = None) -> Job:
    job.state, job.stage, job.progress = Job.State.SUCCEEDED, "Finished", 100
    job.finished_at = job.heartbeat_at = timezone.now()
    if result_path is not None:
        job.result_path = result_path
    job.save()
    return job


def job_fail(job: Job, error: str) -> Job:
    job.state, job.error = Job.State.FAILED, error
    job.finished_at = timezone.now()
    job.save()
    return job


# Recovery from a dead worker ------------------------------------------------------------------------------------


def live_workers(*, now: datetime | None = None):
    """The workers beating now."""
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(stopped_at__isnull=True, beat_at__gte=now - WORKER_SILENT_AFTER)


def queues_without_worker(*, now: datetime | None = None) -> list[str]:
    """The queues no live worker serves: their work waits, and ``/healthz/worker`` answers 503."""
    served = {name for worker in live_workers(now=now) for name in worker.queue_names}
    return [queue for queue in QUEUES if queue not in served and "*" not in served]


def stalled_task_results(*, queue_names, now: datetime | None = None) -> list[DBTaskResult]:
    """Tasks on ``queue_names`` recorded as running whose worker died: it stopped beating (or gave up the task after
    losing the database), or it never beat and the task started longer ago than any may run."""
    now = now or timezone.now()
    running = list(DBTaskResult.objects.filter(queue_name__in=queue_names, status=TaskResultStatus.RUNNING))
    worker_ids = {result.worker_ids[-1] for result in running if result.worker_ids}
    heartbeats = {worker.worker_id: worker for worker in WorkerHeartbeat.objects.filter(worker_id__in=worker_ids)}
    stalled = []
    for result in running:
        worker = heartbeats.get(result.worker_ids[-1]) if result.worker_ids else None
        if worker is None:
            dead = result.started_at is None or result.started_at < now - STALLED_AFTER
        else:
            dead = worker_is_dead(worker, now=now)
        if dead:
            stalled.append(result)
    return stalled


def worker_is_dead(worker: WorkerHeartbeat, *, now: datetime) -> bool:
    """Stopped, silent for ``WORKER_SILENT_AFTER``, or — on this machine — its process gone (a worker killed and
    started again by systemd is recovered from at once, not two minutes later)."""
    if worker.stopped_at is not None or worker.beat_at < now - WORKER_SILENT_AFTER:
        return True
    if worker.hostname == socket.gethostname()[:255] and worker.pid != os.getpid():
        try:
            os.kill(worker.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False


class WorkerStopped(Exception):
    """The worker running a task stopped before it finished."""


def jobs_recover_stalled(*, now: datetime | None = None) -> tuple[int, int]:
    """Deal with work whose worker died: re-queue, once, the kinds that are safe to run again, and mark the rest
    failed, to try again. Returns (re-queued, failed).

    A job is stalled when the task running it was left by a dead worker, or when it reported nothing for
    ``STALLED_AFTER``. A job whose task was never queued is queued now (that is not a retry).
    """
    now = now or timezone.now()
    for result in stalled_task_results(queue_names=[HEAVY_QUEUE], now=now):
        result.set_failed(WorkerStopped(WORKER_STOPPED))
    requeued = failed = 0
    for job_id in Job.objects.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING]).values_list("pk", flat=True):
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.is_finished:
                continue
            task = DBTaskResult.objects.filter(pk=job.task_result_id).first() if job.task_result_id else None
            if not job.task_result_id and job.state == Job.State.QUEUED:
                if job.queued_at < now - NEVER_QUEUED_AFTER:
                    transaction.on_commit(lambda job_id=job.pk: _enqueue(job_id), robust=True)
                continue
            task_ended = task is not None and task.status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)
            silent = job.state == Job.State.RUNNING and (job.heartbeat_at or job.queued_at) < now - STALLED_AFTER
            if not (task_ended or silent):
                continue
            if job.kind in RERUNNABLE and job.retry_count == 0:
                _queue_again(job, "Queued again: the worker running it stopped")
                requeued += 1
            else:
                job_fail(job, WORKER_STOPPED)
                failed += 1
    return requeued, failed


def job_retry(*, job: Job) -> Job:
    """Queue a failed job's work again, from the start."""
    if job.state != Job.State.FAILED or job.kind not in RERUNNABLE:
        raise ValidationError("Only failed indicator runs and report rendering can be tried again from here.")
    with transaction.atomic():
        return _queue_again(job, "Queued again")


def _queue_again(job: Job, stage: str) -> Job:
    job.retry_count += 1
    job.state, job.error, job.started_at, job.finished_at = Job.State.QUEUED, "", None, None
    job.save()
    job_stage(job, stage)
    transaction.on_commit(lambda: _enqueue(job.pk), robust=True)
    return job


# Reads ---------------------------------------------------------------------------------------------------------


def oversees_background_work(user) -> bool:
    """Whether ``user`` runs the partnership's system (a partnership admin): the Background work page shows them every
    job, the workers and the emails (what ran, for whom, when; never a file's contents or an email's words)."""
    return reaches(user, Area.PARTNERSHIP, Action.EDIT, Scope.PARTNERSHIP)


def listed_jobs(user):
    """The jobs the Background work page lists for ``user``: every job for those who oversee background work,
    otherwise those they may follow."""
    if oversees_background_work(user):
        return Job.objects.select_related("started_by")
    return visible_jobs(user)


def visible_jobs(user):
    """The jobs ``user`` may follow: those they started, and every job of a kind whose area they may view."""
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    kinds = [kind for kind, area in Job.KIND_AREAS.items() if can(user, area, Action.VIEW)]
    return Job.objects.filter(Q(started_by=user.pk) | Q(kind__in=kinds)).select_related("started_by")


def get_visible_job_or_404(user, pk: int) -> Job:
    """The job, if ``user`` may follow it; otherwise a 404, as for any record out of reach."""
    try:
        return visible_jobs(user).get(pk=pk)
    except Job.DoesNotExist:
        raise Http404("No job matches the given query.") from None


def jobs_about(record):
    """The jobs about ``record`` (an extract, a data version, a report), newest first."""
    return Job.objects.filter(record_type=record._meta.label, record_id=str(record.pk))


def status(job: Job) -> dict:
    """What the job's page shows, as its status endpoint returns it."""
    return {
        "state": job.state,
        "state_label": job.get_state_display(),
        "state_colour": job.state_colour,
        "stage": job.stage,
        "progress": job.progress,
        "stages": [entry["stage"] for entry in job.stages],
        "finished": job.is_finished,
        "error": job.error,
        "result_path": job.result_path if job.state == Job.State.SUCCEEDED else "",
    }
