"""The LADO compartment's pages, and the LADO figures page for the partnership's readers.

Every compartment page needs the LADO area: outside it, each answers 404 (``core.permissions``) and is logged as
refused, without its query string. Pages that take what people type about a case hide it from error reports
(``sensitive_post_parameters``). Records are read through ``selectors.visible_allegations``, which keeps restricted
cases to the LADOs named on them, and through ``get_scoped_object_or_404``, which writes each view to the access log.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters

from assure.core.access import log_access
from assure.core.downloads import About, requested_format, table_download
from assure.core.models import Partnership
from assure.core.pages import add_errors, form_page, list_page, service_form_page
from assure.core.periods import reporting_year_label
from assure.core.permissions import Action, Area, can, get_scoped_object_or_404, may, permission_required, require
from assure.core.tables import Column, Table

from . import selectors, services
from .filters import CaseFilter
from .forms import (
    AllegationForm,
    ChildForm,
    CloseForm,
    ConfirmFiguresForm,
    ConsultationForm,
    CorrectionForm,
    DisposalForm,
    EmployerActionForm,
    EnteredYearFiguresForm,
    ImportForm,
    InitialConsiderationForm,
    MeetingForm,
    NoteForm,
    OutcomeForm,
    ParallelProcessForm,
    RegulatorReferralForm,
    SearchForm,
    TimescaleTargetForm,
    TransferForm,
)
from .imports import read_cases
from .models import (
    OUTCOME_DEFINITIONS,
    OUTCOME_SOURCE,
    AllegationImport,
    CaseNote,
    EnteredYearFigures,
    Outcome,
    TimescaleTarget,
)
from .report import OUTCOMES_TITLE

lado_required = permission_required(Area.LADO)
lado_edits = permission_required(Area.LADO, Action.EDIT)


def _allegation(request, pk, action=Action.VIEW):
    allegations = selectors.visible_allegations(request.user, action)
    if action != Action.VIEW:
        allegations = allegations.filter(disposed_on__isnull=True)
    return get_scoped_object_or_404(allegations, request.user, action, pk=pk)


def _consultation(request, pk, action=Action.VIEW):
    consultations = selectors.visible_consultations(request.user, action)
    if action != Action.VIEW:
        consultations = consultations.filter(disposed_on__isnull=True)
    return get_scoped_object_or_404(consultations, request.user, action, pk=pk)


def _log_listing(request, description: str) -> None:
    """A list or search of the compartment shows many records' details: its every view is logged (without the
    search terms: a compartment's paths are logged without their query strings). Downloads log themselves."""
    if not requested_format(request):
        log_access(request, None, description=description)


# Allegations ---------------------------------------------------------------------------------------------------


def _flags(allegation) -> str:
    flags = []
    if allegation.open_longer_than_three_months():
        flags.append("Open over 3 months")
    if allegation.referred_late:
        flags.append("Late referral")
    if allegation.restricted:
        flags.append("Restricted")
    if selectors.known_before(allegation):
        flags.append("Known before")
    return ", ".join(flags)


CASE_COLUMNS = [
    Column("Reference", lambda a: a.reference, sort="reference", link=True),
    Column("Received", lambda a: a.received_on, sort="received_on"),
    Column("Adult", lambda a: a.adult_name, sort="adult_name"),
    Column("Sector", lambda a: a.get_employment_sector_display(), sort="employment_sector"),
    Column("Status", lambda a: a.status.label, tag=lambda a: a.status_colour),
    Column("Flags", _flags),
]


@lado_required
def case_list(request):
    table = Table(
        request,
        selectors.visible_allegations(request.user),
        CASE_COLUMNS,
        name="lado-cases",
        search_fields=["reference", "adult_name", "employer"],
        filterset_class=CaseFilter,
        default_sort="-received_on",
    )
    _log_listing(request, "LADO case list")
    return list_page(
        request, table, "lado/case_list.html", Area.LADO, can_edit=can(request.user, Area.LADO, Action.EDIT)
    )


@lado_edits
@sensitive_post_parameters()
def allegation_create(request):
    form = AllegationForm(request.POST or None, partnership=Partnership.current())
    return _allegation_form_page(request, form, title="Record an allegation", back_url=reverse("lado:case-list"))


