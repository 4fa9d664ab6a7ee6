from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .access import log_sign_in_event
from .audit import AuditedModel, _snapshot, record_change
from .lockout import alert_if_under_attack
from .middleware import record_sign_in_time
from .models import AccessLogEntry


@receiver(post_delete)
def record_deletion(sender, instance, **kwargs):
    # Connected for every model so that queryset and cascaded deletes, which skip
    # Model.delete(), still pass here one record at a time.
    if isinstance(instance, AuditedModel):
        record_change(instance, "delete", _snapshot(instance), {})


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs):
    log_sign_in_event(request, AccessLogEntry.Event.SIGN_IN, user=user)
    if request is not None and hasattr(request, "session"):
        record_sign_in_time(request)


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        log_sign_in_event(request, AccessLogEntry.Event.SIGN_OUT, user=user)


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    log_sign_in_event(request, AccessLogEntry.Event.SIGN_IN_FAILED, username=credentials.get("username", ""))
    alert_if_under_attack(credentials.get("username", ""))


@receiver(user_locked_out)
def record_lockout(sender, request, username, ip_address, **kwargs):
    log_sign_in_event(request, AccessLogEntry.Event.LOCKED_OUT, username=username or "")
