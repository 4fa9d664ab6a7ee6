"""/healthz answers when the database does; /healthz/worker answers 503 once a queue's worker has been silent for two
minutes. Neither needs signing in or says which version runs."""

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from assure.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def beating(queues: str, seconds_ago: int = 0, **fields) -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(
        worker_id=f"{queues}-{seconds_ago}-{WorkerHeartbeat.objects.count()}",
        queues=queues,
        hostname="assure-1",
        pid=1234,
        beat_at=timezone.now() - timedelta(seconds=seconds_ago),
        **fields,
    )


def test_the_database_check_answers_anyone_without_saying_more(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "Set-Cookie" not in response


def test_the_database_check_fails_when_the_database_does_not_answer(client, monkeypatch):
    def no_database(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("assure.core.health.connection.cursor", no_database)
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503 and b"database" in response.content


def test_the_worker_check_needs_a_recent_heartbeat_on_each_queue(client):
    url = reverse("core:healthz-worker")
    assert client.get(url).status_code == 503

    beating("heavy", seconds_ago=30)
    response = client.get(url)
    assert response.status_code == 503 and b"mail queue" in response.content

    beating("mail", seconds_ago=119)
    assert client.get(url).status_code == 200


def test_a_worker_silent_for_two_minutes_or_stopped_counts_as_gone(client):
    beating("heavy", seconds_ago=121)
    beating("mail", stopped_at=timezone.now())
    response = client.get(reverse("core:healthz-worker"))
    assert response.status_code == 503
    assert b"mail and heavy queue" in response.content


def test_health_checks_answer_over_plain_http_behind_production_redirects(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("core:healthz")).status_code == 200
    assert client.get(reverse("core:home")).status_code == 301
