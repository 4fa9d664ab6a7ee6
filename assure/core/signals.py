from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver

from .access import log_sign_in_event
from .audit import AuditedModel, _snapshot, record_change, record_many_to_many_change
from .lockout import alert_if_under_attack
from .middleware import record_sign_in_time
from .models import AccessLogEntry


@receiver(post_delete)
def record_deletion(sender, instance, **kwargs):
    # Connected for every model so that queryset and cascaded deletes, which skip
    # Model.delete(), still pass here one record at a time.
    if isinstance(instance, AuditedModel):
        record_change(instance, "delete", _snapshot(instance), {})


@receiver(m2m_changed)
def record_many_to_many(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Record a change to a many-to-many field (a case audit's themes) on the records that declare the field,
    from either side (``programme.themes.add(priority)``, ``priority.case_audit_programmes.add(programme)``):
    the names before, taken as the change begins, beside the names after."""
    owner_model = model if reverse else type(instance)
    field = next((f for f in owner_model._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None or not issubclass(owner_model, AuditedModel):
        return
    if action.startswith("pre_"):
        if not reverse:
            owners = [instance]
        elif pk_set is None:  # clearing: every record that names this one
            owners = owner_model._base_manager.filter(**{field.name: instance})
        else:
            owners = owner_model._base_manager.filter(pk__in=pk_set)
        instance._audit_names_before = {owner.pk: _names(owner, field) for owner in owners}
        return
    before = instance.__dict__.pop("_audit_names_before", {})
    owners = owner_model._base_manager.filter(pk__in=before) if reverse else [instance]
    for owner in owners:
        record_many_to_many_change(owner, field.name, before.get(owner.pk, []), _names(owner, field))


def _names(owner, field) -> list[str]:
    return sorted(str(related) for related in getattr(owner, field.name).all())


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
