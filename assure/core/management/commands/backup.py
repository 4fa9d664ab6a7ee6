"""``assure backup``: an archive of the database and files, and its verification in a scratch database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assure.core import backup


class Command(BaseCommand):
    help = (
        "Write a backup archive (database, uploaded files, data versions, the audit checkpoint; paths relative to "
        "ASSURE_VAR_DIR) into ASSURE_BACKUP_DIR (default ASSURE_VAR_DIR/backups), verify it by restoring it into a "
        "scratch database and comparing its rows and files with what it says it holds (exits 1 if they differ), "
        "then delete archives older than --keep-days. --verify [ARCHIVE] verifies the newest archive, or the one "
        "named, without making one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, help="The folder to write the archive into.")
        parser.add_argument("--keep-days", type=int, default=35, help="Delete archives older than this (default 35).")
        parser.add_argument(
            "--verify", nargs="?", const="newest", metavar="ARCHIVE", help="Verify an archive instead of making one."
        )
        parser.add_argument("--no-verify", action="store_true", help="Make the archive without verifying it.")

    def handle(self, *args, to=None, keep_days=35, verify=None, no_verify=False, **options):
        try:
            if verify:
                self._verify(backup.newest_archive(to) if verify == "newest" else Path(verify))
                return
            archive = backup.create_archive(folder=to)
            self.stdout.write(f"Wrote {archive} ({archive.stat().st_size:,} bytes).")
            if not no_verify:
                self._verify(archive)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        for deleted in backup.prune_archives(keep_days=keep_days, folder=to):
            self.stdout.write(f"Deleted {deleted.name}, older than {keep_days} days.")

    def _verify(self, archive: Path) -> None:
        comparison = backup.verify_archive(archive)
        if not comparison.ok:
            for problem in comparison.problems:
                self.stderr.write(problem)
            raise CommandError(f"{archive.name} failed its verification: {len(comparison.problems)} problem(s).")
        self.stdout.write(
            f"{archive.name} verified: {comparison.tables} tables and {comparison.rows:,} rows restored into a "
            f"scratch database as recorded, {comparison.files} files matching their hashes."
        )
