from django.core.management.base import BaseCommand

from assure.core.audit import acting_as
from assure.lado.services import meeting_follow_up_reminders


class Command(BaseCommand):
    help = (
        "Remind the LADOs, once per meeting, of each open case whose meeting follow-up date has passed (a neutral "
        "subject and a link only). Run daily from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command: assure send_lado_reminders"):
            sent = meeting_follow_up_reminders()
        self.stdout.write(f"Sent {sent} follow-up reminders.")
