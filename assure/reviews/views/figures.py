"""Review figures: a reporting year's counts, decisions, timeliness, themes and published reviews, and the decisions
log without child details, for the business unit, the scrutineer and the lead partners as well as the panel."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assure.core.downloads import About, requested_format, table_download
from assure.core.pages import list_page
from assure.core.permissions import Action, Area, can, permission_required, require

from .. import selectors, services
from ..forms import YearForm
from .common import partnership
from .panel import decision_table


@permission_required(Area.REVIEW_FIGURES)
def figures(request):
    today = timezone.localdate()
    form = YearForm(
        request.GET or None,
        years=selectors.figure_years(partnership(), today=today),
        default=selectors.latest_confirmed_year(partnership()),
    )
    start_year = form.chosen()
    current = selectors.year_figures(partnership(), start_year, today=today)
    rows = selectors.figure_rows(current)
    if requested_format(request):
        require(request.user, Area.REVIEW_FIGURES, Action.EXPORT)
        return table_download(
            request,
            fmt=requested_format(request),
            filename=f"review-figures-{current['year']}",
            headers=["Section", "Measure", "Count"],
            rows=[list(row) for row in rows],
            about=About(
                title=f"Case review figures {current['year']}",
                figures="Activity counts, shown as counted: notifications by submission date, rapid reviews by "
                "notification date, local reviews open and deferred at the year end and published in the year.",
                computed_at=timezone.now(),
                definitions_url=request.build_absolute_uri(reverse("reviews:figures")),
            ),
        )
    confirmed = selectors.confirmed_year_figures(partnership(), start_year)
    return render(
        request,
        "reviews/figures.html",
        {
            "form": form,
            "figures": current,
            "rows": rows,
            "confirmed": confirmed,
            "changed": confirmed is not None and selectors.figures_differ(confirmed, current),
            "can_confirm": can(request.user, Area.REVIEW_FIGURES, Action.APPROVE),
            "can_export": can(request.user, Area.REVIEW_FIGURES, Action.EXPORT),
            "query": request.GET.urlencode(),
        },
    )


@require_POST
@permission_required(Area.REVIEW_FIGURES, Action.APPROVE)
def figures_confirm(request, start_year):
    try:
        services.year_figures_confirm(partnership=partnership(), start_year=start_year, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Confirmed the year's figures. The yearly report uses them.")
    return redirect(f"{reverse('reviews:figures')}?year={start_year}")


@permission_required(Area.REVIEW_FIGURES)
def figures_decisions(request):
    """The standing panel's decisions log without child details: when, at which meeting, what kind, about which
    record by its neutral reference (a published review by its name)."""
    table = decision_table(request, selectors.decisions_log(partnership()), name="panel-decisions", with_summary=False)
    return list_page(request, table, "reviews/figures_decisions.html", Area.REVIEW_FIGURES)
