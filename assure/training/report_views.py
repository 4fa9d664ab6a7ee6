"""The training reports, the charging policy and invoices: partnership-wide pages for the coordinator,
analysts and scrutineers."""

from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from assure.core.downloads import About, Percent, requested_format, table_download
from assure.core.forms import DateField
from assure.core.models import Partnership, Priority, ReportingYear
from assure.core.pages import form_page
from assure.core.pdf import pdf_download
from assure.core.periods import quarter
from assure.core.permissions import (
    Action,
    Area,
    Scope,
    get_agency_or_404,
    permission_required,
    require,
)

from . import selectors, services
from .forms import ChargeRuleForm, YearForm
from .models import ChargeRule, EvaluationResponse, Module
from .views import coordinator_required, is_coordinator

# Training reports and charging cover every agency: for the business unit, analysts and scrutineers.
partnership_wide_required = permission_required(Area.TRAINING, scope=Scope.PARTNERSHIP)


def _year(request, partnership) -> tuple[YearForm, ReportingYear]:
    form = YearForm(request.GET or None, partnership=partnership)
    year = form.chosen()
    if year is None:
        raise Http404("Set up a reporting year first.")
    return form, year


def _export(request, *, filename: str, headers: list[str], rows: list[list], title: str, year: ReportingYear):
    require(request.user, Area.TRAINING, Action.EXPORT)
    return table_download(
        request,
        fmt=requested_format(request),
        filename=filename,
        headers=headers,
        rows=rows,
        about=About(title=f"{title}, {year}", definitions_url=request.build_absolute_uri(request.path)),
    )


def _percent(points):
    return None if points is None else Percent(points)


@partnership_wide_required
def reports(request):
    return render(request, "training/reports.html")


class AttendanceReportForm(YearForm):
    module = forms.ModelChoiceField(label="Module", queryset=None, required=False, empty_label="Every module")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, partnership=partnership, **kwargs)
        self.fields["module"].queryset = Module.objects.filter(partnership=partnership)


@partnership_wide_required
def attendance_report(request):
    partnership = Partnership.current()
    form = AttendanceReportForm(request.GET or None, partnership=partnership)
    year = form.chosen()
    if year is None:
        raise Http404("Set up a reporting year first.")
    module = form.cleaned_data.get("module") if form.is_bound and form.is_valid() else None
    shares = selectors.attendance_by_agency(partnership, period=year.period, module=module)
    if requested_format(request):
        rows = [[share.label, share.count, _percent(share.percent)] for share in shares]
        return _export(
            request,
            filename="training-attendance",
            headers=["Agency", "Attended", "Share (%)"],
            rows=rows,
            title=f"Training attendance by agency{f', {module}' if module else ''}",
            year=year,
        )
    modules = Module.objects.filter(partnership=partnership)
    summaries = selectors.module_summaries(partnership, modules, since=year.period.start, year=year.period)
    context = {
        "form": form,
        "year": year,
        "module": module,
        "trained": selectors.trained_count(partnership, year.period),
        "shares": shares,
        "summaries": [summary for summary in summaries if summary.courses_in_year],
    }
    return render(request, "training/report_attendance.html", context)


class EvaluationReportForm(YearForm):
    priority = forms.ModelChoiceField(label="Priority", queryset=None, required=False, empty_label="All priorities")
    since = DateField(label="Count courses and attendance since", required=False)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, partnership=partnership, **kwargs)
        self.fields["priority"].queryset = Priority.objects.filter(partnership=partnership)


@partnership_wide_required
def evaluation_report(request):
    partnership = Partnership.current()
    form = EvaluationReportForm(request.GET or None, partnership=partnership)
    year = form.chosen()
    if year is None:
        raise Http404("Set up a reporting year first.")
    cleaned = form.cleaned_data if form.is_bound and form.is_valid() else {}
    modules = Module.objects.filter(partnership=partnership)
    if cleaned.get("priority"):
        modules = modules.filter(priority=cleaned["priority"])
    earliest = ReportingYear.objects.filter(partnership=partnership).order_by("start_year").first()
    since = cleaned.get("since") or earliest.period.start
    summaries = [
        s for s in selectors.module_summaries(partnership, modules, since=since, year=year.period) if s.attended_since
    ]
    comparisons = [
        c
        for c in selectors.before_after(modules, period=year.period)
        if c.before["knowledge"].responses or c.after["knowledge"].responses
    ]
    if requested_format(request):
        headers = ["Module", "Measure", "Before", "Responses before", "After", "Responses after", "Attendees"]
        rows = [
            [c.module.code, label, b.value, b.responses, a.value, a.responses, c.attendees]
            for c in comparisons
            for label, b, a in c.rows()
        ]
        return _export(
            request,
            filename="training-evaluation",
            headers=headers,
            rows=rows,
            title="Training evaluation: ratings out of 10 before and after",
            year=year,
        )
    context = {"form": form, "year": year, "since": since, "summaries": summaries, "comparisons": comparisons}
    return render(request, "training/report_evaluation.html", context)


