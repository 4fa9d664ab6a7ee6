"""``assure alerts``: email the people who run Assure about server errors, a silent worker or unverified backups
(every five minutes from a timer), or about a systemd unit that failed (``--failed-unit``, from OnFailure=)."""

from django.core.management.base import BaseCommand

from assure.core import alerts


class Command(BaseCommand):
    help = (
        "Email ASSURE_ALERT_EMAIL about server errors since the last run, a queue without a worker heartbeat, or "
        "backups not verified; with --failed-unit, about a systemd unit that failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--failed-unit", help="The systemd unit that failed (from assure-alert@.service).")

    def handle(self, *args, failed_unit=None, **options):
        if failed_unit:
            alerts.unit_failed(failed_unit)
            self.stdout.write(f"Alerted about {failed_unit}.")
            return
        sent = alerts.check()
        self.stdout.write("; ".join(sent) if sent else "Nothing to alert about.")
