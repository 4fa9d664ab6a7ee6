"""Every email Assure sends goes through ``notify``: after the transaction commits, with an absolute link.

Callers say who, what and where to go; this module decides how the message travels.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def absolute_url(path: str) -> str:
    """A link people can open from their email: ``path`` ('/actions/3/') under ``ASSURE_BASE_URL``."""
    return f"{settings.ASSURE_BASE_URL}{path}"


def notify(*, to, subject: str, body: str, path: str | None = None) -> None:
    """Email ``to`` (addresses or people) once the current transaction commits; never if it rolls back.

    ``path`` is a page in Assure the message links to. A failing send never undoes or cancels other work.
    """
    recipients = sorted({getattr(person, "email", person) for person in to if getattr(person, "email", person)})
    if not recipients:
        return
    text = f"{body}\n\nOpen it in Assure: {absolute_url(path)}\n" if path else body
    transaction.on_commit(
        lambda: send_mail(f"[Assure] {subject}", text, None, recipients, fail_silently=True), robust=True
    )
