"""Uploads refused before they are written (decisions.md section 5, "Uploads before writing").

An upload's body is only read, and written to the server's temporary folder, for a signed-in person the page lets
in, and only up to the page's limit. Three guards, one rule (``upload_refusal``):

- **nginx** (docs/deploy.md) caps every body (``client_max_body_size``: the page's limit on upload pages, 10 MB
  elsewhere) and, on upload pages, asks ``upload_permitted`` (``auth_request``) before it reads the body.
- **``UploadGuardMiddleware``**, before anything reads the body (CSRF's check included), turns away a file sent by
  someone signed out (to sign-in), without permission (the page's refusal) or declaring more than the page takes
  (413 with the limit) — having read nothing.
- **``GuardedUploadHandler``**, first among Django's upload handlers, applies the same rule when parsing starts
  by any other road, and counts the body as it arrives, stopping it at the limit.

Pages that take files say so with ``@accepts_uploads(limit)``; any other page takes at most
``DATA_UPLOAD_MAX_MEMORY_SIZE`` (10 MB).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.views.decorators.cache import never_cache

from .access import log_refusal
from .middleware import public, two_factor_exempt
from .permissions import permission_row, require_row

BODY_METHODS = ("POST", "PUT", "PATCH")
# What a form adds to its file: the boundaries, the CSRF token and the other fields.
FORM_OVERHEAD = 64 * 1024
# Benchmark figures and agencies' quarterly returns, as CSV files.
CSV_UPLOAD_LIMIT = 10 * 1024 * 1024


def extract_upload_limit() -> int:
    """The largest child-level extract (``ASSURE_EXTRACT_MAX_MB``)."""
    return settings.ASSURE_EXTRACT_MAX_BYTES


def accepts_uploads(limit: int | Callable[[], int]):
    """View decorator: this page takes a file of up to ``limit`` bytes (a number, or a function of no arguments read
    on each request, so a setting can decide it), in a body up to ``FORM_OVERHEAD`` larger."""

    def decorator(view):
        view.assure_upload_limit = limit
        return view

    return decorator


def upload_limit(view) -> int:
    """The largest body ``view`` takes, in bytes."""
    limit = getattr(view, "assure_upload_limit", None)
    if limit is None:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return (limit() if callable(limit) else limit) + FORM_OVERHEAD


@dataclass(frozen=True)
class Refusal:
    status: int  # 401 signed out, 403 not permitted, 413 too large
    message: str


def upload_refusal(request, view, content_length: int) -> Refusal | None:
    """Why the body of an upload to ``view`` must not be read, or None to read it. ``request.user`` is the sender.

    A refusal by the page's permission raises its usual exception (``require``): a 403, or a compartment's 404.
    """
    if getattr(view, "assure_upload_limit", None) is None:
        # A page that takes no file reads a form sent as multipart (as test clients and some browsers send any form)
        # like any other form: whoever sends it, up to the general limit.
        limit = upload_limit(view)
        if content_length > limit:
            return Refusal(413, f"The form is too large. This page takes up to {filesizeformat(limit)}.")
        return None
    user = request.user
    if not user.is_authenticated:
        return Refusal(401, "Sign in to upload a file.")
    if getattr(view, "assure_public", False):
        return Refusal(403, "This page does not take files.")
    if user.needs_two_factor() and not user.is_verified():
        return Refusal(403, "Confirm it is you with your second factor before uploading a file.")
    row = permission_row(view)
    if row is None:
        return Refusal(403, "This page does not take files.")
    if row.area is not None:
        require_row(user, row)
    limit = upload_limit(view)
    if content_length > limit:
        return Refusal(413, f"The file is too large. This page takes files up to {filesizeformat(limit)}.")
    return None


def _is_upload(request) -> bool:
    return request.method in BODY_METHODS and request.content_type == "multipart/form-data"


def _content_length(value) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


def _view_of(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    return match.func


class UploadRefused(MultiPartParserError):
    """An upload turned away by the handler: Django answers 400 and never parses the body again (not even to read
    a CSRF token for the error page)."""


class GuardedUploadHandler(FileUploadHandler):
    """First of the upload handlers: refuses before the first byte of a refused upload is read, and stops a body
    that grows past the page's limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        view = _view_of(self.request)
        if view is None:
            raise UploadRefused("An upload to an address that is not a page.")
        try:
            refusal = upload_refusal(self.request, view, content_length)
        except (PermissionDenied, Http404) as error:
            raise UploadRefused(str(error) or "This page is not open to you.") from None
        if refusal is not None:
            raise UploadRefused(refusal.message)
        self.limit = upload_limit(view)
        self.received = 0
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadRefused(f"The file is larger than this page takes ({filesizeformat(self.limit)}).")
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadGuardMiddleware:
    """Turns away refused uploads before anything reads their bodies (place it before CsrfViewMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _is_upload(request):
            request.upload_handlers.insert(0, GuardedUploadHandler(request))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _is_upload(request):
            return None
        try:
            refusal = upload_refusal(request, view_func, _content_length(request.META.get("CONTENT_LENGTH")))
        except PermissionDenied as error:
            # Answered here, not raised: Django's error pages would read the body for a CSRF token.
            log_refusal(request, error)
            response = render(request, "403.html", {"exception": str(error)}, status=403)
        except Http404 as error:
            log_refusal(request, error)
            response = render(request, "404.html", status=404)
        else:
            if refusal is None:
                return None
            if refusal.status == 401:
                return redirect_to_login(request.get_full_path())
            response = render(request, "core/upload_refused.html", {"message": refusal.message}, status=refusal.status)
        # The body was never read: the connection cannot carry another request.
        response["Connection"] = "close"
        return response


@never_cache
@two_factor_exempt
@public
def upload_permitted(request):
    """nginx's ``auth_request`` on upload pages, before it reads a body: 204 go ahead, 401 signed out, 403 refused.

    nginx passes the original request line in ``X-Original-Method`` and ``X-Original-URI`` with the person's
    cookies; the body never reaches here (nginx itself enforces the size).
    """
    original = request.headers.get("X-Original-URI", "")
    if not original.startswith("/"):
        return HttpResponse("Say which upload to check in X-Original-URI.\n", status=400, content_type="text/plain")
    if request.headers.get("X-Original-Method", "").upper() not in BODY_METHODS:
        return HttpResponse(status=204)
    try:
        view = resolve(urlsplit(original).path).func
    except Resolver404:
        return HttpResponse(status=403)
    try:
        refusal = upload_refusal(request, view, content_length=0)
    except (PermissionDenied, Http404):
        # The page's own refusal (403, or a compartment's 404): nginx passes on only 401 and 403.
        return HttpResponse(status=403)
    if refusal is not None:
        return HttpResponse(status=401 if refusal.status == 401 else 403)
    return HttpResponse(status=204)


# Where nginx must guard: every page that takes files, as a regular expression of its whole path ------------------


def upload_routes() -> list[tuple[str, int]]:
    """(path regular expression, limit in bytes) for every page marked ``@accepts_uploads``, for the nginx site."""
    routes = []

    def walk(patterns, prefix: str):
        for pattern in patterns:
            regex = pattern.pattern.regex.pattern.lstrip("^").removesuffix(r"\Z")
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + regex)
            elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "assure_upload_limit"):
                path = re.sub(r"\(\?P<\w+>", "(", prefix + regex)
                routes.append((f"^/{path}$", upload_limit(pattern.callback)))

    walk(get_resolver().url_patterns, "")
    return routes
