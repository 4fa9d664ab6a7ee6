"""``assure jobs``: background work for the people who run Assure — the workers, and the jobs waiting, running or
failed lately (kind, who, state, timings; never a file's contents)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from assure.core import jobs
from assure.core.models import Job, WorkerHeartbeat


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d %b %H:%M:%S") if moment else "-"


class Command(BaseCommand):
    help = (
        "List the workers (queues, host, last heartbeat) and the jobs waiting, running, or finished in the last "
        "--days days (default 1), newest first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=1, help="Show jobs finished in this many days (default 1).")
        parser.add_argument("--state", choices=[state.value for state in Job.State], help="Only jobs in this state.")

    def handle(self, *args, days=1, state=None, **options):
        now = timezone.now()
        self.stdout.write("Workers")
        workers = WorkerHeartbeat.objects.filter(beat_at__gte=now - timedelta(days=days))
        for worker in workers:
            alive = "dead" if jobs.worker_is_dead(worker, now=now) else "alive"
            self.stdout.write(
                f"  {worker.queues:<12} {alive:<6} {worker.hostname}:{worker.pid}  started {_when(worker.started_at)}"
                f"  last beat {_when(worker.beat_at)}  {worker.worker_id}"
            )
        if not workers:
            self.stdout.write("  none has beaten")
        missing = jobs.queues_without_worker(now=now)
        if missing:
            self.stdout.write(f"  No live worker for: {', '.join(missing)}")
        listed = Job.objects.select_related("started_by").filter(finished_at__isnull=True) | Job.objects.select_related(
            "started_by"
        ).filter(finished_at__gte=now - timedelta(days=days))
        if state:
            listed = listed.filter(state=state)
        self.stdout.write("Jobs")
        for job in listed.order_by("-queued_at", "-pk"):
            self.stdout.write(
                f"  #{job.pk:<6} {job.get_kind_display():<17} {job.get_state_display():<16} "
                f"queued {_when(job.queued_at)}  started {_when(job.started_at)}  ended {_when(job.finished_at)}  "
                f"by {job.started_by.email if job.started_by else 'Assure'}"
                + (f"  retried {job.retry_count}" if job.retry_count else "")
                + (f"\n          {job.stage}" if job.stage and not job.is_finished else "")
                + (f"\n          {job.error}" if job.error else "")
            )
        if not listed.exists():
            self.stdout.write("  none")
