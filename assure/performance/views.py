from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assure.core import disclosure, periods
from assure.core.disclosure import SUPPRESSED, disclose
from assure.core.downloads import About, Percent, requested_format, table_download
from assure.core.models import Partnership
from assure.core.pages import form_page, list_page, service_form_page
from assure.core.permissions import (
    Action,
    Area,
    agencies_for,
    can,
    get_scoped_object_or_404,
    permission_required,
    require,
    scoped,
)
from assure.core.tables import Column, Table
from assure.core.uploads import CSV_UPLOAD_LIMIT, accepts_uploads

from . import charts, selectors, services
from .catalogue import AREAS, COUNT, INDICATORS, PERCENT, RATE, in_area
from .engine.indicators import round_half_up
from .filters import AggregateReturnFilter
from .forms import (
    AggregateReturnsCsvForm,
    AggregateReturnStartForm,
    AggregateValuesForm,
    BenchmarksCsvForm,
    CustomPeriodForm,
    IndicatorTargetForm,
    ReasonForm,
)
from .models import AggregateDataset, AggregateReturn, Benchmark, IndicatorResult, IndicatorTarget
from .sources import KIND_LABELS

RETURN_TAGS = {
    AggregateReturn.Status.DRAFT: "grey",
    AggregateReturn.Status.SUBMITTED: "blue",
    AggregateReturn.Status.ACCEPTED: "green",
}

JOURNEY = [
    ("contacts", "Contacts"),
    ("referrals", "Referrals"),
    ("assessments_completed", "Assessments completed"),
    ("s47_enquiries", "Section 47 enquiries"),
    ("icpcs", "Initial conferences"),
    ("cpp_started", "Plans started"),
    ("cla_started", "Started to be looked after"),
]

# "Which figures": the analyst's choice between the working figures and the run in force (decisions.md).
WHICH_FIGURES, WORKING, PUBLISHED = "figures", "working", "published"
TREND_YEARS = 3
# The neglect scorecard's headline figures, each with its previous years and target.
NEGLECT_FIGURES = (
    "cpp_started_neglect_pct",
    "cpp_open_neglect_pct",
    "cpp_open_18m_pct",
    "cpp_repeat_within_2y_neglect_pct",
)


def _figures_shown(request, partnership):
    """The run a page shows, and whether it holds working figures. Everyone sees the run in force; the analyst sees
    the working figures unless they choose the published ones. Anyone else asking for working figures is refused,
    never quietly given the published ones."""
    chosen = request.GET.get(WHICH_FIGURES, "")
    may_choose = can(request.user, Area.CHILD_LEVEL, Action.VIEW)
    if chosen == WORKING:
        require(request.user, Area.CHILD_LEVEL, Action.VIEW)
    publication = selectors.publication_in_force(partnership)
    in_force = publication.run if publication else None
    working = selectors.working_run(partnership) if may_choose else None
    if working is not None and chosen != PUBLISHED:
        return working, publication, working.pk != (in_force.pk if in_force else None)
    return in_force, publication, False


def _dashboard_context(request, *, log_page: bool = True):
    """The run shown, the chosen reporting year, and whether small numbers are hidden (always, unless the analyst
    chose to show them). ``log_page`` is False for chart images, drawn inside a page that is logged already."""
    partnership = Partnership.current()
    run, publication, working = _figures_shown(request, partnership)
    years = selectors.available_years(run)
    requested = request.GET.get("year", "")
    year = int(requested) if requested.isdigit() and int(requested) in years else (years[0] if years else None)
    shown = disclosure.small_numbers_shown(request, log_page=log_page and requested_format(request) is None)
    query = {"year": year} if year else {}
    if request.GET.get(WHICH_FIGURES) == PUBLISHED and publication is not None:
        query[WHICH_FIGURES] = PUBLISHED
    if shown:
        query[disclosure.SMALL_NUMBERS] = disclosure.SHOW
    may_choose = can(request.user, Area.CHILD_LEVEL, Action.VIEW)
    return {
        "partnership": partnership,
        "run": run,
        "publication": publication,
        "working": working,
        # The choice between them exists only when the analyst has both, and they differ.
        "offer_which": may_choose
        and publication is not None
        and selectors.working_run(partnership) is not None
        and selectors.working_run(partnership).pk != publication.run_id,
        "which": PUBLISHED if request.GET.get(WHICH_FIGURES) == PUBLISHED else WORKING,
        "years": years,
        "year": year,
        "public": not shown,
        "small_number_handling": disclosure.small_number_handling(not shown),
        # Carried by the page's download links and chart images, so they show what the page shows.
        "query": urlencode(query),
        "perms_child_level": may_choose,
        "can_publish": can(request.user, Area.CHILD_LEVEL, Action.APPROVE),
    }