def _allegation_form_page(request, form, *, title, back_url, consultation=None):
    return service_form_page(
        request,
        form,
        title=title,
        run=lambda data: services.allegation_save(
            allegation=form.instance,
            by=request.user,
            criteria=data["criteria"],
            summary=data["summary"],
            named_lados=data["named_lados"],
            child_age_band=data.get("child_age_band", ""),
            consultation=consultation,
        ),
        success_url=lambda allegation: allegation.get_absolute_url(),
        success_message=lambda allegation: f"Saved allegation {allegation.reference}.",
        back_url=back_url,
    )


@permission_required(Area.LADO, open_to_grantees=True)
def allegation_detail(request, pk):
    allegation = _allegation(request, pk)
    editable = may(request.user, Action.EDIT, allegation) and not allegation.disposed_on
    notes = list(allegation.notes.select_related("author", "corrects"))
    return render(
        request,
        "lado/allegation_detail.html",
        {
            "allegation": allegation,
            "children": allegation.allegationchild_set.all(),
            "meetings": allegation.meeting_set.prefetch_related("agencies"),
            "processes": allegation.parallelprocess_set.all(),
            "employer_actions": allegation.employeraction_set.all(),
            "referrals": allegation.regulatorreferral_set.all(),
            "transfers": allegation.transfer_set.all(),
            "notes": notes,
            "known_before": selectors.known_before(allegation),
            "consultation": getattr(allegation, "consultation", None),
            "can_edit": editable,
            "can_view_history": can(request.user, Area.LADO, Action.VIEW_HISTORY),
            "can_list": can(request.user, Area.LADO, Action.VIEW),
            "over_three_months": allegation.open_longer_than_three_months(),
        },
    )


@lado_edits
@sensitive_post_parameters()
def allegation_edit(request, pk):
    allegation = _allegation(request, pk, Action.EDIT)
    form = AllegationForm(request.POST or None, instance=allegation, partnership=allegation.partnership)
    return _allegation_form_page(request, form, title=f"Change {allegation}", back_url=allegation.get_absolute_url())


def _case_record_page(request, pk, form_class, *, title, message):
    allegation = _allegation(request, pk, Action.EDIT)
    return form_page(
        request,
        form_class(request.POST or None, allegation=allegation),
        title=title,
        caption=str(allegation),
        success_url=allegation.get_absolute_url(),
        success_message=message,
        back_url=allegation.get_absolute_url(),
    )


@lado_edits
@sensitive_post_parameters()
def child_add(request, pk):
    return _case_record_page(request, pk, ChildForm, title="Add a child", message="Added the child.")


@lado_edits
@sensitive_post_parameters()
def meeting_add(request, pk):
    return _case_record_page(
        request, pk, MeetingForm, title="Record an allegation management meeting", message="Recorded the meeting."
    )


@lado_edits
@sensitive_post_parameters()
def process_add(request, pk):
    return _case_record_page(
        request, pk, ParallelProcessForm, title="Record a parallel process", message="Recorded the process."
    )


@lado_edits
@sensitive_post_parameters()
def employer_action_add(request, pk):
    return _case_record_page(
        request, pk, EmployerActionForm, title="Record an employer action", message="Recorded the employer action."
    )


@lado_edits
@sensitive_post_parameters()
def regulator_referral_add(request, pk):
    return _case_record_page(
        request,
        pk,
        RegulatorReferralForm,
        title="Record a referral to the DBS or a regulator",
        message="Recorded the referral.",
    )


@lado_edits
@sensitive_post_parameters()
def transfer_add(request, pk):
    return _case_record_page(
        request, pk, TransferForm, title="Record a transfer to or from another area", message="Recorded the transfer."
    )


@lado_edits
@sensitive_post_parameters()
def initial_consideration(request, pk):
    allegation = _allegation(request, pk, Action.EDIT)
    return service_form_page(
        request,
        InitialConsiderationForm(request.POST or None),
        title="Record the initial consideration",
        caption=str(allegation),
        run=lambda data: services.initial_consideration_record(allegation=allegation, by=request.user, **data),
        success_url=allegation.get_absolute_url(),
        success_message="Recorded the initial consideration.",
        back_url=allegation.get_absolute_url(),
    )


@lado_edits
@sensitive_post_parameters()
def outcome(request, pk):
    allegation = _allegation(request, pk, Action.EDIT)
    return service_form_page(
        request,
        OutcomeForm(request.POST or None),
        title="Record the outcome",
        caption=str(allegation),
        run=lambda data: services.outcome_record(allegation=allegation, by=request.user, **data),
        success_url=allegation.get_absolute_url(),
        success_message="Recorded the outcome.",
        back_url=allegation.get_absolute_url(),
        template="lado/outcome.html",
        definitions=[(Outcome(value).label, text) for value, text in OUTCOME_DEFINITIONS.items()],
        definitions_source=OUTCOME_SOURCE,
    )


