from django.core.management.base import BaseCommand

from assure.audits.services import section11_reminders_send
from assure.core.audit import acting_as


class Command(BaseCommand):
    help = (
        "Remind agencies with a Section 11 return still to submit: when the round opens, 7 days and 1 working day "
        "before the deadline, and the day after it. Run daily from a timer; each reminder is sent once."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command: assure send_section11_reminders"):
            sent = section11_reminders_send()
        self.stdout.write(f"Reminded {sent} agenc{'ies' if sent != 1 else 'y'} about their Section 11 return.")
