import time
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control

from .audit import acting_as

SIGNED_IN_AT = "assure_signed_in_at"


def public(view):
    """Mark a view as reachable without signing in (sign-in, password reset, evaluation links)."""
    view.assure_public = True
    return view


def two_factor_exempt(view):
    """Mark a view as usable before the second factor is verified (setting it up, signing out)."""
    view.assure_two_factor_exempt = True
    return view


class CurrentActorMiddleware:
    """Attribute every change made while serving a request to the signed-in person."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The client's address as the trusted proxies report it (django-ipware, through axes), for the
        # access log of every page and not only of sign-in attempts.
        AxesProxyHandler.update_request(request)
        user = request.user if request.user.is_authenticated else None
        with acting_as(user, user.get_username() if user else "anonymous"):
            response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class NotStoredMiddleware:
    """Pages and downloads for a signed-in person are never kept by a browser or a shared cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class SessionLifetimeMiddleware:
    """However busy, a session ends ``ASSURE_SESSION_MAX_HOURS`` after signing in (the idle timeout is separate)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            if signed_in_at is None or time.time() - signed_in_at > settings.ASSURE_SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.info(
                    request,
                    f"You were signed out {settings.ASSURE_SESSION_MAX_HOURS:g} hours after signing in. Sign in again.",
                )
                return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        return self.get_response(request)


def record_sign_in_time(request) -> None:
    """Start the session's absolute lifetime (called when a person signs in)."""
    request.session[SIGNED_IN_AT] = time.time()


class SignInRequiredMiddleware:
    """Every page needs a signed-in person unless its view is marked ``@public``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "assure_public", False) or request.user.is_authenticated:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


class TwoFactorMiddleware:
    """People whose roles need a second factor must set one up and verify it before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or getattr(view_func, "assure_two_factor_exempt", False):
            return None
        if not user.needs_two_factor() or user.is_verified():
            return None
        from django_otp import devices_for_user

        has_device = any(True for _ in devices_for_user(user, confirmed=True))
        target = reverse("core:two-factor-verify" if has_device else "core:two-factor-setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
