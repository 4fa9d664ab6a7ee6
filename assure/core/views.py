from base64 import b32encode
from dataclasses import asdict
from datetime import date
from urllib.parse import urlencode

import segno
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import sentences, services
from .access import log_access
from .audit import AuditedModel
from .filters import AccessLogFilter, AgencyFilter, AuditEntryFilter, PersonFilter
from .forms import (
    AgencyForm,
    BackupCodeForm,
    EmailChangeForm,
    NotifyingPasswordResetForm,
    OwnEmailChangeForm,
    PersonCreateForm,
    PersonForm,
    PriorityForm,
    ReportingYearForm,
    RoleAssignmentForm,
    SignInForm,
    TwoFactorTokenForm,
)
from .home import needs_for
from .lockout import forget_failures
from .middleware import public, two_factor_exempt
from .models import (
    AccessLogEntry,
    Agency,
    AuditEntry,
    Partnership,
    Priority,
    PrivilegedGrant,
    ReportingYear,
    RoleAssignment,
    User,
)
from .pages import add_errors, form_page, list_page, service_form_page
from .permissions import (
    Action,
    Area,
    OutOfReach,
    Role,
    agencies_for,
    can,
    get_scoped_object_or_404,
    inside_compartment_of,
    open_to_everyone_signed_in,
    outside_compartments,
    permission_of_record,
    permission_required,
    scoped,
)
from .selectors import (
    grants_waiting_for,
    has_second_factor,
    holders_of,
    may_change_email_of,
    needs_approval,
    people_editable_by,
    roles_grantable_by,
    usable_enrolment,
)
from .tables import Column, Table


@public
def sign_in(request):
    return auth_views.LoginView.as_view(
        template_name="core/sign_in.html", authentication_form=SignInForm, redirect_authenticated_user=True
    )(request)


@two_factor_exempt
@require_POST
@open_to_everyone_signed_in
def sign_out(request):
    return auth_views.LogoutView.as_view()(request)