@partnership_wide_required
def workforce_report(request):
    partnership = Partnership.current()
    form, year = _year(request, partnership)
    rows = selectors.workforce_compliance(partnership, year=year)
    if requested_format(request):
        headers = [
            "Agency",
            "Staff in referring or conference roles",
            "Hours attended",
            "Trained (1 module and 3 hours or more)",
            "Compliance (%)",
        ]
        data = [[r.agency.name, r.headcount, r.hours, r.trained, _percent(r.percent)] for r in rows]
        return _export(
            request,
            filename="training-workforce-compliance",
            headers=headers,
            rows=data,
            title="Workforce strategy compliance",
            year=year,
        )
    by_role, people = selectors.trained_by_role(partnership, year=year)
    context = {
        "form": form,
        "year": year,
        "rows": rows,
        "minimum_hours": selectors.STRATEGY_MINIMUM_HOURS,
        "by_role": by_role,
        "people": people,
    }
    return render(request, "training/report_workforce.html", context)


@partnership_wide_required
def needs_report(request):
    partnership = Partnership.current()
    form, year = _year(request, partnership)
    needs = selectors.training_needs(partnership, year=year)
    if requested_format(request):
        return _export(
            request,
            filename="training-needs-analysis",
            headers=selectors.NEEDS_HEADERS,
            rows=selectors.needs_rows(needs),
            title="Training needs analysis, ranked by gap",
            year=year,
        )
    return render(request, "training/report_needs.html", {"form": form, "year": year, "needs": needs})


@partnership_wide_required
def take_up_report(request):
    partnership = Partnership.current()
    form, year = _year(request, partnership)
    tools = [
        (module, *selectors.tool_take_up(module, year=year))
        for module in Module.objects.filter(partnership=partnership).exclude(tool_return="")
    ]
    return render(request, "training/report_take_up.html", {"form": form, "year": year, "tools": tools})


@partnership_wide_required
def impact_report(request):
    partnership = Partnership.current()
    form, year = _year(request, partnership)
    statements = selectors.impact_statements(
        partnership, period=year.period, chosen_only=request.GET.get("chosen") == "yes"
    )
    if requested_format(request):
        headers = ["Module", "Stage", "Agency", "Statement", "Chosen for the annual report"]
        rows = [
            [
                s.booking.course.module.code,
                s.get_stage_display(),
                s.booking.agency.name,
                s.used_in_practice,
                s.chosen_for_annual_report,
            ]
            for s in statements
        ]
        return _export(
            request,
            filename="training-impact-statements",
            headers=headers,
            rows=rows,
            title="Training impact statements",
            year=year,
        )
    context = {
        "form": form,
        "year": year,
        "statements": statements,
        "coordinator": is_coordinator(request.user),
    }
    return render(request, "training/report_impact.html", context)


@require_POST
@coordinator_required
def impact_choose(request, pk):
    response = get_object_or_404(EvaluationResponse, pk=pk, booking__course__module__partnership=Partnership.current())
    response.chosen_for_annual_report = request.POST.get("chosen") == "yes"
    response.save()
    messages.success(
        request,
        "Chosen for the annual report." if response.chosen_for_annual_report else "Removed from the annual report.",
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("training:report-impact")
    return redirect(back)


@partnership_wide_required
def charging(request):
    partnership = Partnership.current()
    form, year = _year(request, partnership)
    income = selectors.income(partnership, year=year)
    return render(
        request,
        "training/charging.html",
        {
            "form": form,
            "year": year,
            "rules": ChargeRule.objects.filter(partnership=partnership).select_related("module"),
            "income": income,
            "year_total": sum((row.total for row in income), Decimal("0.00")),
            "coordinator": is_coordinator(request.user),
        },
    )


@coordinator_required
def charge_rule_edit(request, pk=None):
    partnership = Partnership.current()
    rule = get_object_or_404(ChargeRule, pk=pk, partnership=partnership) if pk else None
    form = ChargeRuleForm(request.POST or None, instance=rule, partnership=partnership)
    return form_page(
        request,
        form,
        title="Change a charging rule" if rule else "Add a charging rule",
        success_url=reverse("training:charging"),
        success_message="Saved the charging policy.",
        back_url=reverse("training:charging"),
    )


@permission_required(Area.TRAINING, Action.EXPORT)
def invoice(request, agency_pk, start_year, number, fmt):
    """One agency's invoice for one quarter; an agency lead can download their own agency's."""
    agency = get_agency_or_404(request.user, Area.TRAINING, Action.EXPORT, agency_pk)
    try:
        period = quarter(start_year, number)
    except ValueError:
        raise Http404("No such quarter") from None
    if fmt not in ("csv", "xlsx", "pdf"):
        raise Http404("Invoices come as CSV, Excel or PDF")
    rows = services.invoice_rows(agency=agency, quarter=period)
    filename = f"training-invoice-{agency.pk}-{period.label.replace(' ', '-')}"
    description = f"Training invoice for {agency}, {period.label}"
    if fmt == "pdf":
        total = sum((row[-1] for row in rows), start=Decimal("0.00"))
        context = {"agency": agency, "period": period, "rows": rows, "total": total, "issued": date.today()}
        return pdf_download(
            request, "training/invoice_pdf.html", context, filename=filename, record=agency, description=description
        )
    return table_download(
        request,
        fmt=fmt,
        filename=filename,
        headers=services.INVOICE_HEADERS,
        rows=rows,
        about=About(title=description),
        record=agency,
    )
