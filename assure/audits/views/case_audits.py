from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from assure.actions.selectors import actions_for_sources
from assure.core.models import Partnership
from assure.core.pages import form_page, service_form_page
from assure.core.permissions import (
    Action,
    Area,
    Scope,
    can,
    get_scoped_object_or_404,
    may,
    permission_required,
)

from .. import services
from ..forms import (
    AuditedCaseForm,
    CaseAgencyAssignForm,
    CaseAgencyAuditForm,
    CaseAuditFindingForm,
    CaseAuditProgrammeForm,
    RecommendationForm,
)
from ..models import AuditedCase, CaseAgencyAudit, CaseAuditProgramme, FindingKind, Recommendation


@permission_required(Area.AUDITS, scope=Scope.PARTNERSHIP)
def programme_list(request):
    programmes = (
        CaseAuditProgramme.objects.filter(partnership=Partnership.current())
        .select_related("reporting_year")
        .prefetch_related("themes")
        .annotate(
            case_count=Count("cases", distinct=True),
            deep_dives=Count("cases", filter=Q(cases__deep_dive=True), distinct=True),
        )
    )
    return render(
        request,
        "audits/case_audit_list.html",
        {"programmes": programmes, "can_edit": can(request.user, Area.AUDITS, Action.APPROVE)},
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def programme_create(request):
    return form_page(
        request,
        CaseAuditProgrammeForm(request.POST or None, partnership=Partnership.current()),
        title="Plan a case file audit",
        success_url=reverse("audits:case-audits"),
        success_message="Added the audit. Add its cases, then ask agencies to audit them.",
        back_url=reverse("audits:case-audits"),
    )


@permission_required(Area.AUDITS, scope=Scope.PARTNERSHIP)
def programme_detail(request, pk):
    programme = get_object_or_404(CaseAuditProgramme, pk=pk, partnership=Partnership.current())
    cases = programme.cases.select_related("theme").annotate(agencies=Count("agency_audits"))
    recommendations = programme.recommendations.all()
    return render(
        request,
        "audits/case_audit_programme.html",
        {
            "programme": programme,
            "cases": cases,
            "deep_dive_by_theme": programme.cases.filter(deep_dive=True)
            .values("theme__name")
            .annotate(n=Count("pk"))
            .order_by("theme__name"),
            "strengths": programme.findings.filter(kind=FindingKind.STRENGTH),
            "improvements": programme.findings.filter(kind=FindingKind.IMPROVEMENT),
            "recommendations": recommendations,
            "actions": actions_for_sources(recommendations, user=request.user),
            "can_edit": can(request.user, Area.AUDITS, Action.APPROVE),
        },
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def case_create(request, pk):
    programme = get_object_or_404(CaseAuditProgramme, pk=pk, partnership=Partnership.current())
    return form_page(
        request,
        AuditedCaseForm(request.POST or None, programme=programme),
        title="Add a case to the audit",
        caption=programme.name,
        success_url=programme.get_absolute_url(),
        success_message="Added the case.",
        back_url=programme.get_absolute_url(),
    )


@permission_required(Area.AUDITS, scope=Scope.PARTNERSHIP)
def case_detail(request, pk):
    case = get_scoped_object_or_404(
        AuditedCase.objects.filter(programme__partnership=Partnership.current()), request.user, pk=pk
    )
    audits = case.agency_audits.select_related("agency", "auditor").prefetch_related("answers__question")
    return render(
        request,
        "audits/case_audit_case.html",
        {"case": case, "agency_audits": audits, "can_edit": can(request.user, Area.AUDITS, Action.APPROVE)},
    )


@permission_required(Area.AUDITS)
def agency_audit_detail(request, pk):
    agency_audit = get_scoped_object_or_404(
        CaseAgencyAudit.objects.select_related("case__programme", "agency"), request.user, pk=pk
    )
    return render(
        request,
        "audits/case_agency_audit.html",
        {
            "agency_audit": agency_audit,
            "answers": agency_audit.answers.select_related("question"),
            "is_business_unit": can(request.user, Area.AUDITS, Action.APPROVE),
            "can_edit": may(request.user, Action.EDIT, agency_audit),
        },
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def recommendation_add(request, pk):
    programme = get_object_or_404(CaseAuditProgramme, pk=pk, partnership=Partnership.current())
    next_number = programme.recommendations.count() + 1
    form = RecommendationForm(
        request.POST or None, instance=Recommendation(programme=programme), initial={"number": next_number}
    )
    return form_page(
        request,
        form,
        title="Add a recommendation",
        caption=programme.name,
        success_url=programme.get_absolute_url(),
        success_message="Added the recommendation. Turn it into actions for the agencies that must act.",
        back_url=reverse("audits:case-audit-programme", args=[programme.pk]),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def agency_assign(request, pk):
    case = get_object_or_404(AuditedCase, pk=pk, programme__partnership=Partnership.current())
    return form_page(
        request,
        CaseAgencyAssignForm(request.POST or None, case=case),
        title="Ask an agency to audit this case",
        caption=f"Case {case}",
        success_url=case.get_absolute_url(),
        success_message="Added the agency. Its safeguarding lead can now complete the audit tool for this case.",
        back_url=case.get_absolute_url(),
    )


@permission_required(Area.AUDITS, Action.EDIT)
def agency_audit_record(request, pk):
    agency_audit = get_scoped_object_or_404(
        CaseAgencyAudit.objects.select_related("case__programme__tool"), request.user, Action.EDIT, pk=pk
    )
    initial = {}
    for answer in agency_audit.answers.all():
        initial[f"grade_{answer.question_id}"] = answer.grade
        initial[f"comment_{answer.question_id}"] = answer.comment
    form = CaseAgencyAuditForm(
        request.POST or None, questions=agency_audit.case.programme.tool.standards.all(), initial=initial
    )
    return service_form_page(
        request,
        form,
        title=f"Audit of case {agency_audit.case}",
        caption=str(agency_audit.agency),
        run=lambda data: services.case_agency_audit_record(
            agency_audit=agency_audit, answers=form.answers(), by=request.user
        ),
        success_url=agency_audit.get_absolute_url(),
        success_message="Saved your agency's audit of the case.",
        back_url=agency_audit.get_absolute_url(),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def finding_add(request, pk):
    programme = get_object_or_404(CaseAuditProgramme, pk=pk, partnership=Partnership.current())
    return form_page(
        request,
        CaseAuditFindingForm(request.POST or None, programme=programme),
        title="Add a finding",
        caption=programme.name,
        success_url=programme.get_absolute_url(),
        success_message="Added the finding.",
        back_url=programme.get_absolute_url(),
    )
