from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import sentences
from .access import log_access
from .audit import AuditedModel
from .filters import AccessLogFilter, AgencyFilter, AuditEntryFilter, PersonFilter
from .forms import (
    AgencyForm,
    PersonForm,
    PriorityForm,
    ReportingYearForm,
    RoleAssignmentForm,
    SignInForm,
    TwoFactorTokenForm,
)
from .middleware import public, two_factor_exempt
from .models import AccessLogEntry, Agency, AuditEntry, Partnership, Priority, ReportingYear, RoleAssignment, User
from .pages import form_page, list_page
from .permissions import Action, Area, Scope, can, get_scoped_object_or_404, permission_required, require, scoped
from .tables import Column, Table


@public
def sign_in(request):
    return auth_views.LoginView.as_view(
        template_name="core/sign_in.html", authentication_form=SignInForm, redirect_authenticated_user=True
    )(request)


@two_factor_exempt
@require_POST
def sign_out(request):
    return auth_views.LogoutView.as_view()(request)


def home(request):
    partnership = Partnership.current()
    years = ReportingYear.objects.filter(partnership=partnership)
    agencies = Agency.objects.filter(partnership=partnership, active=True)
    return render(
        request,
        "core/home.html",
        {
            "current_year": years.first(),
            "priorities": Priority.objects.filter(partnership=partnership, last_year__isnull=True),
            "partner_count": agencies.filter(is_statutory_partner=True).count(),
            "relevant_agency_count": agencies.filter(is_statutory_partner=False).count(),
            "roles": [str(assignment) for assignment in request.user.active_role_assignments()],
        },
    )


@permission_required(Area.PARTNERSHIP)
def agency_list(request):
    table = Table(
        request,
        scoped(Agency.objects.all(), request.user),
        [
            Column("Agency", lambda a: a.name, sort="name", link=True),
            Column("Sector", lambda a: a.get_sector_display(), sort="sector"),
            Column("Type", lambda a: a.partner_type, sort="is_statutory_partner"),
            Column("Status", lambda a: "Active" if a.active else "Inactive", sort="active"),
        ],
        name="agencies",
        search_fields=["name"],
        filterset_class=AgencyFilter,
        default_sort="name",
    )
    return list_page(
        request,
        table,
        "core/agency_list.html",
        Area.PARTNERSHIP,
        can_edit=can(request.user, Area.PARTNERSHIP, Action.EDIT),
    )


@permission_required(Area.PARTNERSHIP)
def agency_detail(request, pk):
    agency = get_scoped_object_or_404(Agency.objects.all(), request.user, pk=pk)
    people = (
        scoped(agency.people.filter(is_active=True), request.user)
        if can(request.user, Area.PEOPLE, Action.VIEW)
        else None
    )
    return render(
        request,
        "core/agency_detail.html",
        {
            "agency": agency,
            "people": people,
            "can_edit": can(request.user, Area.PARTNERSHIP, Action.EDIT),
            "can_view_history": can(request.user, Area.PARTNERSHIP, Action.VIEW_HISTORY),
        },
    )


@permission_required(Area.PARTNERSHIP, Action.EDIT)
def agency_create(request):
    form = AgencyForm(request.POST or None, instance=Agency(partnership=Partnership.current()))
    return form_page(
        request,
        form,
        title="Add an agency",
        success_url=reverse("core:agency-list"),
        success_message=f"Added {request.POST.get('name', 'the agency')}.",
        back_url=reverse("core:agency-list"),
    )


@permission_required(Area.PARTNERSHIP, Action.EDIT)
def agency_edit(request, pk):
    agency = get_scoped_object_or_404(Agency.objects.all(), request.user, Action.EDIT, pk=pk)
    form = AgencyForm(request.POST or None, instance=agency)
    return form_page(
        request,
        form,
        title=f"Change {agency}",
        success_url=agency.get_absolute_url(),
        success_message="Saved the agency's details.",
        back_url=agency.get_absolute_url(),
    )


@permission_required(Area.PEOPLE)
def person_list(request):
    people = scoped(User.objects.select_related("agency").prefetch_related("role_assignments"), request.user)
    table = Table(
        request,
        people,
        [
            Column("Name", lambda p: p.full_name, sort="full_name", link=True),
            Column("Email", lambda p: p.email, sort="email"),
            Column("Agency", lambda p: p.agency, sort="agency__name"),
            Column(
                "Roles", lambda p: ", ".join(sorted(str(r) for r in p.role_assignments.all() if r.ended_on is None))
            ),
            Column("Can sign in", lambda p: "Yes" if p.is_active else "No", sort="is_active"),
        ],
        name="people",
        search_fields=["full_name", "email", "job_title"],
        filterset_class=PersonFilter,
        default_sort="full_name",
    )
    return list_page(
        request, table, "core/person_list.html", Area.PEOPLE, can_edit=can(request.user, Area.PEOPLE, Action.EDIT)
    )


