from django.core.management.base import BaseCommand

from assure.core.audit import acting_as
from assure.training.services import send_follow_ups


class Command(BaseCommand):
    help = (
        "Email the three-month evaluation to delegates (and their managers) whose course was three months ago. "
        "Run daily from cron; the links in the emails open Assure at ASSURE_BASE_URL."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command: assure send_training_followups"):
            sent = send_follow_ups()
        self.stdout.write(f"Sent {sent} three-month evaluation email{'s' if sent != 1 else ''}.")
