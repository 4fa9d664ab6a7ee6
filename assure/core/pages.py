"""The page shapes most views share: a list (with search, filters and downloads), a one-form page that saves a
model form, and a one-form page whose valid input runs a service."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve

from .downloads import requested_format
from .navigation import all_entries
from .permissions import Action, Area, can, require
from .tables import Table


def list_page(request, table: Table, template: str, area: Area, **context):
    """Render a list page, or its CSV/Excel download when one is asked for."""
    fmt = requested_format(request)
    if fmt:
        require(request.user, area, Action.EXPORT)
        return table.download(fmt)
    return render(request, template, {"table": table, "can_export": can(request.user, area, Action.EXPORT), **context})


def back_label(back_url: str, caption: str = "") -> str:
    """Where a back link goes, in words: the navigation's name for a list ("action register"), else the record the
    page's caption names ("Action A12")."""
    try:
        view_name = resolve(urlsplit(back_url).path).view_name
    except Resolver404:
        return caption
    for entry in all_entries():
        if entry.url_name == view_name:
            return entry.label[0].lower() + entry.label[1:]
    return caption


def form_page(
    request,
    form,
    *,
    title: str,
    success_url: str,
    success_message: str,
    back_url: str,
    caption: str = "",
    back_to: str = "",
):
    """A page with one form: on valid input save it in one transaction; otherwise show the errors and save nothing.

    The back link says where it goes: ``back_to``, or else what ``back_label`` makes of the address and caption.
    """
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, success_message)
        return redirect(success_url)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": title,
            "back_url": back_url,
            "back_to": back_to or back_label(back_url, caption),
            "caption": caption,
        },
        status=status,
    )


def service_form_page(
    request,
    form,
    *,
    title,
    run,
    success_url,
    success_message,
    back_url,
    caption="",
    back_to="",
    template="core/form_page.html",
    **context,
):
    """A one-form page whose valid input runs a service; a ValidationError from it shows in the error summary.

    The service runs in its own transaction, so a refusal saves nothing. ``success_url`` and
    ``success_message`` may be callables given what the service returned (the record it made). A page with more
    than the form gives its own ``template`` and ``context``.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, success_message(result) if callable(success_message) else success_message)
            return redirect(success_url(result) if callable(success_url) else success_url)
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "caption": caption,
            "back_url": back_url,
            "back_to": back_to or back_label(back_url, caption),
            **context,
        },
        status=400 if request.method == "POST" else 200,
    )


def add_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on ``form``: field errors beside their fields, the rest in the summary."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
