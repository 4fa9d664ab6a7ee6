from django_tasks import task

from .models import DataVersion


@task()
def compute_indicators(data_version_id: int) -> int:
    from .services import indicator_run_compute

    return indicator_run_compute(data_version=DataVersion.objects.get(pk=data_version_id)).pk