def _published_on(publication) -> str:
    return f"{timezone.localtime(publication.published_at):%-d %B %Y}"


def _figures_label(context) -> str:
    """Which figures a page or download holds, in words."""
    if context["working"]:
        last = context["publication"]
        return "Working figures — not published. " + (
            f"Last published {_published_on(last)}" if last else "Nothing has been published yet"
        )
    return (
        f"Published figures, published {_published_on(context['publication'])}"
        if context["publication"]
        else ("Figures not yet published")
    )


def _about(request, context, title: str) -> About:
    """The "About this data" of a download of the figures on a performance page."""
    run = context["run"]
    return About(
        title=f"{title}, {periods.reporting_year_label(context['year'])}",
        figures=f"{_figures_label(context)}; computed {timezone.localtime(run.started_at):%-d %B %Y %H:%M}",
        suppressed=context["public"],
        computed_at=run.started_at,
        sources=[
            f"{source.label}: {source.file_name}"
            for source in run.data_version.sources.select_related("extract").order_by("position")
        ],
        # Each figure's unit, polarity, owner and source are given on the page it was downloaded from.
        definitions_url=request.build_absolute_uri(request.path),
    )


def _typed(indicator, result, *, hidden: bool = False):
    """A figure as a download holds it: a count, a rate to one decimal place, or a percentage as shown."""
    if hidden:
        return SUPPRESSED
    if result is None or result.value is None:
        return None
    if indicator.unit == PERCENT:
        return Percent(round_half_up(result.numerator, result.denominator))
    if indicator.unit == RATE:
        return round_half_up(result.numerator, result.denominator, scale=10_000)
    return result.numerator


def _comparator(indicator, value: float | None):
    """England's figure or a target as typed as the indicator's own figures."""
    if value is None:
        return None
    shown = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Percent(shown) if indicator.unit == PERCENT else shown


def _percent_with_counts(figures: dict | None, public: bool) -> dict | None:
    """A percentage (``value``) and the counts it comes from, all hidden when either count is small."""
    if not figures:
        return None
    numerator = disclosure.disclose_count(figures["numerator"], public=public)
    denominator = disclosure.disclose_count(figures["denominator"], public=public)
    return {**figures, "hidden": numerator.suppressed or denominator.suppressed}


def _figures(result) -> dict | None:
    if result is None:
        return None
    return {"value": result.value, "numerator": result.numerator, "denominator": result.denominator}


def _data_quality_url(context) -> str:
    return f"{reverse('performance:data-quality')}?{context['query']}"


def _trend_years(year: int) -> list[int]:
    return list(range(year - TREND_YEARS + 1, year + 1))


def _trend_alt(indicator, figures) -> str:
    values = ", ".join(f"{figure.label} {figure.shown}" for figure in figures)
    return f"Trend of {indicator.title[0].lower()}{indicator.title[1:]} over three years: {values}."


def _block(context, indicator, quality: dict | None) -> dict:
    """One indicator as a dashboard shows it: this year and the years before from the same run, England, target,
    how it compares, and the data-quality caveats that affect it."""
    run, year, public = context["run"], context["year"], context["public"]
    years = selectors.year_figures(run, indicator, _trend_years(year), public=public)
    this_year = years[-1]
    # England's counts (642,980 referrals) say nothing about one partnership: compare rates and percentages only.
    england = selectors.england_for(indicator.id, year) if indicator.unit != COUNT else None
    target = selectors.target_for(context["partnership"], indicator.id, year)
    hidden = this_year.shown == SUPPRESSED
    return {
        "indicator": indicator,
        "this_year": this_year,
        "last_year": years[-2],
        "years": years,
        "trend_alt": _trend_alt(indicator, years),
        "england": england,
        "target": target,
        "compared": selectors.how_we_compare(indicator, None if hidden else this_year.result, england, target),
        "caveats": selectors.caveats_for(indicator, this_year.result, quality, public=public),
        "data_quality_url": _data_quality_url(context),
        "partial": bool(this_year.result and this_year.result.partial),
    }


