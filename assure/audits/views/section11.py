from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from assure.actions.selectors import actions_for_sources
from assure.core.downloads import About, file_download, requested_format, table_download
from assure.core.evidence_files import MAX_EVIDENCE_BYTES
from assure.core.models import Partnership
from assure.core.pages import service_form_page
from assure.core.pdf import pdf_download
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

from .. import export, movement, selectors, services
from ..filters import Section11ReturnFilter
from ..forms import (
    DeclarationForm,
    EvidenceUploadForm,
    ModerationCompleteForm,
    ModerationFilterForm,
    ModerationForm,
    ProgressUpdateForm,
    RatingChangeForm,
    ReopenForm,
    ResponseForm,
    Section11AnswerForm,
    Section11RoundForm,
)
from ..models import (
    NEEDS_ACTION,
    NO_ACTION_NEEDED,
    AnswerStatus,
    EvidenceFile,
    Section11Answer,
    Section11ProgressUpdate,
    Section11Return,
    Section11Round,
)


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
            "rounds": [
                (round_, selectors.round_summary(round_))
                for round_ in Section11Round.objects.filter(partnership=partnership).select_related("framework")
            ],
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
    sections = selectors.return_sections(section11_return)
    answers = [answer for _, items in sections for answer in items]
    is_business_unit = can(request.user, Area.AUDITS, Action.APPROVE)
    return render(
        request,
        "audits/section11_return_detail.html",
        {
            "return": section11_return,
            "sections": sections,
            "actions": actions_for_sources(answers, user=request.user),
            "can_edit": may(request.user, Action.EDIT, section11_return) and not section11_return.is_locked,
            "is_business_unit": is_business_unit,
            # The agency sees the agreed ratings once moderation is complete; the business unit as it goes.
            "shows_moderation": is_business_unit or section11_return.moderation_complete,
            "can_respond": may(request.user, Action.EDIT, section11_return) and section11_return.moderation_complete,
            "status_counts": selectors.status_counts(answers),
            "moderation": selectors.moderation_summary(section11_return),
            "rating_counts": selectors.rating_counts(sections),
            "overdue": section11_return.is_overdue(),
        },
    )


def _editable_answer(request, pk):
    return get_scoped_object_or_404(
        Section11Answer.objects.select_related("standard", "section11_return__round", "section11_return__agency"),
        request.user,
        Action.EDIT,
        pk=pk,
    )


@permission_required(Area.AUDITS, Action.EDIT)
def answer_edit(request, pk):
    answer = _editable_answer(request, pk)
    section11_return = answer.section11_return
    if section11_return.is_locked:
        messages.error(request, "This return has been submitted and is locked. Ask the business unit to reopen it.")
        return redirect(answer.get_absolute_url())
    from_check = request.GET.get("from") == "check"
    form = Section11AnswerForm(request.POST or None, instance=answer)
    if request.method == "POST" and form.is_valid():
        services.section11_answer_save(answer=form.instance)
        messages.success(request, f"Saved your answer to standard {answer.standard.number}.")
        return redirect(_after_answer(answer, going_on="next" in request.POST, from_check=from_check))
    return render(
        request,
        "audits/section11_answer_form.html",
        {
            "form": form,
            "answer": answer,
            "standard": answer.standard,
            "evidence_files": answer.evidence_files.all(),
            "from_check": from_check,
            "back_url": _check_url(section11_return) if from_check else section11_return.get_absolute_url(),
        },
        status=400 if request.method == "POST" else 200,
    )


def _check_url(section11_return) -> str:
    return reverse("audits:section11-return-check", args=[section11_return.pk])


def _after_answer(answer, *, going_on: bool, from_check: bool) -> str:
    """Where "Save and go to the next standard" leads: the next standard, or after the last, the check page."""
    section11_return = answer.section11_return
    if from_check:
        return _check_url(section11_return)
    if not going_on:
        return answer.get_absolute_url()
    following = (
        section11_return.answers.filter(standard__sort_key__gt=answer.standard.sort_key)
        .order_by("standard__sort_key")
        .first()
    )
    return reverse("audits:section11-answer-edit", args=[following.pk]) if following else _check_url(section11_return)


