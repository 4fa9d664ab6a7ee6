from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from assure.core.models import Partnership
from assure.core.pages import form_page, service_form_page
from assure.core.permissions import Action, Area, can, is_partnership_wide, permission_required

from .. import services
from ..forms import FrameworkVersionForm, StandardForm
from ..models import CaseAuditProgramme, EducationAudit, Framework, Inspection, Section11Round, Standard


@permission_required(Area.AUDITS)
def audits_home(request):
    partnership = Partnership.current()
    return render(
        request,
        "audits/home.html",
        {
            "rounds": Section11Round.objects.filter(partnership=partnership),
            "education_audits": EducationAudit.objects.filter(partnership=partnership).select_related("reporting_year"),
            "programmes": CaseAuditProgramme.objects.filter(partnership=partnership),
            "inspections": Inspection.objects.filter(partnership=partnership)[:5],
            "is_business_unit": can(request.user, Area.AUDITS, Action.APPROVE),
            "sees_partnership": is_partnership_wide(request.user, Area.AUDITS, Action.VIEW),
        },
    )


@permission_required(Area.AUDITS)
def framework_list(request):
    frameworks = Framework.objects.filter(partnership=Partnership.current())
    return render(request, "audits/framework_list.html", {"frameworks": frameworks})


@permission_required(Area.AUDITS)
def framework_detail(request, pk):
    framework = get_object_or_404(Framework, pk=pk, partnership=Partnership.current())
    sections: dict[str, list] = {}
    for standard in framework.standards.all():
        sections.setdefault(standard.section, []).append(standard)
    return render(
        request,
        "audits/framework_detail.html",
        {"framework": framework, "sections": sections, "can_edit": can(request.user, Area.AUDITS, Action.APPROVE)},
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def framework_new_version(request, pk):
    framework = get_object_or_404(Framework, pk=pk, partnership=Partnership.current())
    form = FrameworkVersionForm(request.POST or None, framework=framework)
    return service_form_page(
        request,
        form,
        title="Make a new version",
        caption=str(framework),
        run=lambda data: services.framework_new_version(framework=framework, **data),
        success_url=reverse("audits:frameworks"),
        success_message="Made the new version. Change its standards before a round uses it.",
        back_url=framework.get_absolute_url(),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def standard_add(request, pk):
    framework = get_object_or_404(Framework, pk=pk, partnership=Partnership.current())
    return form_page(
        request,
        StandardForm(request.POST or None, framework=framework),
        title="Add a standard",
        caption=str(framework),
        success_url=framework.get_absolute_url(),
        success_message="Added the standard.",
        back_url=framework.get_absolute_url(),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def standard_edit(request, pk):
    standard = get_object_or_404(Standard, pk=pk, framework__partnership=Partnership.current())
    return form_page(
        request,
        StandardForm(request.POST or None, instance=standard, framework=standard.framework),
        title=f"Change standard {standard.number}",
        caption=str(standard.framework),
        success_url=standard.framework.get_absolute_url(),
        success_message="Saved the standard.",
        back_url=standard.framework.get_absolute_url(),
    )