def _area_blocks(context, indicators):
    quality = selectors.year_quality(context["run"], context["year"])
    blocks = []
    for indicator in indicators:
        block = _block(context, indicator, quality.checks if quality else None)
        block["rows"] = selectors.indicator_rows(context["run"], indicator, context["year"], public=context["public"])
        blocks.append(block)
    return blocks


def _download(request, context, blocks, title, filename):
    headers = ["Indicator", "Unit", "Period", "Number", "Out of", "Value", "England", "Target", "How we compare"]
    rows = [
        [
            b["indicator"].title,
            b["indicator"].unit,
            row.label,
            SUPPRESSED if row.numerator == SUPPRESSED else (row.result.numerator if row.result else None),
            SUPPRESSED if row.denominator == SUPPRESSED else (row.result.denominator if row.result else None),
            _typed(b["indicator"], row.result, hidden=row.shown == SUPPRESSED),
            _comparator(b["indicator"], b["england"].value if b["england"] else None),
            _comparator(b["indicator"], b["target"].target if b["target"] else None),
            "; ".join(b["compared"].phrases) if row.label.startswith("Year") else "",
        ]
        for b in blocks
        for row in b["rows"]
    ]
    return table_download(
        request,
        fmt=context["export"],
        filename=f"{filename}-{context['year']}",
        headers=headers,
        rows=rows,
        about=_about(request, context, title),
    )


@permission_required(Area.PERFORMANCE)
def dashboard(request):
    context = _dashboard_context(request)
    if context["run"] and context["year"]:
        quality = selectors.year_quality(context["run"], context["year"])
        context["areas"] = [
            {
                "slug": slug,
                "title": title,
                "blocks": [_block(context, i, quality.checks if quality else None) for i in in_area(slug)[:4]],
            }
            for slug, title in AREAS.items()
        ]
        context["last_year_label"] = periods.reporting_year_label(context["year"] - 1)
    return render(request, "performance/dashboard.html", context)


@permission_required(Area.PERFORMANCE)
def area_dashboard(request, area):
    if area not in AREAS:
        raise Http404("No such dashboard")
    context = _dashboard_context(request)
    context.update(area=area, area_title=AREAS[area])
    if context["run"] and context["year"]:
        context["blocks"] = _area_blocks(context, in_area(area))
        if requested_format(request):
            require(request.user, Area.PERFORMANCE, Action.EXPORT)
            context["export"] = requested_format(request)
            return _download(request, context, context["blocks"], AREAS[area], area)
    return render(request, "performance/area.html", context)


@permission_required(Area.PERFORMANCE)
def indicator_chart(request, indicator_id):
    indicator = INDICATORS.get(indicator_id)
    context = _dashboard_context(request, log_page=False)
    if indicator is None or not context["run"] or not context["year"]:
        raise Http404("No such chart")
    rows = selectors.indicator_rows(context["run"], indicator, context["year"], public=context["public"])
    if indicator.unit == COUNT:
        rows = rows[:-1]  # a year's total beside its quarters would flatten them; the table has it
    values = [None if r.shown == "[c]" or r.result is None else r.result.value for r in rows]
    england = selectors.england_for(indicator.id, context["year"]) if indicator.unit != COUNT else None
    svg = charts.bar_chart(
        title=indicator.title,
        labels=[r.label.split(" ")[0] if r.label.startswith("Q") else "Year" for r in rows],
        values=values,
        value_label=indicator.unit,
        reference=england.value if england else None,
        reference_label=f"England {england.period_label}" if england else "",
    )
    return _svg_response(svg)


