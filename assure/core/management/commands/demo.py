import importlib
import importlib.util
import secrets

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assure.core import demo
from assure.core.audit import acting_as
from assure.core.models import Partnership, User
from assure.core.notify import emails_held_back


class Command(BaseCommand):
    help = "Load the demonstration partnership (idempotent), with one sign-in per role."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if a partnership already exists.")

    def handle(self, *args, if_empty=False, **options):
        self._refuse_real_data()
        credentials_file = settings.VAR_DIR / "demo-sign-in.txt"
        if if_empty and Partnership.objects.exists():
            self.stdout.write("A partnership is already loaded; demo data left as it is.")
        else:
            password = self._password(credentials_file)
            with acting_as(None, "command: assure demo"), emails_held_back(), transaction.atomic():
                partnership = demo.load(password=password)
                # Each capability adds its own demo records through its app's demo.load_for().
                for config in apps.get_app_configs():
                    if config.name.startswith("assure.") and config.name != "assure.core":
                        module = importlib.util.find_spec(f"{config.name}.demo")
                        if module is not None:
                            importlib.import_module(f"{config.name}.demo").load_for(partnership)
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo partnership: {partnership}."))
        if credentials_file.exists():
            self.stdout.write(credentials_file.read_text())

    def _refuse_real_data(self) -> None:
        """Made-up records and shared demo passwords must never land in a partnership's real database."""
        if settings.PRODUCTION:
            raise CommandError(
                "assure demo refuses to run with production settings (ASSURE_ENV=production): it would add made-up "
                "records and demo accounts with a shared password to real data."
            )
        if User.objects.filter(is_demo_account=False, last_login__isnull=False).exists():
            raise CommandError(
                "assure demo refuses this database: real (non-demo) accounts have signed in to it, so it holds real "
                "data. Run the demo against its own database."
            )

    def _password(self, credentials_file) -> str:
        """The demo accounts' password: made once per machine, kept in var/, never in the repository."""
        if credentials_file.exists():
            for line in credentials_file.read_text().splitlines():
                if line.startswith("Password:"):
                    return line.split(":", 1)[1].strip()
        password = f"demo-{secrets.token_urlsafe(9)}"
        lines = ["Demo sign-in details (every demo account has the same password):", f"Password: {password}", ""]
        lines += [f"  {account.role.label:<40} {account.email}" for account in demo.DEMO_ACCOUNTS]
        credentials_file.parent.mkdir(parents=True, exist_ok=True)
        credentials_file.write_text("\n".join(lines) + "\n")
        credentials_file.chmod(0o600)
        return password