@open_to_everyone_signed_in
def home(request):
    partnership = Partnership.current()
    years = ReportingYear.objects.filter(partnership=partnership)
    agencies = Agency.objects.filter(partnership=partnership, active=True)
    return render(
        request,
        "core/home.html",
        {
            "needs": needs_for(request, today=timezone.localdate()),
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
    today = timezone.localdate()
    table = Table(
        request,
        people,
        [
            Column("Name", lambda p: p.full_name, sort="full_name", link=True),
            Column("Email", lambda p: p.email, sort="email"),
            Column("Agency", lambda p: p.agency, sort="agency__name"),
            Column(
                "Roles", lambda p: ", ".join(sorted(str(r) for r in p.role_assignments.all() if r.is_active_on(today)))
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
    editable = people_editable_by(request.user).filter(pk=pk).exists()
    invitation = person.invitations.order_by("-sent_at").first()
    return render(
        request,
        "core/person_detail.html",
        {
            "person": person,
            "today": timezone.localdate(),
            "assignments": person.role_assignments.select_related("agency", "delegate_for").order_by(
                "ended_on", "role"
            ),
            "grants": person.privileged_grants.filter(assignment__isnull=True).select_related("agency", "requested_by"),
            "can_edit": editable,
            "can_give_roles": editable and bool(roles_grantable_by(request.user)),
            "endable_roles": set(roles_grantable_by(request.user)) if editable else set(),
            "can_change_email": editable and may_change_email_of(request.user, person),
            "can_reset_two_factor": editable and person != request.user and has_second_factor(person),
            "email_change": person.email_changes.filter(confirmed_at__isnull=True, withdrawn_at__isnull=True).first()
            if may_change_email_of(request.user, person)
            else None,
            "invitation": invitation,
            "can_invite": editable and person.is_active and not person.has_usable_password(),
            "can_view_history": can(request.user, Area.PEOPLE, Action.VIEW_HISTORY),
        },
    )


def _agencies_for(user):
    """The agencies a person may attach people to: all for the business unit, their own for an agency lead."""
    return agencies_for(user, Area.PEOPLE, Action.EDIT).filter(active=True)


PERSON_ADDED = "assure_person_added"


@permission_required(Area.PEOPLE, Action.EDIT)
def person_create(request):
    form = PersonCreateForm(request.POST or None, agencies=_agencies_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            added = services.person_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            request.session[PERSON_ADDED] = asdict(added)
            return redirect("core:person-added")
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": "Add a person", "back_url": reverse("core:person-list"), "submit": "Add person"},
        status=400 if request.method == "POST" else 200,
    )


@permission_required(Area.PEOPLE, Action.EDIT)
def person_added(request):
    added = request.session.get(PERSON_ADDED)
    if added is None:
        return redirect("core:person-list")
    return render(request, "core/person_added.html", {"added": added})


@permission_required(Area.PEOPLE, Action.EDIT)
def person_edit(request, pk):
    person = get_object_or_404(people_editable_by(request.user), pk=pk)
    form = PersonForm(request.POST or None, instance=person, agencies=_agencies_for(request.user))
    return form_page(
        request,
        form,
        title=f"Change {person}",
        success_url=person.get_absolute_url(),
        success_message="Saved.",
        back_url=person.get_absolute_url(),
    )


@permission_required(Area.PEOPLE, Action.EDIT)
def person_email_change(request, pk):
    person = get_object_or_404(people_editable_by(request.user), pk=pk)
    if not may_change_email_of(request.user, person):
        raise Http404("No person matches the given query.")
    form = EmailChangeForm(request.POST or None)
    return service_form_page(
        request,
        form,
        title=f"Change {person}'s email address",
        run=lambda data: services.email_change_request(
            person=person, new_email=data["new_email"], requested_by=request.user
        ),
        success_url=person.get_absolute_url(),
        success_message=lambda _: (
            f"We have sent a link to {form.cleaned_data['new_email']}. The address changes when "
            f"it is opened; {person.email} has been told."
        ),
        back_url=person.get_absolute_url(),
    )


@require_POST
@permission_required(Area.PEOPLE, Action.EDIT)
def person_invite(request, pk):
    person = get_object_or_404(people_editable_by(request.user), pk=pk)
    try:
        services.invitation_send(person=person, sent_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Sent a new invitation to {person.email}. Earlier invitation links no longer work.")
    return redirect(person.get_absolute_url())


@permission_required(Area.PEOPLE, Action.EDIT)
def two_factor_reset(request, pk):
    person = get_object_or_404(people_editable_by(request.user).exclude(pk=request.user.pk), pk=pk)
    if request.method == "POST":
        services.two_factor_reset(person=person, reset_by=request.user)
        messages.success(
            request,
            f"Reset {person}'s two-factor sign-in. They have been told, and set it up again when they next sign in.",
        )
        return redirect(person.get_absolute_url())
    return render(request, "core/two_factor_reset.html", {"person": person})


ROLE_REQUEST = "assure_role_request"


def _role_form(request, person, data=None):
    return RoleAssignmentForm(
        data,
        person=person,
        roles=roles_grantable_by(request.user),
        agencies=Agency.objects.filter(active=True),
        lead_partners=holders_of(Role.LEAD_PARTNER),
        initial=_role_terms_kept(request, person),
    )


def _keep_role_terms(request, person, cleaned: dict) -> None:
    """Keep a role form's answers in the session between the form and the check page."""
    request.session[ROLE_REQUEST] = {
        str(person.pk): {
            "role": cleaned["role"],
            "agency": cleaned["agency"].pk if cleaned.get("agency") else None,
            "delegate_for": cleaned["delegate_for"].pk if cleaned.get("delegate_for") else None,
            "started_on": cleaned["started_on"].isoformat(),
        }
    }


def _role_terms_kept(request, person) -> dict | None:
    kept = request.session.get(ROLE_REQUEST, {}).get(str(person.pk))
    if kept is None:
        return None
    return {
        "role": kept["role"],
        "agency": Agency.objects.filter(pk=kept["agency"]).first(),
        "delegate_for": User.objects.filter(pk=kept["delegate_for"]).first(),
        "started_on": date.fromisoformat(kept["started_on"]),
    }


@permission_required(Area.PEOPLE, Action.EDIT)
def role_add(request, pk):
    person = get_object_or_404(people_editable_by(request.user), pk=pk)
    form = _role_form(request, person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if needs_approval(form.cleaned_data["role"]):
            _keep_role_terms(request, person, form.cleaned_data)
            return redirect("core:role-check", pk=person.pk)
        try:
            services.role_give(person=person, given_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, f"{person} now has the role {Role(form.cleaned_data['role']).label}.")
            return redirect(person.get_absolute_url())
    return render(
        request,
        "core/form_page.html",
        {"form": form, "title": f"Give {person} a role", "back_url": person.get_absolute_url(), "submit": "Continue"},
        status=400 if request.method == "POST" else 200,
    )


@permission_required(Area.PEOPLE, Action.EDIT)
def role_check(request, pk):
    """Check your answers before asking for a role that needs another person's approval."""
    person = get_object_or_404(people_editable_by(request.user), pk=pk)
    terms = _role_terms_kept(request, person)
    if terms is None or not needs_approval(terms["role"]):
        return redirect("core:role-add", pk=person.pk)
    error = None
    if request.method == "POST":
        try:
            grant = services.grant_request(person=person, requested_by=request.user, **terms)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            request.session.pop(ROLE_REQUEST, None)
            return redirect("core:grant-requested", pk=grant.pk)
    return render(
        request,
        "core/role_check.html",
        {
            "person": person,
            "terms": terms,
            "role_label": Role(terms["role"]).label,
            "error": error,
        },
        status=400 if error else 200,
    )


@permission_required(Area.PEOPLE, Action.EDIT)
def role_end(request, pk, assignment_pk):
    person = get_object_or_404(people_editable_by(request.user), pk=pk)
    assignment = get_object_or_404(
        RoleAssignment.objects.filter(role__in=roles_grantable_by(request.user)).exclude(
            ended_on__lte=timezone.localdate()
        ),
        pk=assignment_pk,
        user=person,
    )
    if request.method == "POST":
        services.role_end(assignment=assignment, ended_by=request.user)
        messages.success(request, f"Ended the role {assignment}. It gives no access from now on.")
        return redirect(person.get_absolute_url())
    return render(request, "core/role_end.html", {"person": person, "assignment": assignment})


@permission_required(Area.PEOPLE, Action.APPROVE)
def grant_list(request):
    table = Table(
        request,
        grants_waiting_for(request.user),
        [
            Column("Person", lambda g: g.user.full_name, sort="user__full_name", link=True),
            Column("Role", lambda g: g.get_role_display(), sort="role"),
            Column("Agency", lambda g: g.agency or ""),
            Column("Asked for by", lambda g: g.requested_by.full_name, sort="requested_by__full_name"),
            Column("Asked for on", lambda g: g.requested_at, sort="requested_at"),
            Column("Lapses on", lambda g: g.lapses_at),
        ],
        name="roles-waiting-for-approval",
        search_fields=["user__full_name", "requested_by__full_name"],
        default_sort="requested_at",
    )
    return list_page(request, table, "core/grant_list.html", Area.PEOPLE)


@permission_required(Area.PEOPLE, Action.APPROVE)
def grant_detail(request, pk):
    grant = get_scoped_object_or_404(
        PrivilegedGrant.objects.select_related("user", "agency", "requested_by", "approved_by", "refused_by"),
        request.user,
        Action.APPROVE,
        pk=pk,
    )
    error = None
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "approve":
                services.grant_approve(grant=grant, approved_by=request.user)
            elif decision == "refuse":
                services.grant_refuse(grant=grant, refused_by=request.user)
            else:
                raise ValidationError("Choose Approve or Refuse.")
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            messages.success(request, f"{'Approved' if decision == 'approve' else 'Refused'} the role {grant}.")
            return redirect("core:grant-list")
    return render(
        request,
        "core/grant_detail.html",
        {"grant": grant, "error": error, "may_decide": grants_waiting_for(request.user).filter(pk=grant.pk).exists()},
        status=400 if error else 200,
    )


@permission_required(Area.PEOPLE, Action.EDIT)
def grant_requested(request, pk):
    grant = get_object_or_404(PrivilegedGrant.objects.select_related("user"), pk=pk, requested_by=request.user)
    return render(request, "core/grant_requested.html", {"grant": grant})


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
        outside_compartments(AuditEntry.objects.select_related("actor"), request.user),
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
    entry = get_scoped_object_or_404(
        outside_compartments(AuditEntry.objects.select_related("actor"), request.user), request.user, pk=pk
    )
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
        outside_compartments(AccessLogEntry.objects.select_related("user"), request.user),
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


@open_to_everyone_signed_in
def account(request):
    return render(
        request,
        "core/account.html",
        {
            "has_two_factor": has_second_factor(request.user),
            "may_set_up_two_factor": usable_enrolment(request.user) is not None,
            "backup_codes_left": StaticToken.objects.filter(device__user=request.user).count(),
            "roles": request.user.active_role_assignments(),
        },
    )


@open_to_everyone_signed_in
def account_email_change(request):
    form = OwnEmailChangeForm(request.POST or None, user=request.user)
    return service_form_page(
        request,
        form,
        title="Change your email address",
        run=lambda data: services.email_change_request(
            person=request.user, new_email=data["new_email"], requested_by=request.user
        ),
        success_url=reverse("core:account"),
        success_message=lambda _: (
            f"We have sent a link to {form.cleaned_data['new_email']}. Your email address changes "
            "when you open it, and then you sign in again."
        ),
        back_url=reverse("core:account"),
    )


@public
def invitation(request, token):
    """An invited person chooses their password, is signed in, and (if their role needs it) sets up a second factor."""
    try:
        invited = services.invitation_for(token)
    except ValidationError as refusal:
        return render(
            request,
            "core/link_refused.html",
            {"title": "This invitation cannot be used", "refusal": refusal},
            status=404,
        )
    form = SetPasswordForm(invited.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.invitation_accept(invitation=invited, password=form.cleaned_data["new_password1"])
        except ValidationError as refusal:
            add_errors(form, refusal)
        else:
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            if person.needs_two_factor():
                return redirect("core:two-factor-setup")
            messages.success(request, "Your password is set and you are signed in.")
            return redirect("core:home")
    return render(
        request,
        "core/invitation.html",
        {"form": form, "invited": invited.user},
        status=400 if request.method == "POST" else 200,
    )


@public
def email_change_confirm(request, token):
    try:
        change = services.email_change_for(token)
    except ValidationError as refusal:
        return render(
            request, "core/link_refused.html", {"title": "This link cannot be used", "refusal": refusal}, status=404
        )
    if request.method == "POST":
        try:
            person = services.email_change_confirm(change=change)
        except ValidationError as refusal:
            return render(
                request, "core/link_refused.html", {"title": "This link cannot be used", "refusal": refusal}, status=400
            )
        if request.user.is_authenticated:
            logout(request)
        return render(request, "core/email_change_done.html", {"email": person.email})
    return render(request, "core/email_change_confirm.html", {"change": change})


class PasswordResetTokens(PasswordResetTokenGenerator):
    """Reset links that stop working when the person's sessions are ended (an email change, a second-factor reset)."""

    def _make_hash_value(self, user, timestamp):
        ended = user.sessions_ended_at.isoformat() if user.sessions_ended_at else ""
        return f"{super()._make_hash_value(user, timestamp)}{ended}"


password_reset_tokens = PasswordResetTokens()


password_reset = public(
    auth_views.PasswordResetView.as_view(
        form_class=NotifyingPasswordResetForm,
        token_generator=password_reset_tokens,
        template_name="registration/password_reset_form.html",
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
    )
)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Setting a new password from a reset link also lifts any sign-in lock-out on the account.

    It never lets the person set up a second factor: only an invitation or an admin's reset does.
    """

    token_generator = password_reset_tokens

    def form_valid(self, form):
        response = super().form_valid(form)
        forget_failures(form.user.email)
        return response


password_reset_confirm = public(PasswordResetConfirm.as_view())


@permission_of_record(Action.VIEW_HISTORY)
def record_history(request, record_type, pk):
    """The audit trail of one record, for people allowed to see that record and its history (404 for anyone else,
    as for the record itself)."""
    labels = sentences.record_type_labels(record_type)
    if len(labels) != 1:
        raise Http404("No such record type")
    model = apps.get_model(labels[0])
    if not issubclass(model, AuditedModel):
        raise Http404("No such record type")
    record = get_scoped_object_or_404(model._base_manager.all(), request.user, Action.VIEW_HISTORY, pk=pk)
    if not inside_compartment_of(request.user, record):
        raise OutOfReach(record_type=model._meta.label, object_id=pk)
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
@open_to_everyone_signed_in
def two_factor_setup(request):
    if has_second_factor(request.user):
        return redirect(f"{reverse('core:two-factor-verify')}?{urlencode({'next': _safe_next(request)})}")
    if usable_enrolment(request.user) is None:
        # Trust on first use would let whoever holds the password (and so the mailbox) add their own device.
        return render(request, "core/two_factor_unavailable.html", status=403)
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TwoFactorTokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        request.session[BACKUP_CODES] = services.two_factor_enrol(user=request.user, device=device)
        otp_login(request, device)
        return redirect(f"{reverse('core:backup-codes')}?{urlencode({'next': _safe_next(request)})}")
    return render(
        request,
        "core/two_factor_setup.html",
        {"form": form, "secret": b32encode(device.bin_key).decode(), "next": _safe_next(request)},
        status=400 if request.method == "POST" else 200,
    )


BACKUP_CODES = "assure_backup_codes"


@open_to_everyone_signed_in
def backup_codes(request):
    """New backup codes, shown once: straight after set-up, or when the person asks for a fresh set."""
    if request.method == "POST":
        request.session[BACKUP_CODES] = services.backup_codes_replace(user=request.user)
        return redirect("core:backup-codes")
    return render(
        request,
        "core/backup_codes.html",
        {"codes": request.session.pop(BACKUP_CODES, None), "next": _safe_next(request)},
    )


@two_factor_exempt
@open_to_everyone_signed_in
def two_factor_qr_code(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        raise Http404("No two-factor set-up is in progress")
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, svgclass=None, lineclass=None, omitsize=False)
    return HttpResponse(svg, content_type="image/svg+xml")


@two_factor_exempt
@open_to_everyone_signed_in
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


@two_factor_exempt
@open_to_everyone_signed_in
def two_factor_backup_code(request):
    device = StaticDevice.objects.filter(user=request.user, confirmed=True).first()
    form = BackupCodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        left = device.token_set.count()
        messages.info(
            request,
            f"You have {left} backup code{'s' if left != 1 else ''} left. Make new ones from Your account if you are running out.",
        )
        return redirect(_safe_next(request))
    return render(
        request,
        "core/two_factor_backup_code.html",
        {"form": form, "next": _safe_next(request)},
        status=400 if request.method == "POST" else 200,
    )
