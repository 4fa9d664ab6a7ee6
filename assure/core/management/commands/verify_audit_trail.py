"""``assure verify_audit_trail``: check every link of the audit trail's and access log's hash chains (nightly)."""

from django.core.management.base import BaseCommand, CommandError

from assure.core import chain
from assure.core.models import AuditSeal


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's and access log's hash chains and compare their ends with the checkpoint "
        "kept outside the database. Any entry changed, deleted or added back-dated fails the check, which "
        "emails every partnership admin and exits with status 1."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-checkpoint",
            action="store_true",
            help="After restoring the database from a backup (which loses the newest entries): check every link, "
            "then start the checkpoint again from the chain as it now stands.",
        )

    def handle(self, *args, **options):
        result = chain.verify(new_checkpoint=options["new_checkpoint"])
        if result.problems:
            chain.report_failure(result.problems)
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"The audit trail failed its check: {len(result.problems)} problem(s). Every partnership admin has been emailed."
            )
        for log in chain.LOGS:
            head = result.heads[log]
            sealed = f"sealed to entry {head.entry_id}" if head else "nothing sealed yet"
            self.stdout.write(f"{AuditSeal.Log(log).label}: {result.counts[log]} entries, every link intact, {sealed}.")
