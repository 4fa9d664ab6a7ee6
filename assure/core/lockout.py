"""Refusing repeated wrong passwords: per account and address, for longer each time, never by sleeping.

django-axes counts the failures of each (account, address) pair. This module tells it how long a pair
is refused (decisions.md section 1): after 5 failures, 1 minute, then 2, 4… up to an hour for each
further failure once the pair may try again. Failures are remembered for 24 hours after the last one,
and a successful sign-in or a completed password reset forgets them. A person signing in from
another address is never refused because of someone else's failures.
"""

from datetime import timedelta

from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

REMEMBERED_FOR = timedelta(hours=24)
LONGEST_REFUSAL = timedelta(hours=1)
# Failures for one account from any addresses within 24 hours after which its holder and the business unit are told.
ALERT_AFTER_FAILURES = 50


def account_name(request, credentials=None) -> str:
    """The account a sign-in attempt names, written one way so "LADO@x" and " lado@x" count as one account."""
    if credentials:
        typed = credentials.get(axes_settings.AXES_USERNAME_FORM_FIELD)
    else:
        typed = getattr(request, "POST", {}).get(axes_settings.AXES_USERNAME_FORM_FIELD) if request else None
    return (typed or "").strip().lower()


def _failures(request) -> int:
    """The failures remembered for the pair this request comes from."""
    if request is None or getattr(request, "axes_ip_address", None) is None:
        return 0
    attempts = AccessAttempt.objects.filter(
        username=get_client_username(request), ip_address=request.axes_ip_address
    ).aggregate(total=Sum("failures_since_start"))
    return attempts["total"] or 0


def refusal_for(failures: int) -> timedelta | None:
    """How long a pair with ``failures`` is refused after its latest one (None: not refused)."""
    beyond = failures - settings.AXES_FAILURE_LIMIT
    if beyond < 0:
        return None
    # Capped before raising 2 to it, so a pair with thousands of failures cannot overflow.
    return min(timedelta(minutes=2 ** min(beyond, 6)), LONGEST_REFUSAL)


def refusal_period(request) -> timedelta:
    """axes' cool-off for this request's pair: failures newer than this count towards a lock-out.

    Below the limit that is every failure still remembered; at or above it, only a failure within
    the pair's current refusal, so the lock lifts by itself when the refusal is over.
    """
    return refusal_for(_failures(request)) or REMEMBERED_FOR


class ProgressiveLockoutHandler(AxesDatabaseHandler):
    """axes' database handler, forgetting failures only once they are 24 hours old.

    axes forgets a failure once it is older than the cool-off of whatever request is being handled; with
    a cool-off per pair that would let one pair's short refusal wipe another pair's count.
    """

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        count, _ = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - REMEMBERED_FOR).delete()
        return count


def locked_out_response(request, original_response=None, credentials=None):
    """The page a refused pair sees: when it may try again, and that resetting the password lifts the lock."""
    last = (
        AccessAttempt.objects.filter(
            username=get_client_username(request, credentials), ip_address=request.axes_ip_address
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    refusal = refusal_for(_failures(request)) or timedelta(minutes=1)
    try_again_at = timezone.localtime((last or timezone.now()) + refusal)
    return render(request, "core/locked_out.html", {"try_again_at": try_again_at}, status=429)


def forget_failures(account: str) -> None:
    """Lift every lock on ``account``, from every address (a completed password reset does this)."""
    axes_reset(username=account.strip().lower())


def alert_if_under_attack(account: str) -> None:
    """On the 50th failure for one account within 24 hours, from any addresses, email its holder and the business unit."""
    from .models import AccessLogEntry, User
    from .notify import notify
    from .selectors import partnership_admins

    account = account.strip().lower()
    failures = AccessLogEntry.objects.filter(
        event=AccessLogEntry.Event.SIGN_IN_FAILED, user_label__iexact=account, at__gte=timezone.now() - REMEMBERED_FOR
    ).count()
    holder = User.objects.filter(email__iexact=account).first()
    if failures != ALERT_AFTER_FAILURES or holder is None:
        return
    notify(
        to=[holder],
        subject="Many failed attempts to sign in to your Assure account",
        body=(
            f"There have been {failures} failed attempts to sign in to your Assure account in the last 24 hours. "
            "Each address that keeps failing is refused for longer, so you can still sign in from your own.\n\n"
            "If these were not you, tell your partnership's business unit, and choose a new password with "
            "‘Forgotten your password?’ on the sign-in page."
        ),
    )
    notify(
        to=partnership_admins(),
        subject="An Assure account is under attack",
        body=(
            f"There have been {failures} failed attempts to sign in as {holder.full_name} ({holder.agency or 'no agency'}) "
            "in the last 24 hours. They have been told. The access log shows the addresses the attempts came from."
        ),
        path=holder.get_absolute_url(),
    )
