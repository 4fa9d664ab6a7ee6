"""``assure nginx_site``: print the nginx site for this installation (docs/deploy.md, "The proxy")."""

import math

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template import Context, Engine

from assure.core.uploads import upload_routes

TEMPLATE = "deploy/nginx_site.conf"


def kilobytes(size: int) -> int:
    return math.ceil(size / 1024)


class Command(BaseCommand):
    help = (
        "Print Assure's nginx site: TLS, the forwarded headers Assure trusts, a body limit matched to each upload "
        "page (ASSURE_EXTRACT_MAX_MB for extracts) with auth_request before the body is read, timeouts, and the "
        "maintenance page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--server-name", help="Default: the first of ALLOWED_HOSTS.")
        parser.add_argument("--certificate", default="/etc/ssl/certs/assure.pem")
        parser.add_argument("--certificate-key", default="/etc/ssl/private/assure.key")
        parser.add_argument("--upstream", default="unix:/run/assure-web/gunicorn.sock")
        parser.add_argument("--access-log", default="/var/log/nginx/assure.access.log")
        parser.add_argument("--maintenance-flag", default="/etc/assure/maintenance.on")
        parser.add_argument("--maintenance-root", default="/opt/assure/maintenance")
        parser.add_argument(
            "--read-timeout", type=int, default=130, help="Longer than gunicorn's (ASSURE_WEB_TIMEOUT)."
        )

    def handle(self, *args, **options):
        server_name = options["server_name"] or next(iter(settings.ALLOWED_HOSTS), "")
        if not server_name or server_name.startswith("."):
            raise CommandError("Give --server-name, or set ALLOWED_HOSTS to the host name people use.")
        engine = Engine(app_dirs=True, autoescape=False)
        context = {
            **{key: value for key, value in options.items() if isinstance(value, str | int)},
            "server_name": server_name,
            "form_limit_kb": kilobytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
            "upload_routes": [{"regex": regex, "limit_kb": kilobytes(limit)} for regex, limit in upload_routes()],
        }
        self.stdout.write(engine.get_template(TEMPLATE).render(Context(context)), ending="")
