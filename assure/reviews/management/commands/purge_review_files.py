from django.core.management.base import BaseCommand

from assure.core.audit import acting_as
from assure.reviews.models import RETURNED_FILE_RETENTION_DAYS
from assure.reviews.services import returned_files_purge


class Command(BaseCommand):
    help = (
        f"Delete the files agencies returned to rapid reviews sent to the national panel more than "
        f"{RETURNED_FILE_RETENTION_DAYS} days ago, keeping the record of each. Run daily from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command: assure purge_review_files"):
            purged = returned_files_purge()
        self.stdout.write(f"Deleted {purged} returned files past their retention.")
