from django.core.management.base import BaseCommand

from assure.core.audit import acting_as
from assure.core.models import Partnership
from assure.reviews.services import send_clock_reminders


class Command(BaseCommand):
    help = (
        "Remind the review panel (and an information request's agency) of each case review deadline two working "
        "days before it and on the first day it is missed: a neutral subject and a link only. Run daily from cron "
        "or a systemd timer."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command: assure send_review_reminders"):
            sent = sum(send_clock_reminders(partnership=partnership) for partnership in Partnership.objects.all())
        self.stdout.write(f"Sent {sent} case review reminders.")
