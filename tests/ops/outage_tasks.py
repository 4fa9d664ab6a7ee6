"""A task that loses the database part-way, for the worker's outage test."""

from django.db import OperationalError
from django_tasks import task

from assure.core.jobs import HEAVY_QUEUE, job_running, job_stage

DATABASE = {"down": False}


@task(queue_name=HEAVY_QUEUE)
def loses_the_database(*, job_id: int) -> None:
    with job_running(job_id) as job:
        job_stage(job, "Reading List 1 (1 of 8)", 10)
        DATABASE["down"] = True
        raise OperationalError("server closed the connection unexpectedly")
