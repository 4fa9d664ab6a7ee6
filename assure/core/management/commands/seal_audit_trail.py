"""``assure seal_audit_trail``: add new audit trail and access log entries to their keyed hash chains (every minute)."""

from django.core.management.base import BaseCommand, CommandError

from assure.core import chain
from assure.core.models import AuditSeal


class Command(BaseCommand):
    help = (
        "Seal the audit trail and access log entries written since the last run into their hash chains, and "
        "move the checkpoint outside the database on. Run it every minute (docs/deploy.md)."
    )

    def handle(self, *args, **options):
        try:
            sealed = chain.seal()
        except chain.SealingBusy as busy:
            self.stdout.write(str(busy))
            return
        except chain.ChainBroken as broken:
            raise CommandError(
                f"Nothing was sealed: {broken} Run ‘assure verify_audit_trail’ to see everything that is wrong."
            ) from broken
        if options["verbosity"] > 1:  # quiet otherwise: cron mails whatever a job prints
            self.stdout.write(
                f"Sealed {sealed[AuditSeal.Log.AUDIT_TRAIL]} audit trail entries and "
                f"{sealed[AuditSeal.Log.ACCESS_LOG]} access log entries."
            )