@permission_required(Area.PERFORMANCE)
def trend_chart(request, indicator_id):
    """The small three-year chart beside a figure; its text alternative (on the page) gives the values."""
    indicator = INDICATORS.get(indicator_id)
    context = _dashboard_context(request, log_page=False)
    if indicator is None or not context["run"] or not context["year"]:
        raise Http404("No such chart")
    figures = selectors.year_figures(context["run"], indicator, _trend_years(context["year"]), public=context["public"])
    values = [
        None if figure.shown in (SUPPRESSED, "No data") else float(selectors.shown_value(indicator, figure.result) or 0)
        for figure in figures
    ]
    return _svg_response(charts.trend_chart(labels=[figure.label for figure in figures], values=values))


def _svg_response(svg: bytes) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml")
    # An SVG shown through <img> runs no script; matplotlib styles its shapes inline.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response._csp_exempt = True
    return response


def _journey_steps(context) -> list[dict]:
    """The numbers of children's records at each step; each step is its own count, so each is hidden on its own."""
    steps = []
    for indicator_id, label in JOURNEY:
        result = selectors.year_result(context["run"], indicator_id, context["year"])
        count = result.numerator if result else None
        hidden = disclosure.disclose_count(count, public=context["public"]).suppressed
        steps.append({"label": label, "count": SUPPRESSED if hidden else count})
    return steps


@permission_required(Area.PERFORMANCE)
def journey(request):
    context = _dashboard_context(request)
    if context["run"] and context["year"]:
        context["steps"] = _journey_steps(context)
        if requested_format(request):
            require(request.user, Area.PERFORMANCE, Action.EXPORT)
            return table_download(
                request,
                fmt=requested_format(request),
                filename=f"childs-journey-{context['year']}",
                headers=["Step", "Number"],
                rows=[[step["label"], step["count"]] for step in context["steps"]],
                about=_about(request, context, "The child's journey"),
            )
    return render(request, "performance/journey.html", context)


@permission_required(Area.PERFORMANCE)
def journey_chart(request):
    context = _dashboard_context(request, log_page=False)
    if not context["run"] or not context["year"]:
        raise Http404("No data")
    steps = _journey_steps(context)
    return _svg_response(
        charts.bar_chart(
            title=f"The child's journey, {periods.reporting_year_label(context['year'])}",
            labels=[step["label"] for step in steps],
            values=[None if step["count"] == SUPPRESSED else step["count"] for step in steps],
            value_label="children's records",
            horizontal=True,
        )
    )


DATA_QUALITY_CHECKS = [
    ("events_after_reference_date", "Dated after the extract's reference date"),
    ("events_before_birth", "More than 270 days before the child's birth"),
    ("date_inversions", "Ending before they start"),
    ("conflicting_dates_of_birth", "Children with conflicting dates of birth"),
    ("children_with_overlapping_plans", "Children with two plans open at once"),
    ("rows_rejected", "Rows rejected on import"),
]


@permission_required(Area.PERFORMANCE)
def data_quality(request):
    context = _dashboard_context(request)
    if context["run"] and context["year"]:
        quality = selectors.year_quality(context["run"], context["year"])
        if quality is not None:
            context.update(_data_quality_figures(context, quality.checks))
        version = context["run"].data_version
        context["year_label"] = periods.reporting_year_label(context["year"])
        context["completeness"] = [
            {"row": row, "sentence": row.sentence.format(year=context["year_label"])}
            for row in selectors.completeness(version, context["year"])
        ]
        if context["perms_child_level"]:
            context["dfe"] = selectors.dfe_rules_in(version)
        if requested_format(request):
            return _data_quality_rows_download(request, version, requested_format(request))
    return render(request, "performance/data_quality.html", context)


def _data_quality_figures(context, checks: dict) -> dict:
    """The page's counts of records and children, each hidden on its own when small."""
    public = context["public"]

    def shown(count):
        return SUPPRESSED if disclosure.disclose_count(count, public=public).suppressed else count

    re_referrals = selectors.year_result(context["run"], "re_referrals_12m_pct", context["year"])
    return {
        "suspected_duplicates": shown(checks.get("suspected_duplicate_referrals")),
        "re_referrals": _percent_with_counts(_figures(re_referrals), public),
        "re_referrals_without_duplicates": _percent_with_counts(
            checks.get("re_referrals_12m_pct_without_suspected_duplicates"), public
        ),
        "checks": [(label, shown(checks.get(key))) for key, label in DATA_QUALITY_CHECKS],
        "left_out": [
            (KIND_LABELS[kind], shown(count)) for kind, count in sorted((checks.get("excluded_by_kind") or {}).items())
        ],
    }


