"""``assure load_benchmarks``: load the England figures shipped with Assure (DfE official statistics)."""

from django.core.management.base import BaseCommand

from assure.core.audit import acting_as
from assure.performance.engine.benchmarks import england_benchmarks
from assure.performance.services import benchmarks_load


class Command(BaseCommand):
    help = "Load or refresh the England benchmark figures shipped with Assure."

    def handle(self, *args, **options):
        rows = [
            {
                "indicator_id": r.indicator,
                "geography": r.area,
                "period": r.time_period,
                "value": r.value,
                "source": r.source,
            }
            for r in england_benchmarks()
        ]
        with acting_as(None, "command: assure load_benchmarks"):
            count = benchmarks_load(rows=rows, file_name="England figures shipped with Assure")
        self.stdout.write(self.style.SUCCESS(f"Loaded {count} England benchmark figures."))
