"""Background work of the performance framework, run by the ``heavy`` queue's worker."""

from django.urls import reverse
from django_tasks import task

from assure.core.audit import acting_as
from assure.core.jobs import HEAVY_QUEUE, job_finish, job_running

from . import services
from .models import DataVersion


@task(queue_name=HEAVY_QUEUE)
def compute_indicators(*, job_id: int, data_version_id: int) -> int:
    """Compute every indicator over a data version, reporting each period as a stage of the job."""
    with acting_as(None, "task: compute indicators"), job_running(job_id) as job:
        run = services.indicator_run_compute(data_version=DataVersion.objects.get(pk=data_version_id), job=job)
        job_finish(job, result_path=reverse("performance:dashboard"))
        return run.pk