@permission_required(Area.PEOPLE)
def person_detail(request, pk):
    person = get_scoped_object_or_404(User.objects.select_related("agency"), request.user, pk=pk)
    return render(
        request,
        "core/person_detail.html",
        {
            "person": person,
            "assignments": person.role_assignments.select_related("agency").order_by("ended_on", "role"),
            "can_edit": can(request.user, Area.PEOPLE, Action.EDIT)
            and scoped(User.objects.filter(pk=pk), request.user, Action.EDIT).exists(),
            "can_view_history": can(request.user, Area.PEOPLE, Action.VIEW_HISTORY),
            "perms_approve": can(request.user, Area.PEOPLE, Action.APPROVE),
        },
    )


def _agencies_for(user, action=Action.EDIT):
    """The agencies a person may attach people to: all for the business unit, their own for an agency lead."""
    agencies = Agency.objects.filter(active=True)
    granted = require(user, Area.PEOPLE, action)
    return agencies if granted.scope == Scope.PARTNERSHIP else agencies.filter(pk__in=granted.agency_ids)


@permission_required(Area.PEOPLE, Action.EDIT)
def person_create(request):
    form = PersonForm(request.POST or None, agencies=_agencies_for(request.user))
    form.instance.set_unusable_password()
    return form_page(
        request,
        form,
        title="Add a person",
        success_url=reverse("core:person-list"),
        success_message="Added the person. Give them a role, then they can set a password with ‘Forgotten your password?’.",
        back_url=reverse("core:person-list"),
    )


@permission_required(Area.PEOPLE, Action.EDIT)
def person_edit(request, pk):
    person = get_scoped_object_or_404(User.objects.all(), request.user, Action.EDIT, pk=pk)
    form = PersonForm(request.POST or None, instance=person, agencies=_agencies_for(request.user))
    return form_page(
        request,
        form,
        title=f"Change {person}",
        success_url=person.get_absolute_url(),
        success_message="Saved.",
        back_url=person.get_absolute_url(),
    )


@permission_required(Area.PEOPLE, Action.APPROVE)
def role_add(request, pk):
    person = get_scoped_object_or_404(User.objects.all(), request.user, Action.APPROVE, pk=pk)
    form = RoleAssignmentForm(request.POST or None, user=person, agencies=Agency.objects.filter(active=True))
    return form_page(
        request,
        form,
        title=f"Give {person} a role",
        success_url=person.get_absolute_url(),
        success_message="Role added.",
        back_url=person.get_absolute_url(),
    )


@require_POST
@permission_required(Area.PEOPLE, Action.APPROVE)
def role_end(request, pk, assignment_pk):
    person = get_scoped_object_or_404(User.objects.all(), request.user, Action.APPROVE, pk=pk)
    assignment = get_object_or_404(RoleAssignment, pk=assignment_pk, user=person, ended_on__isnull=True)
    assignment.ended_on = timezone.localdate()
    assignment.save()
    messages.success(request, f"Ended the role {assignment}.")
    return redirect(person.get_absolute_url())


@permission_required(Area.PARTNERSHIP, Action.EDIT)
def reporting_year_list(request):
    partnership = Partnership.current()
    return render(
        request,
        "core/reporting_year_list.html",
        {
            "years": ReportingYear.objects.filter(partnership=partnership),
            "priorities": Priority.objects.filter(partnership=partnership).select_related("first_year", "last_year"),
        },
    )


@permission_required(Area.PARTNERSHIP, Action.EDIT)
def reporting_year_create(request):
    form = ReportingYearForm(request.POST or None, partnership=Partnership.current())
    return form_page(
        request,
        form,
        title="Add a reporting year",
        success_url=reverse("core:reporting-year-list"),
        success_message="Added the reporting year.",
        back_url=reverse("core:reporting-year-list"),
    )


@permission_required(Area.PARTNERSHIP, Action.EDIT)
def reporting_year_edit(request, pk):
    year = get_object_or_404(ReportingYear, pk=pk, partnership=Partnership.current())
    form = ReportingYearForm(request.POST or None, instance=year, partnership=year.partnership)
    return form_page(
        request,
        form,
        title=f"Change {year}",
        success_url=reverse("core:reporting-year-list"),
        success_message=f"Saved {year}.",
        back_url=reverse("core:reporting-year-list"),
    )


@permission_required(Area.PARTNERSHIP, Action.EDIT)
def priority_create(request):
    form = PriorityForm(request.POST or None, partnership=Partnership.current())
    return form_page(
        request,
        form,
        title="Add a priority",
        success_url=reverse("core:reporting-year-list"),
        success_message="Added the priority.",
        back_url=reverse("core:reporting-year-list"),
    )