@lado_edits
@sensitive_post_parameters()
def allegation_close(request, pk):
    allegation = _allegation(request, pk, Action.EDIT)
    return service_form_page(
        request,
        CloseForm(request.POST or None, initial={"closed_on": timezone.localdate()}),
        title="Close this case",
        caption=str(allegation),
        run=lambda data: services.allegation_close(allegation=allegation, by=request.user, **data),
        success_url=allegation.get_absolute_url(),
        success_message="Closed the case.",
        back_url=allegation.get_absolute_url(),
        submit="Close the case",
    )


@lado_edits
@sensitive_post_parameters()
def allegation_dispose(request, pk):
    allegation = _allegation(request, pk, Action.EDIT)
    return service_form_page(
        request,
        DisposalForm(request.POST or None),
        title="Dispose of this case",
        caption=str(allegation),
        run=lambda data: services.allegation_dispose(allegation=allegation, reason=data["reason"], by=request.user),
        success_url=allegation.get_absolute_url(),
        success_message="Disposed of the case. Its narrative and notes can no longer be read.",
        back_url=allegation.get_absolute_url(),
        template="lado/dispose.html",
        submit="Dispose of the case",
    )


# Notes ----------------------------------------------------------------------------------------------------------


def _note_page(request, case, form, *, title, run, message):
    return service_form_page(
        request,
        form,
        title=title,
        caption=str(case),
        run=run,
        success_url=case.get_absolute_url(),
        success_message=message,
        back_url=case.get_absolute_url(),
    )


@lado_edits
@sensitive_post_parameters()
def allegation_note_add(request, pk):
    allegation = _allegation(request, pk, Action.EDIT)
    return _note_page(
        request,
        allegation,
        NoteForm(request.POST or None),
        title="Add a note",
        run=lambda data: services.note_add(case=allegation, text=data["text"], by=request.user),
        message="Added the note.",
    )


@lado_edits
@sensitive_post_parameters()
def consultation_note_add(request, pk):
    consultation = _consultation(request, pk, Action.EDIT)
    return _note_page(
        request,
        consultation,
        NoteForm(request.POST or None),
        title="Add a note",
        run=lambda data: services.note_add(case=consultation, text=data["text"], by=request.user),
        message="Added the note.",
    )


@lado_edits
@sensitive_post_parameters()
def note_correct(request, pk):
    note = get_scoped_object_or_404(CaseNote.objects.all(), request.user, Action.EDIT, pk=pk)
    case = note.allegation or note.consultation
    # A restricted case's notes are corrected only by the LADOs who may see it.
    if note.allegation_id:
        _allegation(request, note.allegation_id, Action.EDIT)
    return _note_page(
        request,
        case,
        CorrectionForm(request.POST or None, initial={"text": note.text}),
        title="Correct a note",
        run=lambda data: services.note_add(
            case=case, text=data["text"], by=request.user, corrects=note, reason=data["reason"]
        ),
        message="Added the correction. The original note stays, marked as corrected.",
    )


# Consultations -------------------------------------------------------------------------------------------------


CONSULTATION_COLUMNS = [
    Column("Reference", lambda c: c.reference, sort="reference", link=True),
    Column("Date", lambda c: c.received_on, sort="received_on"),
    Column("Enquirer", lambda c: c.enquirer_agency or c.get_enquirer_sector_display()),
    Column("Adult", lambda c: c.adult_name or "Not known", sort="adult_name"),
    Column("Referred", lambda c: c.referred_as.reference if c.referred_as else "No"),
]


@lado_required
def consultation_list(request):
    table = Table(
        request,
        selectors.visible_consultations(request.user).select_related("referred_as", "enquirer_agency"),
        CONSULTATION_COLUMNS,
        name="lado-consultations",
        search_fields=["reference", "adult_name", "enquirer_role"],
        default_sort="-received_on",
    )
    _log_listing(request, "LADO consultation list")
    return list_page(
        request,
        table,
        "lado/consultation_list.html",
        Area.LADO,
        can_edit=can(request.user, Area.LADO, Action.EDIT),
    )


