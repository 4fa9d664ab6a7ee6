"""An upload is turned away before its body is read or written: sent signed out (even with a CSRF cookie), by
someone the page refuses, or larger than the page takes. The body below would be 600 MB; it records every read."""

import re
from http.cookies import SimpleCookie

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.test import Client, RequestFactory
from django.test.client import ClientHandler
from django.urls import reverse

from assure.core import uploads
from assure.core.permissions import Role

pytestmark = pytest.mark.django_db

DECLARED = 600 * 1024 * 1024
CSRF_TOKEN = "a" * 32


class WatchedBody:
    """A request body that is never held in memory: it counts what the server reads of it."""

    def __init__(self, size: int):
        self.size, self.read_bytes = size, 0

    def read(self, size=-1):
        remaining = self.size - self.read_bytes
        size = remaining if size is None or size < 0 else min(size, remaining)
        self.read_bytes += size
        return b"-" * size

    def readline(self, size=-1):
        return self.read(size)


@pytest.fixture
def temporary_uploads(settings, tmp_path):
    folder = tmp_path / "upload-temp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every file part that is read goes straight to disk
    return folder


def _send(path: str, body: WatchedBody, cookies: SimpleCookie | None = None):
    """POST the body as a browser would, CSRF cookie and header included, through Django's request handling."""
    cookies = cookies or SimpleCookie()
    cookies["csrftoken"] = CSRF_TOKEN
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_TYPE="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(body.size),
        HTTP_COOKIE="; ".join(f"{morsel.key}={morsel.value}" for morsel in cookies.values()),
        HTTP_X_CSRFTOKEN=CSRF_TOKEN,
        **{"wsgi.input": body},
    )
    return ClientHandler(enforce_csrf_checks=True)(environ)


def _signed_in(person) -> SimpleCookie:
    client = Client()
    client.force_login(person)
    return client.cookies


def test_an_anonymous_upload_with_a_csrf_cookie_is_sent_to_sign_in_unread(temporary_uploads):
    body = WatchedBody(DECLARED)
    response = _send(reverse("performance:extract-upload"), body)
    assert response.status_code == 302 and reverse("core:sign-in") in response["Location"]
    assert body.read_bytes == 0
    assert list(temporary_uploads.iterdir()) == []


def test_an_upload_larger_than_the_page_takes_is_refused_unread(make_person, council, temporary_uploads, settings):
    settings.ASSURE_EXTRACT_MAX_BYTES = 500 * 1024 * 1024
    body = WatchedBody(DECLARED)
    response = _send(reverse("performance:extract-upload"), body, _signed_in(make_person(Role.ANALYST, council)))
    assert response.status_code == 413
    assert "This page takes files up to 500.1" in response.content.decode()
    assert response["Connection"] == "close"
    assert body.read_bytes == 0
    assert list(temporary_uploads.iterdir()) == []


def test_an_upload_from_someone_the_page_refuses_is_refused_unread(make_person, council, temporary_uploads):
    body = WatchedBody(5 * 1024 * 1024)
    lead = make_person(Role.AGENCY_LEAD, council)
    response = _send(reverse("performance:extract-upload"), body, _signed_in(lead))
    assert response.status_code == 403
    assert body.read_bytes == 0
    assert list(temporary_uploads.iterdir()) == []


def test_a_page_that_takes_no_files_refuses_a_large_body_unread(admin_user, temporary_uploads):
    body = WatchedBody(50 * 1024 * 1024)
    response = _send(reverse("core:agency-create"), body, _signed_in(admin_user))
    assert response.status_code == 413
    assert body.read_bytes == 0


def test_the_handler_refuses_before_reading_when_the_body_is_read_early(temporary_uploads):
    """By any road that reads the body before the guard's turn, the first upload handler refuses it unread."""
    body = WatchedBody(DECLARED)
    environ = RequestFactory()._base_environ(
        PATH_INFO=reverse("performance:extract-upload"),
        REQUEST_METHOD="POST",
        CONTENT_TYPE="multipart/form-data; boundary=BoUnDaRy",
        CONTENT_LENGTH=str(body.size),
        **{"wsgi.input": body},
    )
    request = WSGIRequest(environ)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    request.upload_handlers.insert(0, uploads.GuardedUploadHandler(request))
    with pytest.raises(uploads.UploadRefused, match="Sign in"):
        request.POST  # noqa: B018 - reading it is the test
    assert body.read_bytes == 0


def test_the_handler_stops_a_body_that_grows_past_the_limit():
    handler = uploads.GuardedUploadHandler(None)
    handler.limit, handler.received = 1024, 0
    assert handler.receive_data_chunk(b"x" * 1024, 0) == b"x" * 1024
    with pytest.raises(uploads.UploadRefused, match="larger than this page takes"):
        handler.receive_data_chunk(b"x", 1024)


# nginx's auth_request --------------------------------------------------------------------------------------------


def _ask(client, path, method="POST"):
    return client.get(reverse("core:upload-permitted"), HTTP_X_ORIGINAL_URI=path, HTTP_X_ORIGINAL_METHOD=method)


def test_nginx_asks_before_reading_an_upload(client, make_person, council):
    upload = reverse("performance:extract-upload")
    assert _ask(client, upload).status_code == 401
    client.force_login(make_person(Role.AGENCY_LEAD, council))
    assert _ask(client, upload).status_code == 403
    assert _ask(client, upload, method="GET").status_code == 204
    client.force_login(make_person(Role.ANALYST, council))
    assert _ask(client, upload).status_code == 204
    assert _ask(client, "/no-such-page/").status_code == 403
    assert client.get(reverse("core:upload-permitted")).status_code == 400


def test_nginx_guards_every_page_that_takes_files():
    routes = dict(uploads.upload_routes())
    pages = [
        reverse("performance:extract-upload"),
        reverse("performance:benchmark-upload"),
        reverse("performance:returns-upload", args=[7]),
        reverse("audits:section11-evidence-upload", args=[12]),
    ]
    for page in pages:
        assert [pattern for pattern in routes if re.fullmatch(pattern, page)], f"{page} is not guarded"
    assert not any(re.fullmatch(pattern, reverse("core:agency-create")) for pattern in routes)
