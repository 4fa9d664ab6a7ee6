from django.core.management.base import BaseCommand

from assure.core.audit import acting_as
from assure.core.jobs import STALLED_AFTER, WORKER_SILENT_AFTER, jobs_recover_stalled
from assure.core.notify import sends_recover_stalled


class Command(BaseCommand):
    help = (
        f"Deal with background work whose worker died (its heartbeat silent for {WORKER_SILENT_AFTER.seconds // 60} "
        f"minutes, or the job's for {STALLED_AFTER.seconds // 60}): indicator runs and report rendering are queued "
        "once more, anything else (emails too) is marked failed, to try again. Run every minute by a systemd timer."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command: assure recover_stalled_jobs"):
            requeued, failed = jobs_recover_stalled()
            emails = sends_recover_stalled()
        self.stdout.write(
            f"Jobs queued again: {requeued}. Jobs marked failed: {failed}. Emails marked failed: {emails}."
        )
