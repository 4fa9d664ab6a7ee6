"""The access log: views and exports of sensitive records, and sign-in events."""

from .models import AccessLogEntry


def _client_address(request):
    if request is None:
        return None
    # AxesMiddleware resolves the client address (honouring the configured proxy count).
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")


def log_access(request, record, event=AccessLogEntry.Event.VIEW, *, description: str = "") -> None:
    """Record that the signed-in person viewed or exported ``record`` (a model instance, or None for a listing)."""
    AccessLogEntry.objects.create(
        user=request.user,
        user_label=request.user.get_username(),
        event=event,
        record_type=record._meta.label if record is not None else "",
        object_id=str(record.pk) if record is not None else "",
        object_repr=(description or str(record or ""))[:200],
        path=request.get_full_path()[:500],
        ip_address=_client_address(request),
    )


def log_sign_in_event(request, event, *, user=None, username: str = "") -> None:
    AccessLogEntry.objects.create(
        user=user,
        user_label=(user.get_username() if user else username)[:200],
        event=event,
        path=request.path[:500] if request is not None else "",
        ip_address=_client_address(request),
    )
