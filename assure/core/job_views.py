"""Background work: the jobs a person may follow, each job's page (which follows itself while the job runs),
and the small status endpoint that page's script reads. For a partnership admin (under Manage) the list holds every
job, the workers and the emails whose send failed: what ran, for whom and when, never a file's contents or an
email's words."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from . import jobs, notify
from .permissions import (
    Action,
    Area,
    can,
    open_to_everyone_signed_in,
    permission_of_record,
    permission_required,
    require,
)
from .tables import Column, Table


def _columns(*, linked: bool) -> list[Column]:
    return [
        Column("Work", lambda job: job.label, sort="label", link=linked),
        Column("Kind", lambda job: job.get_kind_display(), sort="kind"),
        Column("Started by", lambda job: job.started_by or "Assure", sort="started_by__full_name"),
        Column("Queued", lambda job: job.queued_at, sort="queued_at"),
        Column("Started", lambda job: job.started_at, sort="started_at"),
        Column("Ended", lambda job: job.finished_at, sort="finished_at"),
        Column("Stage", lambda job: job.stage),
        Column("State", lambda job: job.get_state_display(), sort="state", tag=lambda job: job.state_colour),
    ]


@require_safe
@open_to_everyone_signed_in
def job_list(request):
    overseeing = jobs.oversees_background_work(request.user)
    table = Table(
        request,
        jobs.listed_jobs(request.user),
        # Those who oversee see every job, but open only those they may follow.
        _columns(linked=not overseeing),
        name="background-work",
        search_fields=["label"],
        default_sort="-queued_at",
    )
    context = {"table": table, "can_export": False, "overseeing": overseeing}
    if overseeing:
        context.update(
            workers=jobs.live_workers(),
            queues_without_worker=jobs.queues_without_worker(),
            failed_emails=notify.failed_sends()[:20],
        )
    return render(request, "core/job_list.html", context)


@require_POST
@permission_required(Area.PARTNERSHIP, Action.EDIT)
def email_send_again(request, task_result_id):
    try:
        notify.email_send_again(task_result_id=str(task_result_id))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Queued the email again.")
    return redirect("core:job-list")


@require_safe
@permission_of_record(Action.VIEW)
def job_detail(request, pk):
    job = jobs.get_visible_job_or_404(request.user, pk)
    return render(request, "core/job_detail.html", {"job": job, "can_retry": _can_retry(request.user, job)})


@require_safe
@permission_of_record(Action.VIEW)
def job_status(request, pk):
    return JsonResponse(jobs.status(jobs.get_visible_job_or_404(request.user, pk)))


@require_POST
@permission_of_record(Action.EDIT)
def job_retry(request, pk):
    job = jobs.get_visible_job_or_404(request.user, pk)
    if job.started_by_id != request.user.pk:
        require(request.user, job.area, Action.EDIT)
    if not _can_retry(request.user, job):
        messages.error(request, "Only failed work can be tried again.")
        return redirect(job.get_absolute_url())
    try:
        jobs.job_retry(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Queued the work again.")
    return redirect(job.get_absolute_url())


def _can_retry(user, job) -> bool:
    if job.state != job.State.FAILED or job.kind not in jobs.RERUNNABLE:
        return False
    return job.started_by_id == user.pk or can(user, job.area, Action.EDIT)
