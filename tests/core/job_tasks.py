"""A task for the background-work tests: two stages, then a finish, a refusal or a crash."""

from django_tasks import task

from assure.core.jobs import HEAVY_QUEUE, JobFailed, job_finish, job_running, job_stage


@task(queue_name=HEAVY_QUEUE)
def two_stages(*, job_id: int, outcome: str = "finish") -> None:
    with job_running(job_id) as job:
        job_stage(job, "Reading List 3 (3 of 8)", 37.5)
        if outcome == "refuse":
            raise JobFailed("List 3 has no Date of Referral column; expected one.")
        if outcome == "crash":
            raise RuntimeError("disk full at /var/lib/assure")
        job_stage(job, "Checking DfE rules")
        job_finish(job, result_path="/performance/")