def _data_quality_rows_download(request, data_version, fmt):
    """The records behind the data-quality counts: child-level (pseudonymous) rows, for analysts only."""
    require(request.user, Area.CHILD_LEVEL, Action.EXPORT)
    columns = ["check", "event", "child_id", "file", "sheet", "row"]
    rows = [
        [finding.get(column) for column in columns] for finding in services.data_quality_rows(data_version=data_version)
    ]
    return table_download(
        request,
        fmt=fmt,
        filename=f"data-quality-rows-{data_version.pk}",
        headers=[c.replace("_", " ").title() for c in columns],
        rows=rows,
        about=About(
            title=f"Records behind the data-quality counts of {data_version}",
            figures="Child-level records with pseudonymous identifiers: not for publication",
            computed_at=data_version.created_at,
            sources=[f"{source.label}: {source.file_name}" for source in data_version.sources.order_by("position")],
        ),
        record=data_version,
    )


@permission_required(Area.PERFORMANCE)
def scorecard_neglect(request):
    context = _dashboard_context(request)
    run, year = context["run"], context["year"]
    if run and year:
        first, last = periods.quarter(year - 1, 2), periods.quarter(year, 4)
        long_plans = {
            r.period_end: r
            for r in selectors.series_over_periods(
                run, "cpp_open_18m_pct", IndicatorResult.PeriodKind.QUARTER, first, last
            )
        }
        repeats = {
            r.period_end: r
            for r in run.results.filter(
                indicator_id="cpp_repeat_within_2y_neglect_pct",
                period_kind=IndicatorResult.PeriodKind.ROLLING,
                period_end__gte=first.end,
                period_end__lte=last.end,
            )
        }
        quarter_list = [periods.quarter_of(day) for day in sorted(long_plans)]
        context["quarters"] = [
            {
                "label": q.label,
                "long": _whole_percent(long_plans.get(q.end), context["public"]),
                "repeat": _whole_percent(repeats.get(q.end), context["public"]),
            }
            for q in quarter_list
        ]
        context["started_neglect"] = _percent_with_counts(
            _figures(selectors.year_result(run, "cpp_started_neglect_pct", year)), context["public"]
        )
        context["open_neglect"] = _percent_with_counts(
            _figures(selectors.year_result(run, "cpp_open_neglect_pct", year)), context["public"]
        )
        quality = selectors.year_quality(run, year)
        context["figures"] = [
            _block(context, INDICATORS[indicator_id], quality.checks if quality else None)
            for indicator_id in NEGLECT_FIGURES
        ]
        context["last_year_label"] = periods.reporting_year_label(year - 1)
        context["gcp2"] = _aggregate_table(context, "gcp2")
        if requested_format(request):
            require(request.user, Area.PERFORMANCE, Action.EXPORT)
            rows = [
                [q["label"], *(Percent(p) if isinstance(p, Decimal) else p for p in (q["long"], q["repeat"]))]
                for q in context["quarters"]
            ]
            return table_download(
                request,
                fmt=requested_format(request),
                filename=f"neglect-scorecard-{year}",
                headers=["Quarter", "Plans lasting 18 months or more", "Repeat plans within 2 years, neglect"],
                rows=rows,
                about=_about(request, context, "Neglect scorecard: long and repeat plans by quarter"),
            )
    return render(request, "performance/scorecard_neglect.html", context)


def _whole_percent(result, public: bool):
    """A percentage in whole numbers, or [c] when it is a percentage of a small count."""
    figures = _percent_with_counts(_figures(result), public)
    if figures and figures["hidden"]:
        return SUPPRESSED
    return selectors.whole_percent(result)


