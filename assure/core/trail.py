"""The audit trail's table, and what every log table shares: rows are only ever added, timed by the database.

``AuditEntry`` lives here, apart from ``models.py``, because ``audit.py`` writes it and every model
module imports ``audit.py``: the dependency runs one way, permissions → trail → audit → models.
``models.py`` re-exports it. The access log and the chain's seals (in ``models.py``) share
``AppendOnlyModel``.

Append-only holds at three levels: these classes refuse updates, deletes and a supplied time;
database triggers refuse the same from any client (``migrations/0004_audit_sealed_trail.py``); on
PostgreSQL the application's role may only insert and select (``database_roles.py``). What a
database owner could still do is detected by the keyed hash chain (``chain.py``).
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import models
from django.db.models.expressions import DatabaseDefault
from django.db.models.functions import Now
from django.urls import reverse

from .permissions import Area

REFUSAL = "The audit trail and access log are append-only"

_writing_audit_entries: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "assure_writing_audit_entries", default=False
)


@contextmanager
def writing_audit_entries():
    """Open the audit trail to writes for the block: only ``core.audit`` does this, for the person acting now."""
    token = _writing_audit_entries.set(True)
    try:
        yield
    finally:
        _writing_audit_entries.reset(token)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(REFUSAL)

    def delete(self):
        raise PermissionError(REFUSAL)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.refuse_unless_new()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise PermissionError(REFUSAL)


class AppendOnlyModel(models.Model):
    """A row that is written once, at the time the database gives it (``time_field``), and never changed."""

    time_field = "at"

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def refuse_unless_new(self) -> None:
        if not self._state.adding:
            raise PermissionError(REFUSAL)
        if not isinstance(getattr(self, self.time_field), DatabaseDefault):
            raise PermissionError(f"{REFUSAL}: the database sets the time of an entry, nobody supplies it")

    def save(self, *args, **kwargs):
        self.refuse_unless_new()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(REFUSAL)


class AuditEntry(AppendOnlyModel):
    """One create, update or delete of a domain record, with field-level before and after."""

    class Kind(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    permission_area = Area.AUDIT_TRAIL
    # Its before and after values can describe sensitive records.
    access_logged = True

    at = models.DateTimeField(db_default=Now(), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=Kind.choices)
    record_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    # How the record is named in a sentence when the entry was written, if its model names it its own way
    # ("West Midlands Police's Section 11 return 2021-22", "action A12"): it may since have changed or gone.
    record_name = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["record_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"audit trail entry {self.pk}"

    def get_absolute_url(self):
        return reverse("core:audit-entry", args=[self.pk])

    def refuse_unless_new(self) -> None:
        if not _writing_audit_entries.get():
            raise PermissionError(
                "Audit entries are written only by assure.core.audit, in the name of the person acting, "
                "at the time the database gives"
            )
        super().refuse_unless_new()
