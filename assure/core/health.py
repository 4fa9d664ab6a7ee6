"""Health checks for monitoring (decisions.md section 5): ``/healthz`` answers 200 when the database answers, and
``/healthz/worker`` 503 when a queue has had no worker heartbeat for two minutes. Neither needs signing in, and
neither says which version runs or anything about the partnership: plain text, never cached."""

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .jobs import WORKER_SILENT_AFTER, queues_without_worker
from .middleware import public, two_factor_exempt


def _answer(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(f"{text}\n", status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
@two_factor_exempt
@public
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return _answer("The database is not answering.", 503)
    return _answer("ok")


@never_cache
@require_safe
@two_factor_exempt
@public
def healthz_worker(request):
    try:
        missing = queues_without_worker()
    except DatabaseError:
        return _answer("The database is not answering.", 503)
    if missing:
        minutes = int(WORKER_SILENT_AFTER.total_seconds() // 60)
        return _answer(f"No worker has reported for {minutes} minutes on the {' and '.join(missing)} queue.", 503)
    return _answer("ok")
