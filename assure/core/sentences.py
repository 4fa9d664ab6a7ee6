"""The audit trail and access log in words people use.

Every entry reads as a sentence: "Pat Lead submitted West Midlands Police's Section 11 return 2021-22",
"Bea Manager changed the due date of action A12", "The assure demo command created the person Kim
Practitioner". A model may declare its own sentences (``AuditedModel.audit_sentences``: a status change)
and how a sentence names its records (``AuditedModel.audit_name``); otherwise the sentence is made from
the model's and its fields' verbose names. Record types are named by their verbose names, never by
their ``app.Model`` labels, and field values by what the pages show (a choice's label, a date as people
write it).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from .audit import ANY_VALUE, AuditedModel, Sentence
from .models import AccessLogEntry, AuditSeal

_NON_PERSONS = {"system": "Assure", "anonymous": "Someone not signed in"}
_EMPTY = (None, "", [])
FIELDS_NAMED = 3
ACCESS_VERBS = {
    AccessLogEntry.Event.VIEW: "viewed",
    AccessLogEntry.Event.EXPORT: "downloaded",
    AccessLogEntry.Event.SIGN_IN: "signed in",
    AccessLogEntry.Event.SIGN_IN_FAILED: "failed to sign in",
    AccessLogEntry.Event.SIGN_OUT: "signed out",
    AccessLogEntry.Event.LOCKED_OUT: "was locked out after repeated failed sign-ins",
    AccessLogEntry.Event.REFUSED: "was refused",
    AccessLogEntry.Event.VIEW_SHARED: "viewed, through a share,",
}


def model_for(label: str):
    """The model an entry's ``record_type`` names, or None for one Assure no longer has."""
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def record_type_name(label: str) -> str:
    """A record type as people call it ("Section 11 return"), from the model's verbose name."""
    model = model_for(label)
    return _capitalised(str(model._meta.verbose_name)) if model else "A record type Assure no longer has"


def _kinds(*, audited_only: bool) -> dict[str, list[str]]:
    """Record types by a slug of their name in words ("section-11-return") → the labels of the models so named."""
    kinds = {}
    for model in apps.get_models():
        if model in (AccessLogEntry, AuditSeal):
            continue
        if issubclass(model, AuditedModel) if audited_only else hasattr(model, "permission_area"):
            kinds.setdefault(slugify(model._meta.verbose_name), []).append(model._meta.label)
    return kinds


def record_type_choices(*, audited_only: bool = True) -> list[tuple[str, str]]:
    """Record types for a filter, by name: every audited model, or (for the access log) every model a permission
    covers. The values are slugs of the names, so that no ``app.Model`` label shows, in the address bar either."""
    kinds = _kinds(audited_only=audited_only)
    return sorted(((slug, record_type_name(labels[0])) for slug, labels in kinds.items()), key=lambda c: c[1])


def record_type_labels(slug: str, *, audited_only: bool = True) -> list[str]:
    """The ``record_type`` values a filter's choice stands for."""
    return _kinds(audited_only=audited_only).get(slug, [])


def who(user, label: str) -> str:
    """Who acted: the person's name, or what acted for nobody (a command, a background task, Assure itself)."""
    if user is not None and getattr(user, "full_name", ""):
        return user.full_name
    kind, _, name = label.partition(": ")
    if kind == "command" and name:
        return f"The {name} command"
    if kind == "task" and name:
        return f"A background task ({name})"
    return _NON_PERSONS.get(label, label or "Someone")


def _person(entry, field: str):
    # Log entries point at people without a database constraint: a person removed since leaves only the label.
    try:
        return getattr(entry, field)
    except type(entry)._meta.get_field(field).related_model.DoesNotExist:
        return None


def record_name(entry) -> str:
    """How the entry's record is named in its sentence, as it was named when the entry was written: its model's
    own way, or its verbose name and what it was called ("the agency Test Police")."""
    if entry.record_name:
        return entry.record_name
    model = model_for(entry.record_type)
    return f"the {model._meta.verbose_name if model else 'record'} {entry.object_repr}"


