from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from assure.actions.selectors import actions_for_sources
from assure.core.models import Partnership
from assure.core.pages import form_page, service_form_page
from assure.core.permissions import Action, Area, can, permission_required

from .. import services
from ..forms import (
    InspectionForm,
    InspectionUpdateForm,
    RecommendationActionForm,
    RecommendationForm,
    SubJudgementForm,
)
from ..models import Inspection, InspectionUpdate, Recommendation, SubJudgement


@permission_required(Area.AUDITS)
def inspection_list(request):
    inspections = Inspection.objects.filter(partnership=Partnership.current()).select_related("agency")
    return render(
        request,
        "audits/inspection_list.html",
        {"inspections": inspections, "can_edit": can(request.user, Area.AUDITS, Action.APPROVE)},
    )


@permission_required(Area.AUDITS)
def inspection_detail(request, pk):
    inspection = get_object_or_404(Inspection, pk=pk, partnership=Partnership.current())
    recommendations = inspection.recommendations.all()
    return render(
        request,
        "audits/inspection_detail.html",
        {
            "inspection": inspection,
            "sub_judgements": inspection.sub_judgements.all(),
            "recommendations": recommendations,
            "actions": actions_for_sources(recommendations, user=request.user),
            "updates": inspection.updates.all(),
            "can_edit": can(request.user, Area.AUDITS, Action.APPROVE),
        },
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def inspection_create(request):
    form = InspectionForm(request.POST or None, partnership=Partnership.current())
    return form_page(
        request,
        form,
        title="Record an inspection or peer review",
        success_url=reverse("audits:inspections"),
        success_message="Recorded the inspection. Add its recommendations, then turn them into actions.",
        back_url=reverse("audits:inspections"),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def inspection_edit(request, pk):
    inspection = get_object_or_404(Inspection, pk=pk, partnership=Partnership.current())
    return form_page(
        request,
        InspectionForm(request.POST or None, instance=inspection, partnership=inspection.partnership),
        title="Change the inspection",
        caption=str(inspection),
        success_url=inspection.get_absolute_url(),
        success_message="Saved the inspection.",
        back_url=inspection.get_absolute_url(),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def inspection_update_add(request, pk):
    inspection = get_object_or_404(Inspection, pk=pk, partnership=Partnership.current())
    return form_page(
        request,
        InspectionUpdateForm(request.POST or None, instance=InspectionUpdate(inspection=inspection)),
        title="Record an update received",
        caption=str(inspection),
        success_url=inspection.get_absolute_url(),
        success_message="Recorded the update.",
        back_url=inspection.get_absolute_url(),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def recommendation_add(request, pk):
    inspection = get_object_or_404(Inspection, pk=pk, partnership=Partnership.current())
    form = RecommendationForm(
        request.POST or None,
        instance=Recommendation(inspection=inspection),
        initial={"number": inspection.recommendations.count() + 1},
    )
    return form_page(
        request,
        form,
        title="Add a recommendation",
        caption=str(inspection),
        success_url=inspection.get_absolute_url(),
        success_message="Added the recommendation.",
        back_url=inspection.get_absolute_url(),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def recommendation_action_create(request, pk):
    """Turn a recommendation (of an inspection, peer review or case audit) into an action on the register."""
    recommendation = get_object_or_404(Recommendation.objects.select_related("inspection", "programme"), pk=pk)
    partnership = Partnership.current()
    if recommendation.parent.partnership_id != partnership.pk:
        raise Http404("No such recommendation")
    form = RecommendationActionForm(
        request.POST or None, partnership=partnership, initial={"text": recommendation.text}
    )
    return service_form_page(
        request,
        form,
        title="Add an action for this recommendation",
        caption=str(recommendation),
        run=lambda data: services.recommendation_to_action(recommendation=recommendation, **data),
        success_url=recommendation.get_absolute_url(),
        success_message="Added the action to the register.",
        back_url=recommendation.get_absolute_url(),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def sub_judgement_add(request, pk):
    inspection = get_object_or_404(Inspection, pk=pk, partnership=Partnership.current())
    return form_page(
        request,
        SubJudgementForm(request.POST or None, instance=SubJudgement(inspection=inspection)),
        title="Add a judgement",
        caption=str(inspection),
        success_url=inspection.get_absolute_url(),
        success_message="Added the judgement.",
        back_url=inspection.get_absolute_url(),
    )