def _aggregate_table(context, dataset_code):
    """A quarterly data set's year by quarter, and the year before in total (a quarter not returned leaves it
    empty: a partial year's sum would mislead)."""
    dataset = AggregateDataset.objects.filter(partnership=context["partnership"], code=dataset_code).first()
    if dataset is None:
        return None
    rows = []
    for measure in dataset.measures.all():
        series = selectors.aggregate_series(context["partnership"], dataset_code, measure.code, context["year"])
        values = [value for _, value in series]
        cells = disclose([values], public=context["public"] and measure.counts_people)[0]
        before = [
            value
            for _, value in selectors.aggregate_series(
                context["partnership"], dataset_code, measure.code, context["year"] - 1
            )
        ]
        total = sum(before) if None not in before else None
        previous = disclosure.disclose_count(total, public=context["public"] and measure.counts_people)
        rows.append({"label": measure.label, "cells": cells, "previous": previous})
    return {
        "dataset": dataset,
        "quarters": [f"Q{n}" for n in (1, 2, 3, 4)],
        "previous_label": periods.reporting_year_label(context["year"] - 1),
        "rows": rows,
    }


@permission_required(Area.PERFORMANCE)
def scorecard_exploitation(request):
    context = _dashboard_context(request)
    latest_year = context["partnership"].reporting_years.order_by("-start_year").first()
    context["year"] = context["year"] or (latest_year.start_year if latest_year else None)
    if context["year"]:
        context["exploitation"] = _aggregate_table(context, "exploitation")
        if context["exploitation"] and requested_format(request):
            require(request.user, Area.PERFORMANCE, Action.EXPORT)
            rows = [
                [
                    row["label"],
                    *(SUPPRESSED if cell.suppressed else cell.value for cell in (*row["cells"], row["previous"])),
                ]
                for row in context["exploitation"]["rows"]
            ]
            return table_download(
                request,
                fmt=requested_format(request),
                filename=f"exploitation-scorecard-{context['year']}",
                headers=[
                    "Measure",
                    *context["exploitation"]["quarters"],
                    f"{context['exploitation']['previous_label']} in total",
                ],
                rows=rows,
                about=About(
                    title=f"Exploitation scorecard, {periods.reporting_year_label(context['year'])}",
                    figures="Sums of agencies' accepted quarterly returns; an empty cell is a quarter not returned",
                    suppressed=context["public"],
                    definitions_url=request.build_absolute_uri(request.path),
                ),
            )
    return render(request, "performance/scorecard_exploitation.html", context)


# Agencies' quarterly returns ---------------------------------------------------------------------------------------


def _submitting_agencies(user):
    return agencies_for(user, Area.AGENCY_RETURNS, Action.EDIT).filter(active=True)


@permission_required(Area.AGENCY_RETURNS)
def return_list(request):
    returns = scoped(AggregateReturn.objects.select_related("dataset", "agency"), request.user)
    table = Table(
        request,
        returns,
        [
            Column("Return", lambda r: f"{r.dataset} {r.period.label}", link=True),
            Column("Agency", lambda r: r.agency, sort="agency__name"),
            Column("Year", lambda r: periods.reporting_year_label(r.start_year), sort="start_year"),
            Column("Quarter", lambda r: f"Q{r.quarter}", sort="quarter"),
            Column("Status", lambda r: r.get_status_display(), sort="status", tag=lambda r: RETURN_TAGS[r.status]),
        ],
        name="quarterly-returns",
        search_fields=["agency__name", "dataset__name"],
        filterset_class=AggregateReturnFilter,
        default_sort="-start_year",
    )
    return list_page(
        request,
        table,
        "performance/return_list.html",
        Area.AGENCY_RETURNS,
        can_edit=can(request.user, Area.AGENCY_RETURNS, Action.EDIT),
        can_approve=can(request.user, Area.AGENCY_RETURNS, Action.APPROVE),
    )


@permission_required(Area.AGENCY_RETURNS)
def returns_due(request):
    """The quarterly returns agencies owe (only the late ones with ``?late=yes``), each with its deadline."""
    today = timezone.localdate()
    late_only = request.GET.get("late") == "yes"
    return render(
        request,
        "performance/returns_due.html",
        {
            "owed": selectors.returns_owed_to(request.user, Partnership.current(), today=today, late_only=late_only),
            "late_only": late_only,
            "today": today,
            "working_days": selectors.RETURN_WORKING_DAYS,
            "can_edit": can(request.user, Area.AGENCY_RETURNS, Action.EDIT),
        },
    )


