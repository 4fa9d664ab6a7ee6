from django.core.management.base import BaseCommand

from assure.core.audit import acting_as
from assure.performance.services import extracts_apply_retention


class Command(BaseCommand):
    help = (
        "Apply the retention rules to child-level extracts (run daily from a timer): discard staged extracts unused "
        "for 14 days, delete uploaded files ASSURE_RAW_EXTRACT_DAYS days after they stop being staged or in use, and "
        "delete the data of versions no publication in force and none of the last five versions uses."
    )

    def handle(self, *args, **options):
        with acting_as(None, "command: assure apply_extract_retention"):
            done = extracts_apply_retention()
        if not done:
            self.stdout.write("Nothing was due under the retention rules.")
        for what, count in sorted(done.items()):
            self.stdout.write(f"{what}: {count:,}")
