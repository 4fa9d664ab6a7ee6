"""``assure restore ARCHIVE``: put a backup archive in place of the database and files (docs/deploy.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assure.core import backup


class Command(BaseCommand):
    help = (
        "Replace the database and the files under ASSURE_VAR_DIR with a backup archive's, as the database owner, then "
        "check the rows and files against the archive. Everything since the backup is lost: stop the web server "
        "and workers first, and run `assure migrate` and `assure verify_audit_trail` after."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, archive, yes=False, **options):
        if not archive.is_file():
            raise CommandError(f"{archive} is not a file.")
        if not yes:
            answer = input(
                f"This replaces the database and files under {backup.var_dir()} with {archive.name}; "
                "everything since that backup is lost. Type 'restore' to go on: "
            )
            if answer.strip() != "restore":
                raise CommandError("Nothing was restored.")
        try:
            comparison = backup.restore_archive(archive)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        if not comparison.ok:
            for problem in comparison.problems:
                self.stderr.write(problem)
            raise CommandError(f"The restore does not match {archive.name}: {len(comparison.problems)} problem(s).")
        self.stdout.write(
            f"Restored {archive.name}: {comparison.tables} tables and {comparison.rows:,} rows, {comparison.files} "
            "files, all as recorded. Now run `assure migrate` and `assure verify_audit_trail`."
        )
