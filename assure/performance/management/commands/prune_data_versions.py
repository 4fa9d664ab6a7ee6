"""``assure prune_data_versions``: delete the events of superseded data versions (a daily timer)."""

from django.core.management.base import BaseCommand

from assure.core.audit import acting_as
from assure.core.models import Partnership
from assure.performance import services


class Command(BaseCommand):
    help = (
        f"Delete the Parquet events of data versions that are neither among the newest {services.VERSIONS_KEPT} nor "
        "used by a published run; their records and their runs' figures stay."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command: assure prune_data_versions"):
            pruned = [
                version
                for partnership in Partnership.objects.all()
                for version in services.data_versions_prune(partnership=partnership)
            ]
        self.stdout.write(f"Pruned {len(pruned)} superseded data versions.")
