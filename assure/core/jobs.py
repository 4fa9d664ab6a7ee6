"""Background work people wait for: one ``Job`` record per import, indicator run, validation or report rendering.

The page that starts the work calls ``job_start``: the job is recorded as waiting, and its task goes on the
``heavy`` queue once the transaction commits. The task wraps its work in ``job_running(job_id)`` and reports
each stage with ``job_stage`` ("Computing 2019-20", 40 %), which also beats the job's heartbeat; the job's
page polls those fields. Stages are written outside the work's own transactions, so people see them as they
happen; the work writes its results in one short transaction at the end.

A job whose worker died stops beating. ``jobs_recover_stalled`` (run by ``assure recover_stalled_jobs`` from a
timer) queues indicator runs and report rendering once more, and marks anything else failed, to try again.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Job
from .permissions import Action, can

logger = logging.getLogger(__name__)

HEAVY_QUEUE = "heavy"
# Longer than any stage may run (an import stops itself after 15 minutes, a validation after 10).
STALLED_AFTER = timedelta(minutes=20)
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
        import_string(job.task_path).enqueue(job_id=job.pk, **job.arguments)
    except Exception:
        logger.exception("Job %s (%s) could not be queued", job.pk, job.task_path)
        job_fail(job, UNEXPECTED_FAILURE)


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


def jobs_recover_stalled(*, now: datetime | None = None) -> tuple[int, int]:
    """Deal with running jobs whose heartbeat stopped: re-queue, once, the kinds that are safe to run again, and
    mark the rest failed. Returns (re-queued, failed)."""
    now = now or timezone.now()
    requeued = failed = 0
    stalled = Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=now - STALLED_AFTER)
    for job in stalled:
        with transaction.atomic():
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
