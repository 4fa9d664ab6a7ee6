"""Run the tasks waiting on a queue as that queue's worker (`assure db_worker --queue-name …`) would, for tests
that use the ``database_queues`` fixture."""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def queue_worker(queue_name: str) -> Worker:
    return Worker(
        queue_names=[queue_name],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=f"test-{queue_name}-worker",
        excluded_queue_names=[],
    )


def run_queue(queue_name: str) -> int:
    """Claim and run, in this thread and inside the test's transaction, every task waiting on ``queue_name``.

    The worker's own loop closes connections between tasks, which would end a test's transaction; its task
    runner (claim, run, record the outcome) is used as it is."""
    worker = queue_worker(queue_name)
    waiting = list(DBTaskResult.objects.ready().filter(queue_name=queue_name))
    for result in waiting:
        result.claim(worker.worker_id)
        worker.run_task(result)
    return len(waiting)
