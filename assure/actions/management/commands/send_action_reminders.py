from django.core.management.base import BaseCommand

from assure.actions.services import send_action_reminders
from assure.core.audit import acting_as


class Command(BaseCommand):
    help = (
        "Email the owners of overdue actions (at most once a week each) and escalate actions more than "
        "28 days overdue to the business unit. Run daily from cron or a systemd timer."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command: assure send_action_reminders"):
            reminded, escalated = send_action_reminders()
        self.stdout.write(f"Sent {reminded} reminders; escalated {escalated} actions.")
