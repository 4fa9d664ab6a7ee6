"""The audit trail's machinery: who is acting, and models whose every change is recorded.

Every domain model subclasses ``AuditedModel``. Its ``save`` records field-level
before/after values; deletes (one, bulk or cascaded) are recorded by a ``post_delete``
receiver; its queryset's bulk ``update``, ``bulk_create`` and ``bulk_update`` record each
row they touch, and it is also the model's base manager (the one Django's own machinery and
``_base_manager`` use); many-to-many changes are recorded by an ``m2m_changed`` receiver.
So no ORM path changes a record without leaving an entry.

A model says how its changes read in the trail with ``audit_name`` (how a sentence names
the record) and ``audit_sentences`` (a status change, say); ``core.sentences`` reads them.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils.text import slugify

from .trail import AuditEntry, writing_audit_entries


@dataclass(frozen=True)
class Actor:
    user: object | None
    label: str


_current_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar("assure_actor", default=Actor(None, "system"))  # noqa: B039 (Actor is frozen)


def current_actor() -> Actor:
    return _current_actor.get()


@contextmanager
def acting_as(user=None, label: str | None = None):
    """Attribute every change made inside the block to ``user`` (or to ``label``, for jobs)."""
    token = _current_actor.set(Actor(user, label or (user.get_username() if user else "system")))
    try:
        yield
    finally:
        _current_actor.reset(token)


def _audited_fields(model):
    excluded = getattr(model, "audit_exclude", ())
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in excluded]


def _snapshot(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in _audited_fields(type(instance))}


def _display(model, attname: str, value, instance=None):
    if value is None:
        return None
    field = next(f for f in _audited_fields(model) if f.attname == attname)
    if attname in getattr(model, "audit_masked", ()):
        return "(changed)"
    if field.is_relation:
        # The instance usually holds the related object already: no query for it.
        if instance is not None and field.is_cached(instance):
            cached = field.get_cached_value(instance)
            if cached is not None and cached.pk == value:
                return str(cached)
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


def _changes(model, before: dict, after: dict, instance=None) -> dict:
    return {
        model._meta.get_field(_name_of(model, attname)).name: [
            _display(model, attname, before.get(attname)),
            _display(model, attname, after.get(attname), instance),
        ]
        for attname in {**before, **after}
        if before.get(attname) != after.get(attname)
    }


def _name_of(model, attname: str) -> str:
    return next(f.name for f in _audited_fields(model) if f.attname == attname)


def record_change(instance, action: str, before: dict, after: dict) -> None:
    changes = _changes(type(instance), before, after, instance)
    if action == "update" and not changes:
        return
    _write(instance, action, changes)


def record_many_to_many_change(instance, field_name: str, before: list[str], after: list[str]) -> None:
    """Record that ``instance``'s many-to-many ``field_name`` went from ``before`` to ``after`` (names, sorted)."""
    if before != after:
        _write(instance, "update", {field_name: [before, after]})


def _write(instance, action: str, changes: dict) -> None:
    actor = current_actor()
    with writing_audit_entries():
        AuditEntry.objects.create(
            actor=actor.user if getattr(actor.user, "pk", None) else None,
            actor_label=actor.label,
            action=action,
            record_type=instance._meta.label,
            object_id=str(instance.pk),
            object_repr=str(instance)[:200],
            record_name=instance.audit_name()[:300],
            changes=changes,
        )


# Said of no particular value: a Sentence for a field "gaining a value", whatever it is.
ANY_VALUE = object()


@dataclass(frozen=True)
class Sentence:
    """How one kind of change to a record reads in the audit trail.

    ``says`` follows the person's name, with ``{record}`` where the record's name goes:
    ``Sentence("submitted {record}", field="status", to="submitted")`` reads "Pat Lead submitted
    West Midlands Police's Section 11 return 2021-22". ``action`` is create, update or delete; an
    update sentence describes ``field`` changing ``to`` a stored value (a choice's code, True),
    to None (emptied), or, by default, to any value.
    """

    says: str
    action: str = "update"
    field: str = ""
    to: Any = ANY_VALUE


class AuditedQuerySet(models.QuerySet):
    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            before = {obj.pk: _snapshot(obj) for obj in self.select_for_update()}
            count = super().update(**kwargs)
            for obj in self.model._base_manager.filter(pk__in=list(before)):
                record_change(obj, "update", before[obj.pk], _snapshot(obj))
        return count

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            for obj in created:
                record_change(obj, "create", {}, _snapshot(obj))
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        with transaction.atomic(using=self.db):
            objs = list(objs)
            stored = {o.pk: _snapshot(o) for o in self.model._base_manager.filter(pk__in=[o.pk for o in objs])}
            count = super().bulk_update(objs, fields, *args, **kwargs)
            for obj in objs:
                record_change(obj, "update", stored.get(obj.pk, {}), _snapshot(obj))
        return count


class AuditedModel(models.Model):
    """A domain record whose every change is written to the audit trail."""

    objects = AuditedQuerySet.as_manager()

    # Fields left out of the trail (noise such as last sign-in), and fields whose values are
    # never written there, only the fact of a change (password hashes).
    audit_exclude: tuple[str, ...] = ()
    audit_masked: tuple[str, ...] = ()
    # Sentences of the model's own (a status change); other changes read from verbose names.
    audit_sentences: tuple[Sentence, ...] = ()

    class Meta:
        abstract = True
        # Django's own machinery (saves, related lookups, ``Model._base_manager``) uses the base
        # manager: an audited one, so an update through it leaves an entry too. Models inherit it.
        base_manager_name = "objects"

    def audit_name(self) -> str:
        """How a sentence in the audit trail names this record ("action A12"), when it is not named by its verbose
        name and ``str`` ("the agency Test Police"): empty for that."""
        return ""

    def save(self, *args, **kwargs):
        with transaction.atomic():
            adding = self._state.adding or self.pk is None
            before = {}
            if not adding:
                stored = type(self)._base_manager.filter(pk=self.pk).first()
                before = _snapshot(stored) if stored else {}
                adding = stored is None
            super().save(*args, **kwargs)
            record_change(self, "create" if adding else "update", before, _snapshot(self))

    def history(self):
        return AuditEntry.objects.filter(record_type=self._meta.label, object_id=str(self.pk))

    @classmethod
    def record_type_slug(cls) -> str:
        """The record type in an address, in words ("section-11-return"): never its ``app.Model`` label."""
        return slugify(cls._meta.verbose_name)

    def history_url(self) -> str:
        return reverse("core:record-history", args=[self.record_type_slug(), self.pk])


class DerivedRecord(models.Model):
    """A record computed from audited records (indicator results, loaded benchmark figures).

    It is rebuilt rather than edited, so it is not audited field by field: the run that
    made it is an audited record, and so are the inputs it was made from.
    """

    class Meta:
        abstract = True
