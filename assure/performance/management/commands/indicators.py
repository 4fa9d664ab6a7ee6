"""``assure indicators``: compute every indicator for a period from child-level inputs."""

import hashlib
import hmac

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assure.performance.engine import cli, make_pseudonymiser


class Command(BaseCommand):
    help = (
        "Compute the performance indicators for a period from Annex A, CIN census or SSDA903 inputs "
        "(inputs merged in order); --validate adds the DfE validation rules' findings."
    )

    def add_arguments(self, parser):
        cli.add_indicator_arguments(parser)

    def handle(self, *args, **options):
        # Child identifiers in the DfE rules' failures are pseudonymised as imports do, under
        # a key of their own derived from the pseudonymisation secret.
        key = hmac.new(settings.ASSURE_PSEUDONYMISATION_KEY.encode(), b"command line", hashlib.sha256).digest()
        try:
            document = cli.run_indicators(options, pseudonymise=make_pseudonymiser(key))
        except cli.UsageError as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(cli.format_document(document, options["json"]))