@permission_required(Area.AGENCY_RETURNS, Action.EDIT)
def return_start(request):
    # A return owed can be started from its row on the returns due page, the data set and quarter chosen.
    form = AggregateReturnStartForm(
        request.POST or None,
        partnership=Partnership.current(),
        agencies=_submitting_agencies(request.user),
        initial=request.GET.dict() or None,
    )
    return service_form_page(
        request,
        form,
        title="Start a quarterly return",
        back_url=reverse("performance:return-list"),
        run=lambda data: AggregateReturn.objects.create(**data),
        success_url=lambda aggregate_return: aggregate_return.get_absolute_url(),
        success_message="Started the return. Enter the figures, then submit it.",
    )


@permission_required(Area.AGENCY_RETURNS)
def return_detail(request, pk):
    aggregate_return = get_scoped_object_or_404(
        AggregateReturn.objects.select_related("dataset", "agency"), request.user, pk=pk
    )
    editable = (
        not aggregate_return.is_locked
        and aggregate_return.status == AggregateReturn.Status.DRAFT
        and scoped(AggregateReturn.objects.filter(pk=pk), request.user, Action.EDIT).exists()
    )
    form = AggregateValuesForm(request.POST or None, aggregate_return=aggregate_return)
    if request.method == "POST" and editable and form.is_valid():
        services.aggregate_return_save(aggregate_return=aggregate_return, values=form.cleaned_data, by=request.user)
        if "submit" in request.POST:
            services.aggregate_return_submit(aggregate_return=aggregate_return, by=request.user)
            messages.success(request, "Submitted. The partnership will check and accept the figures.")
        else:
            messages.success(request, "Saved as a draft.")
        return redirect(aggregate_return.get_absolute_url())
    return render(
        request,
        "performance/return_detail.html",
        {
            "aggregate_return": aggregate_return,
            "form": form,
            "editable": editable,
            "values": aggregate_return.values.select_related("measure"),
            "can_approve": can(request.user, Area.AGENCY_RETURNS, Action.APPROVE),
            "reason_form": ReasonForm(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@permission_required(Area.AGENCY_RETURNS, Action.APPROVE)
def return_accept(request, pk):
    aggregate_return = get_scoped_object_or_404(AggregateReturn.objects.all(), request.user, Action.APPROVE, pk=pk)
    try:
        services.aggregate_return_accept(aggregate_return=aggregate_return, by=request.user)
        messages.success(request, "Accepted. The return is locked.")
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(aggregate_return.get_absolute_url())


@permission_required(Area.AGENCY_RETURNS, Action.APPROVE)
def return_reopen(request, pk):
    aggregate_return = get_scoped_object_or_404(AggregateReturn.objects.all(), request.user, Action.APPROVE, pk=pk)
    return service_form_page(
        request,
        ReasonForm(request.POST or None),
        title=f"Reopen {aggregate_return}",
        back_url=aggregate_return.get_absolute_url(),
        success_url=aggregate_return.get_absolute_url(),
        run=lambda data: services.aggregate_return_reopen(
            aggregate_return=aggregate_return, reason=data["reason"], by=request.user
        ),
        success_message="Reopened as a draft. The reason is kept in the return's history.",
    )


@accepts_uploads(CSV_UPLOAD_LIMIT)
@permission_required(Area.AGENCY_RETURNS, Action.APPROVE)
def returns_upload(request, dataset_pk):
    dataset = get_scoped_object_or_404(AggregateDataset.objects.all(), request.user, pk=dataset_pk)
    form = AggregateReturnsCsvForm(request.POST or None, request.FILES or None)
    return service_form_page(
        request,
        form,
        title=f"Upload {dataset} returns",
        back_url=reverse("performance:return-list"),
        run=lambda data: services.aggregate_returns_import_csv(dataset=dataset, rows=form.rows, by=request.user),
        success_url=reverse("performance:return-list"),
        success_message=lambda saved: f"Saved {len(saved)} returns as drafts.",
    )


# Targets, benchmarks and custom periods ---------------------------------------------------------------------------


@permission_required(Area.PERFORMANCE)
def target_list(request):
    targets = IndicatorTarget.objects.filter(partnership=Partnership.current())
    table = Table(
        request,
        targets,
        [
            Column(
                "Indicator",
                lambda t: INDICATORS[t.indicator_id].title if t.indicator_id in INDICATORS else t.indicator_id,
                sort="indicator_id",
            ),
            Column("Year", lambda t: periods.reporting_year_label(t.start_year), sort="start_year"),
            Column("Target", lambda t: t.target, sort="target", numeric=True),
        ],
        name="indicator-targets",
        default_sort="indicator_id",
    )
    return list_page(
        request,
        table,
        "performance/target_list.html",
        Area.PERFORMANCE,
        can_edit=can(request.user, Area.PERFORMANCE, Action.EDIT),
    )


@permission_required(Area.PERFORMANCE, Action.EDIT)
def target_edit(request, pk=None):
    partnership = Partnership.current()
    target = (
        get_scoped_object_or_404(
            IndicatorTarget.objects.filter(partnership=partnership), request.user, Action.EDIT, pk=pk
        )
        if pk
        else None
    )
    form = IndicatorTargetForm(request.POST or None, instance=target, partnership=partnership)
    return form_page(
        request,
        form,
        title="Change a target" if target else "Set a target",
        success_url=reverse("performance:target-list"),
        success_message="Target saved.",
        back_url=reverse("performance:target-list"),
    )


@permission_required(Area.PERFORMANCE)
def benchmark_list(request):
    table = Table(
        request,
        Benchmark.objects.all(),
        [
            Column(
                "Indicator",
                lambda b: INDICATORS[b.indicator_id].title if b.indicator_id in INDICATORS else b.indicator_id,
                sort="indicator_id",
            ),
            Column("Area", lambda b: b.geography, sort="geography"),
            Column("Year", lambda b: b.period_label, sort="period_label"),
            Column("Value", lambda b: b.value, sort="value", numeric=True),
            Column("Source", lambda b: b.source),
        ],
        name="benchmarks",
        search_fields=["indicator_id", "geography", "source"],
        default_sort="indicator_id",
    )
    return list_page(
        request,
        table,
        "performance/benchmark_list.html",
        Area.PERFORMANCE,
        can_edit=can(request.user, Area.PERFORMANCE, Action.EDIT),
    )


@accepts_uploads(CSV_UPLOAD_LIMIT)
@permission_required(Area.PERFORMANCE, Action.EDIT)
def benchmark_upload(request):
    form = BenchmarksCsvForm(request.POST or None, request.FILES or None)
    return service_form_page(
        request,
        form,
        title="Upload benchmark figures",
        back_url=reverse("performance:benchmark-list"),
        run=lambda data: services.benchmarks_load(rows=form.rows, file_name=data["file"].name, by=request.user),
        success_url=reverse("performance:benchmark-list"),
        success_message=lambda count: f"Loaded {count} benchmark figures.",
    )


@permission_required(Area.PERFORMANCE)
def custom_period(request):
    """Every indicator for any period, computed from the latest run's data on each request and never stored."""
    context = _dashboard_context(request)
    form = CustomPeriodForm(
        request.GET or None, partnership=context["partnership"], may_show_small_numbers=context["perms_child_level"]
    )
    if form.is_bound and form.is_valid() and context["run"]:
        results = services.custom_period_compute(
            data_version=context["run"].data_version,
            period_from=form.cleaned_data["period_from"],
            period_to=form.cleaned_data["period_to"],
            population=form.cleaned_data["population"],
        )
        context["period_label"] = results[0].period_label if results else ""
        context["rows"] = [_custom_period_row(INDICATORS[r.indicator_id], r, context["public"]) for r in results]
    context["form"] = form
    return render(
        request, "performance/custom_period.html", context, status=400 if form.is_bound and not form.is_valid() else 200
    )


def _custom_period_row(indicator, result, public: bool) -> dict:
    """One indicator over the period; each is its own count, hidden on its own when small (rates excepted)."""
    numerator = disclosure.disclose_count(result.numerator, public=public and indicator.unit != RATE)
    denominator = disclosure.disclose_count(result.denominator, public=public and indicator.unit == PERCENT)
    hidden = numerator.suppressed or denominator.suppressed
    return {
        "indicator": indicator,
        "partial": result.partial,
        "numerator": SUPPRESSED if numerator.suppressed else result.numerator,
        "denominator": SUPPRESSED if denominator.suppressed else result.denominator,
        "shown": SUPPRESSED if hidden else selectors.display_value(indicator, result),
    }
