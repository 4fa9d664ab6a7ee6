from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from .audit import acting_as


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
        user = request.user if request.user.is_authenticated else None
        with acting_as(user, user.get_username() if user else "anonymous"):
            response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


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
