from django.core.management.base import BaseCommand

from assure.core.audit import acting_as
from assure.training.services import course_reminders_send


class Command(BaseCommand):
    help = (
        "Remind delegates with a confirmed place two working days before their course, with the pre-course "
        "self-rating. Run daily from a timer; nobody is reminded twice."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command: assure send_course_reminders"):
            sent = course_reminders_send()
        self.stdout.write(f"Reminded {sent} delegate{'s' if sent != 1 else ''} of their course.")
