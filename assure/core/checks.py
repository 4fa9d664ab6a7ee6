"""System checks for deployment mistakes that would quietly weaken Assure's security.

They run with every ``assure`` command (``assure check --deploy`` before a release), so a server
configured this way refuses to start rather than run unsafely.
"""

from axes import helpers as axes_helpers
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def client_address_is_trusted_through_ipware(app_configs, **kwargs):
    """Behind a proxy without django-ipware, axes would see every client as the proxy: five wrong passwords
    from anyone would lock everyone out, and the access log would record the proxy's address for all."""
    if settings.ASSURE_PROXY_COUNT > 0 and not axes_helpers.IPWARE_INSTALLED:
        return [
            Error(
                f"ASSURE_PROXY_COUNT is {settings.ASSURE_PROXY_COUNT} but django-ipware is not installed, so every "
                "client would look like the proxy.",
                hint="Install Assure's locked requirements (requirements.lock includes django-ipware).",
                id="assure.E001",
            )
        ]
    return []


@register(Tags.security)
def production_uses_postgresql(app_configs, **kwargs):
    """Production holds the partnership's records in PostgreSQL, never in a SQLite file beside the code."""
    if not settings.PRODUCTION:
        return []
    return [
        Error(
            f"The {alias!r} database is SQLite under production settings.",
            hint="Set DATABASE_URL to the PostgreSQL database (postgres://…), as docs/deploy.md shows.",
            id="assure.E002",
        )
        for alias, database in settings.DATABASES.items()
        if database["ENGINE"] == "django.db.backends.sqlite3"
    ]
