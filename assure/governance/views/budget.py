"""The budget: lines by year, partners' contributions, the training income reconciliation, and in-kind help."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from assure.core.downloads import About, requested_format, table_download
from assure.core.models import Partnership
from assure.core.pages import form_page
from assure.core.permissions import Action, Area, can, get_scoped_object_or_404, permission_required, require
from assure.training.selectors import charges_for_year

from .. import budget, selectors, services
from ..forms import BudgetLineForm, InKindForm
from ..models import BudgetLine, InKindContribution, LineKind, year_label
from .priorities import EVERY_AGENCY, _edits, year_links

SECTIONS = [
    ("Expenditure", (LineKind.EXPENDITURE,)),
    ("Income", (LineKind.CONTRIBUTION, LineKind.OTHER_INCOME)),
    ("Carried forward", (LineKind.CARRY_FORWARD,)),
]


def _download(request, lines, planned, actual, year):
    rows = [[line.name, line.get_kind_display(), line.budget, line.actual, line.variance] for line in lines]
    rows += [
        ["Gross expenditure", "Total", planned.gross_expenditure, actual.gross_expenditure, None],
        ["Gross income", "Total", planned.gross_income, actual.gross_income, None],
        ["Net shortfall / -surplus", "Total", planned.net, actual.net, None],
        ["In-year position before carry forward", "Total", planned.in_year, actual.in_year, None],
    ]
    return table_download(
        request,
        fmt=requested_format(request),
        filename=f"budget-{year}",
        headers=["Line", "Kind", "Budget (£)", "Actual (£)", "Variance (£)"],
        rows=rows,
        about=About(
            title=f"Budget position {year_label(year)}",
            figures="Pounds as the ledger holds them: spending positive, income negative. Totals are computed from "
            "the lines; the in-year position leaves out the carry forward.",
        ),
    )


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def budget_statement(request):
    partnership = Partnership.current()
    year = selectors.chosen_year(request, partnership)
    lines = list(selectors.budget_lines(partnership, year))
    planned, actual = budget.position(lines, "budget"), budget.position(lines, "actual")
    if requested_format(request):
        require(request.user, Area.GOVERNANCE, Action.EXPORT)
        return _download(request, lines, planned, actual, year)
    training_line = next((line for line in lines if line.is_training_income), None)
    return render(
        request,
        "governance/budget.html",
        {
            "year": year,
            "year_label": year_label(year),
            "years": year_links(partnership, year, "governance:budget"),
            "sections": [(title, [line for line in lines if line.kind in kinds]) for title, kinds in SECTIONS],
            "planned": planned,
            "actual": actual,
            "in_year_words": (budget.in_words(planned.in_year), budget.in_words(actual.in_year)),
            "shares": budget.partner_shares(lines),
            "contributions": [line for line in lines if line.kind == LineKind.CONTRIBUTION],
            "training_line": training_line,
            "training_charges": charges_for_year(partnership, start_year=year) if training_line else None,
            "carry_forward_differs": selectors.carry_forward_differs(partnership, year),
            "in_kind": InKindContribution.objects.filter(partnership=partnership, start_year=year).select_related(
                "agency"
            ),
            "can_edit": _edits(request.user),
            "can_export": can(request.user, Area.GOVERNANCE, Action.EXPORT) and bool(lines),
        },
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def budget_line_create(request, start_year):
    partnership = Partnership.current()
    back = f"{reverse('governance:budget')}?year={start_year}"
    return form_page(
        request,
        BudgetLineForm(request.POST or None, partnership=partnership, start_year=start_year),
        title=f"Add a budget line for {year_label(start_year)}",
        success_url=back,
        success_message="Added the line.",
        back_url=back,
        back_to="the budget",
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def budget_line_edit(request, pk):
    partnership = Partnership.current()
    line = get_scoped_object_or_404(
        BudgetLine.objects.filter(partnership=partnership), request.user, Action.EDIT, pk=pk
    )
    return form_page(
        request,
        BudgetLineForm(request.POST or None, instance=line, partnership=partnership, start_year=line.start_year),
        title=f"Change {line}",
        success_url=line.get_absolute_url(),
        success_message="Saved the line.",
        back_url=line.get_absolute_url(),
        back_to="the budget",
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def budget_roll_forward(request, start_year):
    partnership = Partnership.current()
    lines = list(selectors.budget_lines(partnership, start_year))
    closing = budget.position(lines, "actual")
    if request.method == "POST":
        try:
            services.budget_roll_forward(partnership=partnership, start_year=start_year)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(f"{reverse('governance:budget')}?year={start_year}")
        messages.success(request, f"{year_label(start_year + 1)} now carries forward {budget.pounds(closing.net)}.")
        return redirect(f"{reverse('governance:budget')}?year={start_year + 1}")
    return render(
        request,
        "governance/budget_roll_forward.html",
        {
            "year_label": year_label(start_year),
            "next_label": year_label(start_year + 1),
            "start_year": start_year,
            "closing": closing,
            "closing_words": budget.in_words(closing.net),
        },
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def in_kind_create(request, start_year):
    back = f"{reverse('governance:budget')}?year={start_year}"
    return form_page(
        request,
        InKindForm(request.POST or None, partnership=Partnership.current(), start_year=start_year),
        title=f"Record an in-kind contribution for {year_label(start_year)}",
        success_url=back,
        success_message="Recorded the contribution.",
        back_url=back,
        back_to="the budget",
    )
