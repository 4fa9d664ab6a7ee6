"""Every email Assure sends goes through ``notify``: after the transaction commits, through the ``mail`` queue,
with an absolute link.

Callers say who, what and where to go; this module decides how the message travels. It is the only module
that imports ``django.core.mail`` (a test holds every other module to that). Subjects and bodies name no
child and no adult a record is about: they say what needs doing and link to the page that shows it, behind
sign-in.
"""

import contextvars
import logging
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from .jobs import MAIL_QUEUE, STALLED_AFTER, stalled_task_results

logger = logging.getLogger(__name__)

# A send takes seconds; one still running after this long, by a worker that never beat, lost its worker.
SEND_STALLED_AFTER = STALLED_AFTER
SEND_STOPPED = "The worker sending this message stopped before it finished. Try again from Background work."

_held_back: contextvars.ContextVar[bool] = contextvars.ContextVar("assure_emails_held_back", default=False)


def absolute_url(path: str) -> str:
    """A link people can open from their email: ``path`` ('/actions/3/') under ``ASSURE_BASE_URL``."""
    return f"{settings.ASSURE_BASE_URL}{path}"


@dataclass(frozen=True)
class Attachment:
    """A text file sent with an email, such as a calendar file (``text/calendar``)."""

    filename: str
    content: str
    mimetype: str


def notify(*, to, subject: str, body: str, path: str | None = None, attachments: tuple[Attachment, ...] = ()) -> None:
    """Email ``to`` (addresses or people) once the current transaction commits; never if it rolls back.

    ``path`` is a page in Assure the message links to; ``attachments`` are text files sent with it. The message is
    queued on the ``mail`` queue, so a slow mail server holds up no page and no import; a failing send never undoes
    or cancels other work.
    """
    recipients = sorted({getattr(person, "email", person) for person in to if getattr(person, "email", person)})
    if not recipients or _held_back.get():
        return
    text = f"{body}\n\nOpen it in Assure: {absolute_url(path)}\n" if path else body
    files = [asdict(attachment) for attachment in attachments]
    transaction.on_commit(
        lambda: send_email.enqueue(recipients=recipients, subject=f"[Assure] {subject}", text=text, attachments=files),
        robust=True,
    )


@contextmanager
def emails_held_back():
    """Send nothing from inside the block: the demo replays a partnership's history through the workflows, and
    nobody is told about events years ago."""
    token = _held_back.set(True)
    try:
        yield
    finally:
        _held_back.reset(token)


def email_body(template: str, context: dict) -> str:
    """The plain-text body of an email, from a ``.txt`` template (written with autoescape off)."""
    return render_to_string(template, context).strip()


@task(queue_name=MAIL_QUEUE)
def send_email(*, recipients: list[str], subject: str, text: str, attachments: list[dict] | None = None) -> int:
    """Send one message. A failure fails this task alone: the worker records it, and other work goes on."""
    message = EmailMessage(subject, text, None, recipients)
    for attachment in attachments or ():
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message.send()


class WorkerStopped(Exception):
    """The worker sending a message stopped before it finished."""


def sends_recover_stalled(*, now: datetime | None = None) -> int:
    """Mark failed every send whose worker died mid-way, so it shows as failed, to send again, rather than sending
    for ever."""
    now = now or timezone.now()
    stalled = stalled_task_results(queue_names=[MAIL_QUEUE], now=now)
    for result in stalled:
        result.set_failed(WorkerStopped(SEND_STOPPED))
    return len(stalled)


def failed_sends():
    """Emails whose send failed, newest first (the Background work page lists them, never their words)."""
    return DBTaskResult.objects.filter(queue_name=MAIL_QUEUE, status=TaskResultStatus.FAILED).order_by("-finished_at")


def email_send_again(*, task_result_id: str) -> None:
    """Queue a failed email again, as it was; the failed attempt stays on record."""
    result = failed_sends().filter(pk=task_result_id).first()
    if result is None:
        raise ValidationError("Only an email whose send failed can be sent again.")
    send_email.enqueue(**result.args_kwargs["kwargs"])


def alert_operations(*, subject: str, body: str) -> bool:
    """Tell the people who run Assure (``ASSURE_ALERT_EMAIL``) at once, not through the ``mail`` queue: the alert
    may be that the queue's worker or the database is down. Returns whether a message went."""
    if not settings.ASSURE_ALERT_EMAIL:
        logger.error("Alert not emailed (ASSURE_ALERT_EMAIL is not set): %s", subject)
        return False
    send_mail(f"[Assure alert] {subject}", body, None, [settings.ASSURE_ALERT_EMAIL])
    return True
