"""``assure synth``: write a synthetic, deterministic Annex A history (or the calibrated demo)."""

from django.core.management.base import BaseCommand, CommandError

from assure.performance.engine import cli


class Command(BaseCommand):
    help = "Write a synthetic Annex A history, one CSV per list, deterministic per seed."

    def add_arguments(self, parser):
        cli.add_synth_arguments(parser)

    def handle(self, *args, **options):
        try:
            message = cli.run_synth(options)
        except cli.UsageError as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(message)