def _consultation_form_page(request, form, *, title, back_url):
    return service_form_page(
        request,
        form,
        title=title,
        run=lambda data: services.consultation_save(
            consultation=form.instance, by=request.user, concern=data["concern"], advice=data["advice"]
        ),
        success_url=lambda consultation: consultation.get_absolute_url(),
        success_message=lambda consultation: f"Saved consultation {consultation.reference}.",
        back_url=back_url,
    )


@lado_edits
@sensitive_post_parameters()
def consultation_create(request):
    form = ConsultationForm(request.POST or None, partnership=Partnership.current())
    return _consultation_form_page(
        request, form, title="Record a consultation", back_url=reverse("lado:consultation-list")
    )


@lado_required
def consultation_detail(request, pk):
    consultation = _consultation(request, pk)
    return render(
        request,
        "lado/consultation_detail.html",
        {
            "consultation": consultation,
            "notes": consultation.notes.select_related("author", "corrects"),
            "can_edit": may(request.user, Action.EDIT, consultation),
            "can_view_history": can(request.user, Area.LADO, Action.VIEW_HISTORY),
        },
    )


@lado_edits
@sensitive_post_parameters()
def consultation_edit(request, pk):
    consultation = _consultation(request, pk, Action.EDIT)
    form = ConsultationForm(request.POST or None, instance=consultation, partnership=consultation.partnership)
    return _consultation_form_page(
        request, form, title=f"Change {consultation}", back_url=consultation.get_absolute_url()
    )


@lado_edits
@sensitive_post_parameters()
def consultation_refer(request, pk):
    """Turn a consultation into an allegation: the LADO records that it needs initial consideration."""
    consultation = _consultation(request, pk, Action.EDIT)
    if consultation.referred_as_id:
        return redirect(consultation.referred_as.get_absolute_url())
    form = AllegationForm(
        request.POST or None,
        partnership=consultation.partnership,
        initial={
            "received_on": timezone.localdate(),
            "adult_name": consultation.adult_name,
            "adult_date_of_birth": consultation.adult_date_of_birth,
            "referring_agency": consultation.enquirer_agency,
            "employment_sector": consultation.enquirer_sector,
            "summary": consultation.concern,
        },
    )
    return _allegation_form_page(
        request,
        form,
        title="Refer as an allegation",
        back_url=consultation.get_absolute_url(),
        consultation=consultation,
    )


# Search, import -------------------------------------------------------------------------------------------------


@lado_required
def search(request):
    form = SearchForm(request.GET or None)
    allegations = consultations = None
    if form.is_bound and form.is_valid():
        _log_listing(request, "LADO search by name and date of birth")
        allegations, consultations = selectors.search(
            request.user, name=form.cleaned_data["name"], date_of_birth=form.cleaned_data["date_of_birth"]
        )
    return render(
        request,
        "lado/search.html",
        {"form": form, "allegations": allegations, "consultations": consultations},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@lado_edits
@sensitive_post_parameters()
def case_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_cases(upload.read(), upload.name)
            result = services.allegations_import(
                partnership=Partnership.current(), file_name=upload.name, rows=rows, by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect(result.get_absolute_url())
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Import open cases",
            "back_url": reverse("lado:case-list"),
            "back_to": "cases",
            "submit": "Import",
        },
        status=400 if request.method == "POST" else 200,
    )


@lado_required
def import_detail(request, pk):
    result = get_scoped_object_or_404(AllegationImport.objects.all(), request.user, pk=pk)
    return render(request, "lado/import_detail.html", {"result": result})


# Targets, years and figures -------------------------------------------------------------------------------------


@lado_required
def target_list(request):
    table = Table(
        request,
        TimescaleTarget.objects.filter(partnership=Partnership.current()),
        [
            Column("Year", lambda t: reporting_year_label(t.start_year), sort="start_year"),
            Column("Concluded", lambda t: t.get_within_months_display(), link=True),
            Column("Target (%)", lambda t: t.percent, numeric=True),
            Column("Source", lambda t: t.source),
        ],
        name="lado-timescale-targets",
        default_sort="-start_year",
    )
    return list_page(
        request, table, "lado/target_list.html", Area.LADO, can_edit=can(request.user, Area.LADO, Action.EDIT)
    )


@lado_edits
def target_edit(request, pk=None):
    partnership = Partnership.current()
    target = (
        get_scoped_object_or_404(
            TimescaleTarget.objects.filter(partnership=partnership), request.user, Action.EDIT, pk=pk
        )
        if pk
        else None
    )
    return form_page(
        request,
        TimescaleTargetForm(request.POST or None, instance=target, partnership=partnership),
        title="Change a timescale target" if target else "Set a timescale target",
        success_url=reverse("lado:target-list"),
        success_message="Saved the target.",
        back_url=reverse("lado:target-list"),
    )


