"""The background worker (``assure db_worker``): django-tasks-db's worker, made to beat and to outlive the database.

- **Heartbeat.** A thread writes the worker's ``WorkerHeartbeat`` every ``WORKER_BEATS_EVERY``, whatever the task
  in hand is doing; ``/healthz/worker`` and job recovery read it (``core.jobs``).
- **A database outage** (PostgreSQL restarting, a network blip) does not end the process: the worker waits, 1 s
  then 2, 4… up to 30 s between attempts, and carries on when the database answers. If the outage struck while a
  task was being recorded, that task's outcome is unknown: the worker gives up its identity (stopped, so the task
  counts as left by a dead worker and is recovered like one) and goes on under a new one.
- **Starting** a worker recovers work left by dead workers first, so a restarted worker picks up a re-queued
  computation at once. systemd's ``Restart=always`` covers anything else that ends the process.
"""

import logging
import os
import socket
import threading
import time

from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from .audit import acting_as
from .jobs import WORKER_BEATS_EVERY, jobs_recover_stalled
from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
BACKOFF_LONGEST = 30.0


class Heartbeat(threading.Thread):
    """Writes the worker's heartbeat in its own database connection until stopped."""

    def __init__(self, worker: "RecoveringWorker", every: float):
        super().__init__(name="assure-worker-heartbeat", daemon=True)
        self.worker = worker
        self.every = every
        self.finished = threading.Event()

    def run(self) -> None:
        while not self.finished.wait(self.every):
            self.worker.beat()
        connections.close_all()

    def stop(self) -> None:
        self.finished.set()


class RecoveringWorker(Worker):
    """django-tasks-db's ``Worker`` with a heartbeat and a database outage survived (see the module's docstring)."""

    def __init__(self, *, beat_every: float | None = None, **options):
        super().__init__(**options)
        self.beat_every = WORKER_BEATS_EVERY.total_seconds() if beat_every is None else beat_every
        self.hostname = socket.gethostname()[:255]
        self.given_up: list[str] = []
        self.lock = threading.Lock()

    # The heartbeat ------------------------------------------------------------------------------------------------

    def beat(self) -> bool:
        """Say this worker is alive, and mark identities it gave up as stopped. False while the database is away."""
        with self.lock:
            worker_id, given_up = self.worker_id, list(self.given_up)
        try:
            now = timezone.now()
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id,
                defaults={
                    "queues": ",".join(self.queue_names)[:200],
                    "hostname": self.hostname,
                    "pid": os.getpid(),
                    "beat_at": now,
                    "stopped_at": None,
                },
            )
            if given_up:
                WorkerHeartbeat.objects.filter(worker_id__in=given_up, stopped_at__isnull=True).update(stopped_at=now)
                with self.lock:
                    self.given_up = [old for old in self.given_up if old not in given_up]
            return True
        except DATABASE_UNAVAILABLE:
            logger.warning("Worker %s could not write its heartbeat: the database is not answering", worker_id)
            connections.close_all()
            return False

    def stopped(self) -> None:
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(stopped_at=timezone.now())
        except DATABASE_UNAVAILABLE:
            logger.warning("Worker %s stopped without recording it: the database is not answering", self.worker_id)

    def give_up_identity(self) -> None:
        """After losing the database while recording a task: let that task count as left by a dead worker."""
        with self.lock:
            self.given_up.append(self.worker_id)
            self.worker_id = get_random_string(32)
        logger.warning("Worker continues as %s; work it had in hand will be recovered", self.worker_id)

    # The loop -----------------------------------------------------------------------------------------------------

    def recover(self) -> None:
        try:
            with acting_as(None, "worker: recover stalled jobs"):
                requeued, failed = jobs_recover_stalled()
        except DATABASE_UNAVAILABLE:
            return
        if requeued or failed:
            logger.warning("Work left by a dead worker: %s queued again, %s marked failed", requeued, failed)

    def run_task(self, db_task_result) -> None:
        try:
            super().run_task(db_task_result)
        except DATABASE_UNAVAILABLE:
            self.give_up_identity()
            raise

    def run(self) -> None:
        heartbeat = Heartbeat(self, self.beat_every)
        self.beat()
        self.recover()
        heartbeat.start()
        delay = 1.0
        try:
            while True:
                try:
                    super().run()
                    return
                except DATABASE_UNAVAILABLE as error:
                    if not self.running:
                        return
                    logger.warning("The database is not answering (%s); trying again in %.0f s", error, delay)
                    close_old_connections()
                    connections.close_all()
                    time.sleep(delay)
                    delay = min(delay * 2, BACKOFF_LONGEST)
                    self.startup_delay = False
                    if self.beat():
                        delay = 1.0
                        self.recover()
        finally:
            heartbeat.stop()
            self.stopped()
