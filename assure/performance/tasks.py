"""Background work of the performance framework, run by the ``heavy`` queue's worker."""

from django.urls import reverse
from django_tasks import task

from assure.core.audit import acting_as
from assure.core.jobs import HEAVY_QUEUE, JobFailed, job_finish, job_running

from . import services
from .models import DataVersion, Extract


@task(queue_name=HEAVY_QUEUE)
def compute_indicators(*, job_id: int, data_version_id: int) -> int:
    """Compute every indicator over a data version, reporting each period as a stage of the job."""
    with acting_as(None, "task: compute indicators"), job_running(job_id) as job:
        run = services.indicator_run_compute(data_version=DataVersion.objects.get(pk=data_version_id), job=job)
        job_finish(job, result_path=reverse("performance:dashboard"))
        return run.pk


@task(queue_name=HEAVY_QUEUE)
def check_extract(*, job_id: int, extract_id: int) -> None:
    """Check an uploaded extract: read it source by source, check it, compare it with the data in use and work out
    the figures it would give. A refused file ends the job with the reason."""
    with acting_as(None, "task: check an extract"), job_running(job_id) as job:
        extract = services.extract_check(extract=Extract.objects.get(pk=extract_id), job=job)
        if extract.rejection_reason:
            raise JobFailed(extract.rejection_reason)
        job_finish(job, result_path=extract.get_absolute_url())
