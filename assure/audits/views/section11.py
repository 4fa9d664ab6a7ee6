from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assure.actions.selectors import actions_for_sources
from assure.core.downloads import About, file_download, requested_format, table_download
from assure.core.models import Partnership
from assure.core.pages import service_form_page
from assure.core.permissions import (
    Action,
    Area,
    agencies_for,
    can,
    get_scoped_object_or_404,
    is_partnership_wide,
    may,
    permission_required,
    require,
    scoped,
)
from assure.core.uploads import accepts_uploads

from .. import movement, selectors, services
from ..filters import Section11ReturnFilter
from ..forms import (
    EvidenceUploadForm,
    ModerationForm,
    ProgressUpdateForm,
    RatingChangeForm,
    ReopenForm,
    Section11AnswerForm,
    Section11RoundForm,
)
from ..models import (
    NEEDS_ACTION,
    EvidenceFile,
    Section11Answer,
    Section11ProgressUpdate,
    Section11Return,
    Section11Round,
)
from ..uploads import MAX_EVIDENCE_BYTES


@permission_required(Area.AUDITS)
def round_list(request):
    partnership = Partnership.current()
    returns = selectors.visible_returns(request.user, partnership)
    filters = Section11ReturnFilter(request.GET or None, queryset=returns, request=request)
    filters.filters["round"].queryset = Section11Round.objects.filter(partnership=partnership)
    if filters.is_bound and filters.is_valid():
        returns = filters.qs
    return render(
        request,
        "audits/section11_round_list.html",
        {
            "rounds": Section11Round.objects.filter(partnership=partnership).select_related("framework"),
            "returns": selectors.returns_with_counts(returns).order_by("-round__opens_on", "agency__name"),
            "filters": filters,
            "is_business_unit": can(request.user, Area.AUDITS, Action.APPROVE),
        },
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def round_create(request):
    partnership = Partnership.current()
    form = Section11RoundForm(request.POST or None, partnership=partnership)
    return service_form_page(
        request,
        form,
        title="Open a Section 11 round",
        run=lambda data: services.section11_round_open(partnership=partnership, **data),
        success_url=reverse("audits:section11-rounds"),
        success_message="Opened the round. Each agency chosen now has a return to complete.",
        back_url=reverse("audits:section11-rounds"),
    )


@permission_required(Area.AUDITS)
def round_detail(request, pk):
    round_ = get_object_or_404(Section11Round, pk=pk, partnership=Partnership.current())
    returns = scoped(round_.returns.all(), request.user)
    is_business_unit = can(request.user, Area.AUDITS, Action.APPROVE)
    return render(
        request,
        "audits/section11_round_detail.html",
        {
            "round": round_,
            "returns": selectors.returns_with_counts(returns),
            "summary": selectors.round_summary(round_),
            "weakest": selectors.standards_needing_improvement(round_) if is_business_unit else [],
            "updates": round_.progress_updates.all(),
            "is_business_unit": is_business_unit,
        },
    )


@permission_required(Area.AUDITS)
def return_detail(request, pk):
    section11_return = get_scoped_object_or_404(
        Section11Return.objects.select_related("round", "agency"), request.user, pk=pk
    )
    editable = may(request.user, Action.EDIT, section11_return)
    sections = selectors.return_sections(section11_return)
    return render(
        request,
        "audits/section11_return_detail.html",
        {
            "return": section11_return,
            "sections": sections,
            "actions": actions_for_sources((a for _, answers in sections for a in answers), user=request.user),
            "can_edit": editable and not section11_return.is_locked,
            "is_business_unit": can(request.user, Area.AUDITS, Action.APPROVE),
            "moderation": selectors.moderation_summary(section11_return),
            "rating_counts": selectors.rating_counts(sections),
        },
    )


@permission_required(Area.AUDITS, Action.EDIT)
def answer_edit(request, pk):
    answer = get_scoped_object_or_404(
        Section11Answer.objects.select_related("standard", "section11_return__round"), request.user, Action.EDIT, pk=pk
    )
    back_url = answer.get_absolute_url()
    if answer.section11_return.is_locked:
        messages.error(request, "This return has been submitted and is locked. Ask the business unit to reopen it.")
        return redirect(back_url)
    form = Section11AnswerForm(request.POST or None, instance=answer)
    if request.method == "POST" and form.is_valid():
        services.section11_answer_save(answer=form.instance)
        messages.success(request, f"Saved your answer to standard {answer.standard.number}.")
        return redirect(back_url)
    return render(
        request,
        "audits/section11_answer_form.html",
        {"form": form, "answer": answer, "standard": answer.standard, "back_url": back_url},
        status=400 if request.method == "POST" else 200,
    )


@accepts_uploads(MAX_EVIDENCE_BYTES)
@permission_required(Area.AUDITS, Action.EDIT)
def evidence_upload(request, pk):
    answer = get_scoped_object_or_404(
        Section11Answer.objects.select_related("standard", "section11_return"), request.user, Action.EDIT, pk=pk
    )
    form = EvidenceUploadForm(request.POST or None, request.FILES or None)
    return service_form_page(
        request,
        form,
        title=f"Add evidence for standard {answer.standard.number}",
        caption=str(answer.section11_return),
        run=lambda data: services.section11_evidence_add(answer=answer, upload=data["file"], by=request.user),
        success_url=answer.get_absolute_url(),
        success_message="Uploaded the evidence.",
        back_url=answer.get_absolute_url(),
    )


@permission_required(Area.AUDITS)
def evidence_download(request, pk):
    evidence = get_scoped_object_or_404(EvidenceFile.objects.all(), request.user, pk=pk)
    return file_download(
        request,
        content=evidence.file.open("rb"),
        filename=evidence.original_name,
        content_type=evidence.content_type,
        description=f"Evidence {evidence.original_name} ({evidence.answer})",
        record=evidence,
    )


@require_POST
@permission_required(Area.AUDITS, Action.EDIT)
def evidence_remove(request, pk):
    evidence = get_scoped_object_or_404(EvidenceFile.objects.select_related("answer"), request.user, Action.EDIT, pk=pk)
    try:
        services.section11_evidence_remove(evidence=evidence)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed {evidence.original_name}.")
    return redirect(evidence.answer.get_absolute_url())


@require_POST
@permission_required(Area.AUDITS, Action.EDIT)
def return_submit(request, pk):
    section11_return = get_scoped_object_or_404(Section11Return.objects.all(), request.user, Action.EDIT, pk=pk)
    try:
        actions = services.section11_return_submit(section11_return=section11_return, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Submitted the return. {len(actions)} standards needing improvement are on the action register."
        )
    return redirect(section11_return.get_absolute_url())


@permission_required(Area.AUDITS, Action.APPROVE)
def return_reopen(request, pk):
    section11_return = get_scoped_object_or_404(Section11Return.objects.all(), request.user, Action.APPROVE, pk=pk)
    return service_form_page(
        request,
        ReopenForm(request.POST or None),
        title="Reopen this return",
        caption=str(section11_return),
        run=lambda data: services.section11_return_reopen(section11_return=section11_return, reason=data["reason"]),
        success_url=section11_return.get_absolute_url(),
        success_message="Reopened the return. The agency can change it and submit it again.",
        back_url=section11_return.get_absolute_url(),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def answer_moderate(request, pk):
    answer = get_scoped_object_or_404(
        Section11Answer.objects.select_related("standard", "section11_return__round"),
        request.user,
        Action.APPROVE,
        pk=pk,
    )
    initial = {"agreed_rating": answer.agreed_rating or answer.self_rating, "challenge": answer.challenge}
    form = ModerationForm(request.POST or None, answer=answer, initial=initial)
    return service_form_page(
        request,
        form,
        title=f"Moderate standard {answer.standard.number}",
        caption=f"{answer.section11_return.agency}: self-rated {answer.get_self_rating_display()}",
        back_to="the return",
        run=lambda data: services.section11_answer_moderate(answer=answer, by=request.user, **data),
        success_url=answer.get_absolute_url(),
        success_message=f"Recorded the agreed rating for standard {answer.standard.number}.",
        back_url=answer.get_absolute_url(),
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def progress_update_create(request, pk):
    round_ = get_object_or_404(Section11Round, pk=pk, partnership=Partnership.current())
    form = ProgressUpdateForm(request.POST or None, instance=Section11ProgressUpdate(round=round_))
    return service_form_page(
        request,
        form,
        title="Ask agencies for a progress update",
        caption=round_.name,
        run=lambda data: form.save(),
        success_url=round_.get_absolute_url(),
        success_message="Added the progress update. Agencies can now record changes to their ratings.",
        back_url=round_.get_absolute_url(),
    )


@permission_required(Area.AUDITS)
def progress_update_detail(request, pk):
    update = get_object_or_404(Section11ProgressUpdate, pk=pk, round__partnership=Partnership.current())
    needing_action = Q(self_rating__in=NEEDS_ACTION) | Q(agreed_rating__in=NEEDS_ACTION)
    answers = scoped(
        Section11Answer.objects.filter(needing_action, section11_return__round=update.round), request.user
    ).select_related("standard", "section11_return__agency")
    changes = {change.answer_id: change for change in update.changes.all()}
    ordered = answers.order_by("section11_return__agency__name", "standard__sort_key")
    rows = [(answer, changes.get(answer.pk)) for answer in ordered]
    return render(
        request,
        "audits/section11_progress_update.html",
        {"update": update, "rows": rows, "can_edit": can(request.user, Area.AUDITS, Action.EDIT)},
    )


@permission_required(Area.AUDITS, Action.EDIT)
def rating_change_record(request, pk, answer_pk):
    update = get_object_or_404(Section11ProgressUpdate, pk=pk, round__partnership=Partnership.current())
    answer = get_scoped_object_or_404(
        Section11Answer.objects.filter(section11_return__round=update.round), request.user, Action.EDIT, pk=answer_pk
    )
    existing = update.changes.filter(answer=answer).first()
    form = RatingChangeForm(request.POST or None, instance=existing, initial={"changed_on": timezone.localdate()})
    return service_form_page(
        request,
        form,
        title=f"Standard {answer.standard.number}: rating now",
        caption=f"{answer.section11_return.agency}, rated {movement.LABELS.get(answer.rating, 'not rated')} in {update.round}",
        back_to=str(update),
        run=lambda data: services.section11_rating_change_record(
            progress_update=update, answer=answer, by=request.user, **data
        ),
        success_url=update.get_absolute_url(),
        success_message=f"Recorded the rating of standard {answer.standard.number}.",
        back_url=update.get_absolute_url(),
    )


@permission_required(Area.AUDITS)
def movement_analysis(request):
    partnership = Partnership.current()
    choices = movement.point_choices(partnership)
    start_key = request.GET.get("from") or (choices[0][0] if choices else "")
    # By default, the first round against the next point after it (its first progress update, usually).
    end_key = request.GET.get("to") or (choices[min(1, len(choices) - 1)][0] if choices else "")
    start, end = movement.load_point(partnership, start_key), movement.load_point(partnership, end_key)
    # An agency lead sees their own agency's movement only, never another agency's ratings.
    agencies = (
        None
        if is_partnership_wide(request.user, Area.AUDITS, Action.VIEW)
        else agencies_for(request.user, Area.AUDITS, Action.VIEW)
    )
    result = movement.movement(start, end, agencies) if start and end else None
    if result and requested_format(request):
        require(request.user, Area.AUDITS, Action.EXPORT)
        headers, rows = movement.export_rows(result)
        return table_download(
            request,
            fmt=requested_format(request),
            filename="section-11-movement",
            headers=headers,
            rows=rows,
            about=About(
                title=f"Section 11 movement in ratings, {result.start.label} to {result.end.label}",
                definitions_url=request.build_absolute_uri(request.path),
            ),
        )
    return render(
        request,
        "audits/section11_movement.html",
        {"choices": choices, "start_key": start_key, "end_key": end_key, "result": result, "columns": movement.COLUMNS},
    )
