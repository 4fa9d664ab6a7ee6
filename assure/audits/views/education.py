from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assure.core.models import Partnership
from assure.core.pages import form_page, list_page, service_form_page
from assure.core.permissions import Action, Area, Scope, can, permission_required
from assure.core.tables import Column, Table

from .. import selectors, services
from ..filters import EducationProviderFilter
from ..forms import EducationAuditForm, EducationProviderForm, EducationReturnForm
from ..models import EducationAudit, EducationProvider, EducationReturn


@permission_required(Area.AUDITS, scope=Scope.PARTNERSHIP)
def audit_list(request):
    audits = EducationAudit.objects.filter(partnership=Partnership.current()).select_related("reporting_year")
    return render(
        request,
        "audits/education_audit_list.html",
        {"audits": audits, "can_edit": can(request.user, Area.AUDITS, Action.APPROVE)},
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def audit_create(request):
    partnership = Partnership.current()
    return service_form_page(
        request,
        EducationAuditForm(request.POST or None, partnership=partnership),
        title="Open this year's education audit",
        run=lambda data: services.education_audit_open(partnership=partnership, **data),
        success_url=reverse("audits:education-audits"),
        success_message="Opened the audit for every active provider.",
        back_url=reverse("audits:education-audits"),
    )


@permission_required(Area.AUDITS, scope=Scope.PARTNERSHIP)
def audit_detail(request, pk):
    audit = get_object_or_404(EducationAudit, pk=pk, partnership=Partnership.current())
    return render(
        request,
        "audits/education_audit_detail.html",
        {
            "audit": audit,
            "results": selectors.education_results(audit),
            "can_edit": can(request.user, Area.AUDITS, Action.APPROVE),
        },
    )


@require_POST
@permission_required(Area.AUDITS, Action.APPROVE)
def chase_non_returners(request, pk):
    audit = get_object_or_404(EducationAudit, pk=pk, partnership=Partnership.current())
    chased = services.education_non_returners_chase(audit=audit)
    providers = "1 provider that has" if chased == 1 else f"{chased} providers that have"
    messages.success(request, f"Reminders are on their way to the {providers} not returned the audit.")
    return redirect(audit.get_absolute_url())


@permission_required(Area.AUDITS, Action.APPROVE)
def return_record(request, pk):
    education_return = get_object_or_404(
        EducationReturn.objects.select_related("audit", "provider"), pk=pk, audit__partnership=Partnership.current()
    )
    items = education_return.audit.checklist.standards.all()
    initial = {"returned_on": education_return.returned_on}
    for answer in education_return.answers.all():
        initial[f"item_{answer.item_id}"] = answer.compliance
        initial[f"comment_{answer.item_id}"] = answer.comment
    form = EducationReturnForm(request.POST or None, items=items, initial=initial)
    return service_form_page(
        request,
        form,
        title=f"Return from {education_return.provider}",
        caption=str(education_return.audit),
        run=lambda data: services.education_return_record(
            education_return=education_return, answers=form.answers(), returned_on=data["returned_on"]
        ),
        success_url=education_return.audit.get_absolute_url(),
        success_message=f"Recorded the return from {education_return.provider}.",
        back_url=education_return.audit.get_absolute_url(),
    )


@permission_required(Area.AUDITS, scope=Scope.PARTNERSHIP)
def provider_list(request):
    table = Table(
        request,
        EducationProvider.objects.filter(partnership=Partnership.current()),
        [
            Column("Provider", lambda p: p.name, sort="name", link=True),
            Column("Type", lambda p: p.get_provider_type_display(), sort="provider_type"),
            Column("Phase", lambda p: p.get_phase_display(), sort="phase"),
            Column("URN", lambda p: p.urn),
            Column("Designated safeguarding lead", lambda p: p.safeguarding_lead_email),
        ],
        name="education-providers",
        search_fields=["name", "urn"],
        filterset_class=EducationProviderFilter,
        default_sort="name",
        per_page=50,
    )
    return list_page(
        request,
        table,
        "audits/education_provider_list.html",
        Area.AUDITS,
        back_url=reverse("audits:education-audits"),
        can_edit=can(request.user, Area.AUDITS, Action.APPROVE),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def provider_create(request):
    return form_page(
        request,
        EducationProviderForm(request.POST or None, partnership=Partnership.current()),
        title="Add an education provider",
        success_url=reverse("audits:education-providers"),
        success_message="Added the provider.",
        back_url=reverse("audits:education-providers"),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def provider_edit(request, pk):
    provider = get_object_or_404(EducationProvider, pk=pk, partnership=Partnership.current())
    return form_page(
        request,
        EducationProviderForm(request.POST or None, instance=provider, partnership=provider.partnership),
        title=f"Change {provider}",
        success_url=reverse("audits:education-providers"),
        success_message="Saved the provider.",
        back_url=reverse("audits:education-providers"),
    )