@permission_required(Area.PARTNERSHIP, Action.EDIT)
def priority_edit(request, pk):
    priority = get_object_or_404(Priority, pk=pk, partnership=Partnership.current())
    form = PriorityForm(request.POST or None, instance=priority, partnership=priority.partnership)
    return form_page(
        request,
        form,
        title=f"Change {priority}",
        success_url=reverse("core:reporting-year-list"),
        success_message=f"Saved {priority}.",
        back_url=reverse("core:reporting-year-list"),
    )


@permission_required(Area.AUDIT_TRAIL)
def audit_trail(request):
    table = Table(
        request,
        AuditEntry.objects.select_related("actor"),
        [
            Column("When", lambda e: e.at, sort="at"),
            Column("What happened", sentences.change_sentence, link=True),
            Column("Record type", lambda e: sentences.record_type_name(e.record_type), sort="record_type"),
        ],
        name="audit-trail",
        filterset_class=AuditEntryFilter,
        default_sort="-at",
    )
    return list_page(request, table, "core/audit_trail.html", Area.AUDIT_TRAIL)


@permission_required(Area.AUDIT_TRAIL)
def audit_entry_detail(request, pk):
    entry = get_object_or_404(AuditEntry.objects.select_related("actor"), pk=pk)
    log_access(request, entry)  # its before/after values can describe sensitive records
    model = sentences.model_for(entry.record_type)
    audited = model is not None and issubclass(model, AuditedModel)
    record = model._base_manager.filter(pk=entry.object_id).first() if audited else None
    return render(
        request,
        "core/audit_entry_detail.html",
        {
            "entry": entry,
            "sentence": sentences.change_sentence(entry),
            "who": sentences.change_author(entry),
            "record_type": sentences.record_type_name(entry.record_type),
            "changes": sentences.field_changes(entry),
            "history_url": record.history_url() if record is not None else None,
        },
    )


@permission_required(Area.AUDIT_TRAIL)
def access_log(request):
    table = Table(
        request,
        AccessLogEntry.objects.select_related("user"),
        [
            Column("When", lambda e: e.at, sort="at"),
            Column("What happened", sentences.access_sentence),
            Column("Record type", lambda e: sentences.record_type_name(e.record_type) if e.record_type else ""),
            Column("Page", lambda e: e.path),
            Column("Address", lambda e: e.ip_address),
        ],
        name="access-log",
        filterset_class=AccessLogFilter,
        default_sort="-at",
    )
    return list_page(request, table, "core/access_log.html", Area.AUDIT_TRAIL)


def account(request):
    return render(
        request,
        "core/account.html",
        {
            "has_two_factor": any(True for _ in devices_for_user(request.user, confirmed=True)),
            "roles": request.user.active_role_assignments(),
        },
    )


@permission_required(Area.PARTNERSHIP)
def record_history(request, record_type, pk):
    """The audit trail of one record, for people allowed to see that record and its history."""
    labels = sentences.record_type_labels(record_type)
    if len(labels) != 1:
        raise Http404("No such record type")
    model = apps.get_model(labels[0])
    require(request.user, model.permission_area, Action.VIEW_HISTORY)
    record = get_scoped_object_or_404(model._base_manager.all(), request.user, Action.VIEW_HISTORY, pk=pk)
    log_access(request, record, description=f"History of {record}")
    entries = [
        {"entry": entry, "sentence": sentences.change_sentence(entry), "changes": sentences.field_changes(entry)}
        for entry in record.history().select_related("actor")[:500]
    ]
    return render(request, "core/record_history.html", {"record": record, "entries": entries})


def _safe_next(request) -> str:
    target = request.GET.get("next") or request.POST.get("next") or reverse("core:home")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("core:home")


@two_factor_exempt
def two_factor_setup(request):
    if any(True for _ in devices_for_user(request.user, confirmed=True)):
        return redirect(f"{reverse('core:two-factor-verify')}?{urlencode({'next': _safe_next(request)})}")
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TwoFactorTokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save()
        otp_login(request, device)
        messages.success(request, "Two-factor sign-in is set up. You will be asked for a code each time you sign in.")
        return redirect(_safe_next(request))
    return render(
        request,
        "core/two_factor_setup.html",
        {"form": form, "secret": b32encode(device.bin_key).decode(), "next": _safe_next(request)},
        status=400 if request.method == "POST" else 200,
    )


@two_factor_exempt
def two_factor_qr_code(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        raise Http404("No two-factor set-up is in progress")
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, svgclass=None, lineclass=None, omitsize=False)
    return HttpResponse(svg, content_type="image/svg+xml")


@two_factor_exempt
def two_factor_verify(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('core:two-factor-setup')}?{urlencode({'next': _safe_next(request)})}")
    form = TwoFactorTokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_safe_next(request))
    return render(
        request,
        "core/two_factor_verify.html",
        {"form": form, "next": _safe_next(request)},
        status=400 if request.method == "POST" else 200,
    )
