"""``assure indicators``: compute every indicator for a period from child-level inputs."""

from django.core.management.base import BaseCommand, CommandError

from assure.performance.engine import cli


class Command(BaseCommand):
    help = (
        "Compute the performance indicators for a period from Annex A, CIN census or SSDA903 inputs "
        "(inputs merged in order)."
    )

    def add_arguments(self, parser):
        cli.add_indicator_arguments(parser)

    def handle(self, *args, **options):
        try:
            document = cli.run_indicators(options)
        except cli.UsageError as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(cli.format_document(document, options["json"]))
