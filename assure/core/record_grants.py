"""Sharing one record with one person: the one per-record grant (decisions.md section 1).

A share lets a person whose roles do not reach a record read it, for a stated reason, until the end of a chosen day
(Europe/London). It never lets them change, download or share it on; revoking it takes effect on their next request;
each time they open the record through it is written to the access log (``core.permissions`` and ``core.access``).

Apps whose records can be shared (LADO, case reviews) mount the two pages that manage shares in their ``urls.py``::

    urlpatterns = [..., *share_urls(Allegation, "allegations/<int:pk>/shares/", name="allegation-shares")]

and mark the record's own page ``@permission_required(area, open_to_grantees=True)``, reading the record with
``get_scoped_object_or_404``. Whoever may change a record may share it and revoke its shares.
"""

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .forms import DATE_HINT, DateField
from .models import RecordGrant, User
from .notify import notify
from .pages import service_form_page
from .permissions import Action, get_scoped_object_or_404, may, permission_required, refusal


def _long_date(day: date) -> str:
    return f"{day:%-d %B %Y}"


@transaction.atomic
def record_grant_create(*, record, grantee: User, reason: str, expires_on: date, by: User, today=None) -> RecordGrant:
    """Share ``record`` with ``grantee`` for reading until the end of ``expires_on``; tell them by email."""
    today = today or timezone.localdate()
    if not may(by, Action.EDIT, record):
        raise refusal(type(record).permission_area, Action.EDIT)
    errors = {}
    if grantee.pk == by.pk:
        errors["grantee"] = "Choose someone other than yourself."
    elif not grantee.is_active:
        errors["grantee"] = f"{grantee} cannot sign in, so could not open the record. Choose someone who can sign in."
    elif (current := RecordGrant.objects.of_record(record).active(today).filter(grantee=grantee).first()) is not None:
        errors["grantee"] = (
            f"{grantee} already has a share of this record until {_long_date(current.expires_on)}. "
            "Revoke it first to change it."
        )
    elif may(grantee, Action.VIEW, record):
        errors["grantee"] = f"{grantee} can already see this record through their roles."
    if not reason.strip():
        errors["reason"] = "Enter why they need to see this record."
    if expires_on < today:
        errors["expires_on"] = "The share must end today or later."
    if errors:
        raise ValidationError(errors)
    grant = RecordGrant.objects.create(
        grantee=grantee,
        record_type=record._meta.label,
        object_id=record.pk,
        reason=reason.strip(),
        expires_on=expires_on,
        granted_by=by,
    )
    # A neutral subject and a link only: the email says nothing of what the record is about.
    notify(
        to=[grantee],
        subject="A record has been shared with you",
        body=f"A record has been shared with you in Assure. You can read it until the end of {_long_date(expires_on)}.",
        path=record.get_absolute_url(),
    )
    return grant


@transaction.atomic
def record_grant_revoke(*, grant: RecordGrant, by: User, today=None) -> RecordGrant:
    """End a share now: the person's next request no longer reaches the record."""
    today = today or timezone.localdate()
    record = grant.record
    if record is None or not may(by, Action.EDIT, record):
        raise refusal(grant.record_model.permission_area, Action.EDIT)
    if grant.status(today) != "Active":
        raise ValidationError("This share has already ended.")
    grant.revoked_at = timezone.now()
    grant.revoked_by = by
    grant.save()
    return grant


class ShareForm(forms.Form):
    grantee = forms.ModelChoiceField(
        label="Who needs to see it", queryset=User.objects.none(), empty_label="Choose a person"
    )
    reason = forms.CharField(
        label="Why they need to see it",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the share and shown to everyone who manages this record.",
    )
    expires_on = DateField(
        label="Share until",
        help_text=f"They can open it until midnight at the end of this day. {DATE_HINT}",
    )

    def __init__(self, *args, by: User, **kwargs):
        super().__init__(*args, **kwargs)
        grantee = self.fields["grantee"]
        grantee.queryset = User.objects.filter(is_active=True).exclude(pk=by.pk).select_related("agency")
        grantee.label_from_instance = lambda person: f"{person} ({person.agency})" if person.agency else str(person)


def share_urls(model, route: str, *, name: str) -> list:
    """The page listing and making shares of a ``model`` record at ``route`` (which captures ``pk``), and revoking
    one at ``route`` + ``<int:grant_pk>/revoke/``; named ``name`` and ``name-revoke`` in the app's namespace."""
    return [
        path(route, _shares_page(model, name), name=name),
        path(f"{route}<int:grant_pk>/revoke/", _revoke_page(model, name), name=f"{name}-revoke"),
    ]


def _url(request, name: str, *args) -> str:
    namespace = request.resolver_match.namespace
    return reverse(f"{namespace}:{name}" if namespace else name, args=args)


def _shares_page(model, name: str):
    @permission_required(model.permission_area, Action.EDIT)
    @sensitive_post_parameters("reason")
    def shares(request, pk):
        record = get_scoped_object_or_404(model._default_manager.all(), request.user, Action.EDIT, pk=pk)
        today = timezone.localdate()
        return service_form_page(
            request,
            ShareForm(request.POST or None, by=request.user),
            title="Share this record",
            caption=str(record),
            run=lambda data: record_grant_create(record=record, by=request.user, **data),
            success_url=request.path,
            success_message=lambda grant: (
                f"Shared with {grant.grantee} until the end of "
                f"{_long_date(grant.expires_on)}. They can read it, not change, download or share it."
            ),
            back_url=record.get_absolute_url(),
            template="core/record_shares.html",
            shares=[
                {
                    "grant": grant,
                    "status": grant.status(today),
                    "revoke_url": _url(request, f"{name}-revoke", pk, grant.pk),
                }
                for grant in RecordGrant.objects.of_record(record).select_related("grantee", "granted_by", "revoked_by")
            ],
        )

    shares.__name__ = shares.__qualname__ = f"{model._meta.model_name}_shares"
    return shares


def _revoke_page(model, name: str):
    @require_POST
    @permission_required(model.permission_area, Action.EDIT)
    def revoke(request, pk, grant_pk):
        record = get_scoped_object_or_404(model._default_manager.all(), request.user, Action.EDIT, pk=pk)
        grant = get_object_or_404(RecordGrant.objects.of_record(record), pk=grant_pk)
        try:
            record_grant_revoke(grant=grant, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{grant.grantee} can no longer see this record.")
        return redirect(_url(request, name, pk))

    revoke.__name__ = revoke.__qualname__ = f"{model._meta.model_name}_share_revoke"
    return revoke
