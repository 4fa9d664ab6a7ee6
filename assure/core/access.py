"""The access log: views and exports of sensitive records, refused attempts, and sign-in events.

``AccessLogMiddleware`` writes what the scoped lookups note (``core.permissions``): a page that shows a model with
``access_logged = True``, and every view of a record through a share, once the page has been served; and every
refusal (a 403, or a 404 from a scoped lookup or a compartment) with who, what and when. Pages of a compartment
are logged without their query strings, so no search term typed there reaches the log.
"""

from django.core.exceptions import PermissionDenied

from .models import AccessLogEntry
from .permissions import COMPARTMENTS, OutOfReach, compartment_of, noting_records_viewed, permission_row


def _client_address(request):
    if request is None:
        return None
    # AxesMiddleware resolves the client address (honouring the configured proxy count).
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")


def _in_compartment_page(request) -> bool:
    match = getattr(request, "resolver_match", None)
    row = permission_row(match.func) if match else None
    return row is not None and row.area in COMPARTMENTS


def logged_path(request, record=None) -> str:
    """The page as the log keeps it: without its query string on a compartment's page or record."""
    if _in_compartment_page(request) or (record is not None and compartment_of(record)):
        return request.path[:500]
    return request.get_full_path()[:500]


def _signed_in(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _already_logged(request) -> set:
    if not hasattr(request, "assure_records_logged"):
        request.assure_records_logged = set()
    return request.assure_records_logged


def log_access(request, record, event=AccessLogEntry.Event.VIEW, *, description: str = "") -> None:
    """Record that the signed-in person viewed or exported ``record`` (a model instance, or None for a listing)."""
    if record is not None:
        _already_logged(request).add((record._meta.label, str(record.pk)))
    AccessLogEntry.objects.create(
        user=request.user,
        user_label=request.user.get_username(),
        event=event,
        record_type=record._meta.label if record is not None else "",
        object_id=str(record.pk) if record is not None else "",
        object_repr=(description or str(record or ""))[:200],
        path=logged_path(request, record),
        ip_address=_client_address(request),
    )


def log_refusal(request, exception) -> None:
    """Record a refused attempt: a 403, or a record or compartment page that does not exist for this person."""
    user = _signed_in(request)
    AccessLogEntry.objects.create(
        user=user,
        user_label=user.get_username() if user else "anonymous",
        event=AccessLogEntry.Event.REFUSED,
        record_type=getattr(exception, "record_type", ""),
        object_id=getattr(exception, "object_id", "")[:64],
        path=logged_path(request),
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


def _is_attachment(response) -> bool:
    return response.get("Content-Disposition", "").startswith("attachment")


class AccessLogMiddleware:
    """Log the sensitive records a page showed once it is served, and every refused attempt.

    A download logs itself (one entry per file), so a page answered with an attachment adds no view entry.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with noting_records_viewed() as viewed:
            response = self.get_response(request)
        if viewed and response.status_code == 200 and not _is_attachment(response) and _signed_in(request):
            logged = _already_logged(request)
            for record, shared in viewed:
                if (record._meta.label, str(record.pk)) in logged:
                    continue
                log_access(
                    request,
                    record,
                    AccessLogEntry.Event.VIEW_SHARED if shared else AccessLogEntry.Event.VIEW,
                )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, (PermissionDenied, OutOfReach)):
            log_refusal(request, exception)
        return None