@accepts_uploads(MAX_EVIDENCE_BYTES)
@permission_required(Area.AUDITS, Action.EDIT)
def evidence_upload(request, pk):
    answer = _editable_answer(request, pk)
    form = EvidenceUploadForm(request.POST or None, request.FILES or None)
    answer_url = reverse("audits:section11-answer-edit", args=[answer.pk])
    return service_form_page(
        request,
        form,
        title=f"Add evidence for standard {answer.standard.number}",
        caption=str(answer.section11_return),
        run=lambda data: services.section11_evidence_add(answer=answer, upload=data["file"], by=request.user),
        success_url=answer_url,
        success_message="Uploaded the evidence.",
        back_url=answer_url,
        back_to=f"standard {answer.standard.number}",
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
    return redirect(reverse("audits:section11-answer-edit", args=[evidence.answer_id]))


@permission_required(Area.AUDITS, Action.EDIT)
def return_check(request, pk):
    """Check your answers, then the declaration and the submission (GOV.UK check answers pattern)."""
    section11_return = get_scoped_object_or_404(
        Section11Return.objects.select_related("round", "agency"), request.user, Action.EDIT, pk=pk
    )
    if section11_return.is_locked:
        return redirect(section11_return.get_absolute_url())
    sections = selectors.return_sections(section11_return)
    answers = [answer for _, items in sections for answer in items]
    today = timezone.localdate()
    return service_form_page(
        request,
        DeclarationForm(request.POST or None, today=today),
        title="Check your answers before you submit",
        caption=str(section11_return),
        run=lambda data: services.section11_return_submit(
            section11_return=section11_return, by=request.user, today=today, **data
        ),
        success_url=reverse("audits:section11-return-submitted", args=[section11_return.pk]),
        success_message="Submitted the return.",
        back_url=section11_return.get_absolute_url(),
        back_to="the task list",
        template="audits/section11_return_check.html",
        sections=sections,
        section11_return=section11_return,
        blocking=[a for a in answers if a.status in AnswerStatus.blocking_submission()],
    )


@permission_required(Area.AUDITS)
def return_submitted(request, pk):
    section11_return = get_scoped_object_or_404(
        Section11Return.objects.select_related("round", "agency"), request.user, pk=pk
    )
    if not section11_return.is_locked:
        return redirect(section11_return.get_absolute_url())
    return render(request, "audits/section11_return_submitted.html", {"return": section11_return})


@permission_required(Area.AUDITS, Action.EXPORT)
def return_download(request, pk, fmt):
    """The whole return, for the senior leader to read before they approve it: a PDF, or an Excel workbook."""
    section11_return = get_scoped_object_or_404(
        Section11Return.objects.select_related("round", "agency"), request.user, Action.EXPORT, pk=pk
    )
    sections = selectors.return_sections(section11_return)
    filename = slugify(f"{section11_return.agency} {section11_return.round}")
    if fmt == "pdf":
        return pdf_download(
            request,
            "audits/section11_return_pdf.html",
            {
                "return": section11_return,
                "sections": sections,
                "shows_moderation": section11_return.moderation_complete,
            },
            filename=filename,
            record=section11_return,
            description=f"{section11_return.audit_name()} (PDF)",
        )
    if fmt != "xlsx":
        raise Http404("A return downloads as a PDF or an Excel workbook.")
    headers, rows = export.return_rows(sections, with_moderation=section11_return.moderation_complete)
    return table_download(
        request,
        fmt=fmt,
        filename=filename,
        headers=headers,
        rows=rows,
        about=About(title=section11_return.audit_name()[0].upper() + section11_return.audit_name()[1:]),
        record=section11_return,
    )


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


def _moderated_return(request, pk):
    return get_scoped_object_or_404(
        Section11Return.objects.select_related("round", "agency"), request.user, Action.APPROVE, pk=pk
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def moderation(request, pk):
    """The moderator's view of one return: its standards, narrowed by the filters, and how far moderation has got."""
    section11_return = _moderated_return(request, pk)
    filters = ModerationFilterForm(request.GET)
    show = filters.chosen()
    answers = list(selectors.moderation_queue(section11_return, show))
    return render(
        request,
        "audits/section11_moderation.html",
        {
            "return": section11_return,
            "filters": filters,
            "answers": answers,
            "query": urlencode({"show": show}, doseq=True),
            "next": selectors.next_to_moderate(section11_return, show),
            "summary": selectors.moderation_progress(section11_return),
            "no_longer_needed": selectors.actions_no_longer_needed(section11_return, user=request.user),
        },
    )


@permission_required(Area.AUDITS, Action.APPROVE)
def answer_moderate(request, pk):
    answer = get_scoped_object_or_404(
        Section11Answer.objects.select_related("standard", "section11_return__round", "section11_return__agency"),
        request.user,
        Action.APPROVE,
        pk=pk,
    )
    section11_return = answer.section11_return
    show = ModerationFilterForm(request.GET).chosen()
    query = urlencode({"show": show}, doseq=True)
    initial = {
        "agreed_rating": answer.agreed_rating or answer.self_rating,
        "agreed_action": answer.agreed_action or answer.planned_action,
        "challenge": answer.challenge,
    }

    def after(moderated):
        following = selectors.next_to_moderate(section11_return, show, after=moderated)
        if "next" in request.POST and following is not None:
            return f"{reverse('audits:section11-answer-moderate', args=[following.pk])}?{query}"
        return f"{reverse('audits:section11-moderation', args=[section11_return.pk])}?{query}"

    return service_form_page(
        request,
        ModerationForm(request.POST or None, initial=initial),
        title=f"Moderate standard {answer.standard.number}",
        caption=f"{section11_return.agency}, {section11_return.round}",
        back_to="the return's moderation",
        run=lambda data: services.section11_answer_moderate(answer=answer, by=request.user, **data),
        success_url=after,
        success_message=lambda moderated: _moderated_message(request, moderated),
        back_url=f"{reverse('audits:section11-moderation', args=[section11_return.pk])}?{query}",
        template="audits/section11_answer_moderate.html",
        answer=answer,
        evidence_files=answer.evidence_files.all(),
        open_actions=selectors.open_actions_on_standard(answer, user=request.user),
    )


def _moderated_message(request, answer) -> str:
    """What moderating a standard did; a rating agreed as no longer needing action names the open actions it leaves
    without a purpose, for the register's close-as-resolved."""
    message = f"Recorded the agreed rating for standard {answer.standard.number}."
    if answer.agreed_rating in NO_ACTION_NEEDED:
        obsolete = selectors.open_actions_on_standard(answer, user=request.user)
        if obsolete:
            references = ", ".join(action.reference for action in obsolete)
            message += f" The standard no longer needs action {references}: close it as resolved from the register."
    return message


@permission_required(Area.AUDITS, Action.APPROVE)
def moderation_complete(request, pk):
    section11_return = _moderated_return(request, pk)
    answers = selectors.answers_for_return(section11_return)
    return service_form_page(
        request,
        ModerationCompleteForm(request.POST or None),
        title="Complete moderation",
        caption=str(section11_return),
        run=lambda data: services.section11_moderation_complete(
            section11_return=section11_return, by=request.user, months=data["months"]
        ),
        success_url=section11_return.get_absolute_url(),
        success_message=lambda actions: (
            f"Completed moderation. {len(actions)} action{'s' if len(actions) != 1 else ''} "
            "added to the register; the agency has been told."
        ),
        back_url=reverse("audits:section11-moderation", args=[section11_return.pk]),
        back_to="the return's moderation",
        template="audits/section11_moderation_complete.html",
        section11_return=section11_return,
        needing_action=[answer for answer in answers if answer.rating in NEEDS_ACTION],
        waiting=[answer for answer in answers if answer.self_rating in NEEDS_ACTION and not answer.agreed_rating],
    )


@permission_required(Area.AUDITS, Action.EDIT)
def answer_respond(request, pk):
    answer = _editable_answer(request, pk)
    return service_form_page(
        request,
        ResponseForm(request.POST or None, initial={"response": answer.agency_response}),
        title=f"Respond to the challenge on standard {answer.standard.number}",
        caption=str(answer.section11_return),
        run=lambda data: services.section11_answer_respond(answer=answer, response=data["response"]),
        success_url=answer.get_absolute_url(),
        success_message=f"Saved your response on standard {answer.standard.number}.",
        back_url=answer.get_absolute_url(),
        back_to="the return",
        template="audits/section11_answer_respond.html",
        answer=answer,
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
