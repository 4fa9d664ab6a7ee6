"""core.notify: every email after commit, on the mail queue, with absolute links; a failing send cancels nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from assure.core import notify as notify_module
from assure.core.jobs import job_start
from assure.core.models import Job
from assure.core.notify import emails_held_back, notify
from tests.task_queues import run_queue

pytestmark = pytest.mark.django_db


class RefusingMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server refused the connection")


def test_nothing_is_sent_until_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notify(to=["lead@police.example"], subject="Overdue action A1", body="Please update it.")
        assert mail.outbox == []
    [send] = callbacks
    send()
    assert [message.to for message in mail.outbox] == [["lead@police.example"]]


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(to=["lead@police.example"], subject="Overdue action A1", body="Please update it.")
            raise RuntimeError("the workflow refused")
    assert callbacks == [] and mail.outbox == []


def test_links_are_absolute_under_the_address_people_use(admin_user, settings, django_capture_on_commit_callbacks):
    settings.ASSURE_BASE_URL = "https://assure.example-lscp.org.uk"
    with django_capture_on_commit_callbacks(execute=True):
        notify(to=[admin_user, "", admin_user.email], subject="Return to check", body="Check it.", path="/returns/3/")
    [message] = mail.outbox
    assert message.to == [admin_user.email]
    assert message.subject == "[Assure] Return to check"
    assert "Open it in Assure: https://assure.example-lscp.org.uk/returns/3/" in message.body


def test_each_email_waits_on_the_mail_queue_for_its_worker(database_queues, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(to=["lead@police.example"], subject="Overdue action A1", body="Please update it.")
    queued = DBTaskResult.objects.get()
    assert (queued.queue_name, queued.status) == ("mail", TaskResultStatus.READY)
    assert mail.outbox == []

    assert run_queue("heavy") == 0 and mail.outbox == []
    assert run_queue("mail") == 1
    assert [message.to for message in mail.outbox] == [["lead@police.example"]]


def _notify_and_queue_a_computation() -> Job:
    """One workflow that both tells someone and queues an indicator run, as an upload does."""
    with transaction.atomic():
        notify(to=["analyst@council.example"], subject="Figures", body="New figures are on their way.")
        return job_start(
            kind=Job.Kind.INDICATOR_RUN,
            label="Figures from data version 1",
            task_path="assure.performance.tasks.compute_indicators",
            arguments={"data_version_id": 1},
        )


def test_a_failing_notification_leaves_a_queued_computation_in_place(
    database_queues, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    with django_capture_on_commit_callbacks(execute=True):
        job = _notify_and_queue_a_computation()

    run_queue("mail")

    sent = DBTaskResult.objects.get(queue_name="mail")
    assert sent.status == TaskResultStatus.FAILED and "refused the connection" in sent.traceback
    computation = DBTaskResult.objects.get(queue_name="heavy")
    assert computation.status == TaskResultStatus.READY
    assert computation.args_kwargs["kwargs"] == {"job_id": job.pk, "data_version_id": 1}
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED


def test_a_notification_that_cannot_be_queued_cancels_nothing(
    database_queues, monkeypatch, django_capture_on_commit_callbacks
):
    class UnreachableQueue:
        def enqueue(self, **message):
            raise ConnectionError("the queue could not be reached")

    monkeypatch.setattr(notify_module, "send_email", UnreachableQueue())
    with django_capture_on_commit_callbacks(execute=True):
        job = _notify_and_queue_a_computation()

    assert not DBTaskResult.objects.filter(queue_name="mail").exists()
    assert DBTaskResult.objects.get(queue_name="heavy").args_kwargs["kwargs"]["job_id"] == job.pk


def test_the_demo_replaying_history_emails_nobody(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, emails_held_back():
        notify(to=["delegate0001@demo.example"], subject="Evaluation: Module 1", body="Rate the course.")
    assert callbacks == [] and mail.outbox == []


def test_a_send_whose_worker_stopped_is_marked_failed(database_queues, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(to=["lead@police.example"], subject="Overdue action A1", body="Please update it.")
        notify(to=["admin@council.example"], subject="Return to check", body="Check it.")
    stopped, sending = DBTaskResult.objects.order_by("enqueued_at")
    for result in (stopped, sending):
        result.claim("a-worker-that-died")
    DBTaskResult.objects.filter(pk=stopped.pk).update(
        started_at=timezone.now() - notify_module.SEND_STALLED_AFTER - timedelta(minutes=1)
    )

    out = StringIO()
    call_command("recover_stalled_jobs", stdout=out)

    assert "Jobs marked failed: 0. Emails marked failed: 1." in out.getvalue()
    stopped.refresh_from_db()
    sending.refresh_from_db()
    assert (stopped.status, sending.status) == (TaskResultStatus.FAILED, TaskResultStatus.RUNNING)
    assert "stopped before it finished" in stopped.traceback