@lado_required
def year_list(request):
    partnership = Partnership.current()
    years = [
        {
            "start_year": year,
            "label": reporting_year_label(year),
            "figures": selectors.year_figures(partnership, year),
            "confirmation": selectors.latest_confirmation(partnership, year),
            "changed": selectors.changed_since_confirmation(partnership, year),
        }
        for year in selectors.report_years(partnership)
    ]
    return render(
        request, "lado/year_list.html", {"years": years, "can_edit": can(request.user, Area.LADO, Action.EDIT)}
    )


@lado_edits
def year_entered(request, start_year):
    partnership = Partnership.current()
    entered = EnteredYearFigures.objects.filter(partnership=partnership, start_year=start_year).first()
    return form_page(
        request,
        EnteredYearFiguresForm(request.POST or None, instance=entered, partnership=partnership, start_year=start_year),
        title=f"Published figures for {reporting_year_label(start_year)}",
        caption="For a year before the allegation records began",
        success_url=reverse("lado:year-list"),
        success_message="Saved the figures. Confirm them to make them the year's figures.",
        back_url=reverse("lado:year-list"),
    )


@lado_edits
def year_confirm(request, start_year):
    partnership = Partnership.current()
    report = selectors.working_report(partnership, start_year)
    return service_form_page(
        request,
        ConfirmFiguresForm(request.POST or None),
        title=f"Confirm the LADO figures for {reporting_year_label(start_year)}",
        run=lambda data: services.year_confirm(partnership=partnership, start_year=start_year, by=request.user),
        success_url=reverse("lado:year-list"),
        success_message=f"Confirmed the figures for {reporting_year_label(start_year)}.",
        back_url=reverse("lado:year-list"),
        template="lado/year_confirm.html",
        submit="Confirm the figures",
        **_report_context(report),
    )


def _report_context(report) -> dict:
    return {
        "report": report,
        "outcomes_title": OUTCOMES_TITLE,
        "report_breakdowns": [
            ("Referrals by employment sector", report.by_sector),
            ("Referrals by who referred", report.by_referrer),
        ],
        "year_sources": list(zip(report.years, report.sources, report.confirmations, strict=True)),
    }


class ReportYearForm(forms.Form):
    year = forms.TypedChoiceField(label="Reporting year", coerce=int)

    def __init__(self, data, *, years: list[int]):
        super().__init__(data, initial={"year": years[0]})
        self.fields["year"].choices = [(year, reporting_year_label(year)) for year in years]

    def chosen(self, default: int) -> int:
        return self.cleaned_data["year"] if self.is_bound and self.is_valid() else default


def _report_page(request, *, area: Area, confirmed: bool):
    partnership = Partnership.current()
    years = selectors.confirmed_years(partnership) if confirmed else selectors.report_years(partnership)
    form = ReportYearForm(request.GET if "year" in request.GET else None, years=years)
    start_year = form.chosen(years[0])
    if confirmed:
        report = selectors.confirmed_year_figures(partnership, start_year)
    else:
        report = selectors.working_report(partnership, start_year)
    fmt = requested_format(request)
    if fmt:
        require(request.user, area, Action.EXPORT)
        return table_download(
            request,
            fmt=fmt,
            filename=f"lado-figures-{report.year}",
            headers=["Table", "Row", "Year", "Measure", "Value"],
            rows=report.download_rows(),
            about=About(
                title=f"LADO figures, {report.years[0]} to {report.year}",
                figures="Confirmed by the LADO" if confirmed else "As the records stand (not necessarily confirmed)",
                suppressed=report.breakdowns_suppressed,
                definitions_url=request.build_absolute_uri(request.path),
            ),
        )
    return render(
        request,
        "lado/report.html",
        {
            "form": form,
            "confirmed": confirmed,
            "can_export": can(request.user, area, Action.EXPORT),
            **_report_context(report),
        },
    )


@lado_required
def report(request):
    """The annual LADO report as the records stand, for the LADO: nothing suppressed."""
    return _report_page(request, area=Area.LADO, confirmed=False)


@permission_required(Area.LADO_FIGURES)
def figures(request):
    """The LADO figures the LADO confirmed, for the partnership's readers: breakdowns by sector and referrer
    suppressed; no record reachable from here."""
    return _report_page(request, area=Area.LADO_FIGURES, confirmed=True)