def _field(model, name: str):
    try:
        return model._meta.get_field(name) if model else None
    except LookupError:
        return None


def field_name(model, name: str) -> str:
    """A field as the pages label it ("due date"), lower case."""
    field = _field(model, name)
    return str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name.replace("_", " ")


def _in_model_order(model, names) -> list[str]:
    """Field names in the order the model declares them (PostgreSQL keeps JSON keys in an order of its own)."""
    order = [f.name for f in model._meta.get_fields()] if model else []
    return sorted(names, key=lambda name: order.index(name) if name in order else len(order))


def _declared(model, entry) -> Sentence | None:
    for sentence in getattr(model, "audit_sentences", ()):
        if sentence.action != entry.action:
            continue
        if entry.action != "update":
            return sentence
        if sentence.field not in entry.changes:
            continue
        after = entry.changes[sentence.field][1]
        if sentence.to is ANY_VALUE and after not in (*_EMPTY, False):
            return sentence
        if sentence.to is None and after in _EMPTY:
            return sentence
        if sentence.to is not ANY_VALUE and sentence.to is not None and after == sentence.to:
            return sentence
    return None


def _listed(names: list[str]) -> str:
    if len(names) > FIELDS_NAMED:
        others = len(names) - FIELDS_NAMED
        return f"{', '.join(names[:FIELDS_NAMED])} and {others} other detail{'s' if others > 1 else ''}"
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]])) if names else "details"


def what_happened(entry) -> str:
    """What an audit entry records, without who did it: "changed the due date of action A12"."""
    model = model_for(entry.record_type)
    name = record_name(entry)
    declared = _declared(model, entry)
    if declared is not None:
        return declared.says.format(record=name)
    if entry.action == "create":
        return f"created {name}"
    if entry.action == "delete":
        return f"deleted {name}"
    return f"changed the {_listed([field_name(model, field) for field in _in_model_order(model, entry.changes)])} of {name}"


def change_author(entry) -> str:
    """Who made an audit entry's change: "Bea Manager", "The assure demo command"."""
    return who(_person(entry, "actor"), entry.actor_label)


def change_sentence(entry) -> str:
    """An audit entry as one sentence: "Bea Manager changed the due date of action A12"."""
    return f"{change_author(entry)} {what_happened(entry)}"


def access_sentence(entry) -> str:
    """An access log entry as one sentence: "Pat Lead viewed Kim Practitioner", "Pat Lead signed in"."""
    verb = ACCESS_VERBS.get(entry.event) or entry.get_event_display().lower()
    person = _person(entry, "user")
    subject = person.full_name if person is not None and person.full_name else entry.user_label or "Someone"
    return " ".join(filter(None, [subject, verb, entry.object_repr]))


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


def field_changes(entry) -> list[FieldChange]:
    """The entry's field-level detail in words: each field by its label, values as the pages show them."""
    model = model_for(entry.record_type)
    return [
        FieldChange(
            _capitalised(field_name(model, name)),
            readable(model, name, entry.changes[name][0]),
            readable(model, name, entry.changes[name][1]),
        )
        for name in _in_model_order(model, entry.changes)
    ]


def readable(model, name: str, value) -> str:
    """A stored value as the pages show it: a choice's label, Yes or No, a date as people write it."""
    if value in _EMPTY:
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    field = _field(model, name)
    if field is None or not hasattr(field, "get_internal_type") or name in getattr(model, "audit_masked", ()):
        # A masked field's entries hold only "(changed)", whatever the field's type.
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = datetime.fromisoformat(value)
        moment = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        return moment.strftime("%-d %b %Y %H:%M")
    if isinstance(field, models.DateField) and isinstance(value, str):
        return date.fromisoformat(value).strftime("%-d %b %Y")
    return str(value)
