"""Priorities by year, assurance statements, their evidence rules, drafts and confirmed judgements."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assure.actions.selectors import actions_as_at
from assure.audits.selectors import case_audit_findings_in_year
from assure.core import periods
from assure.core.models import Partnership
from assure.core.pages import form_page, list_page, service_form_page
from assure.core.permissions import (
    Action,
    Area,
    Scope,
    can,
    get_scoped_object_or_404,
    is_partnership_wide,
    permission_required,
)
from assure.core.tables import Column, Table
from assure.performance.selectors import published_figure
from assure.training.selectors import attendance_in_year

from .. import selectors, services
from ..filters import StatementFilter
from ..forms import (
    EvidenceNoteForm,
    EvidenceRuleForm,
    JudgementForm,
    PriorityIndicatorForm,
    PriorityPlanForm,
    PriorityYearStartForm,
    RollOverForm,
    StatementForm,
)
from ..models import (
    SCALE_TAG_COLOURS,
    AssuranceStatement,
    Consultation,
    CoreArea,
    EvidenceRule,
    PriorityIndicator,
    PriorityYear,
    Scale,
    year_label,
)

EVERY_AGENCY = Scope.PARTNERSHIP


def year_links(partnership, chosen: int, name: str) -> list[dict]:
    """Links to the same page for each year governance knows."""
    return [
        {"label": year_label(year), "url": f"{reverse(name)}?year={year}", "current": year == chosen}
        for year in selectors.year_choices(partnership)
    ]


def _edits(user) -> bool:
    return is_partnership_wide(user, Area.GOVERNANCE, Action.EDIT)


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def priority_list(request):
    partnership = Partnership.current()
    year = selectors.chosen_year(request, partnership)
    views = [selectors.statement_view(statement) for statement in selectors.statements(partnership, year)]
    priorities = [
        (priority_year, [view for view in views if view.statement.priority_id == priority_year.priority_id])
        for priority_year in selectors.priority_years(partnership, year)
    ]
    core_business = [
        (label, [view for view in views if view.statement.core_area == value]) for value, label in CoreArea.choices
    ]
    return render(
        request,
        "governance/priority_list.html",
        {
            "year": year,
            "year_label": year_label(year),
            "years": year_links(partnership, year, "governance:priority-list"),
            "priorities": priorities,
            "core_business": core_business,
            "can_edit": _edits(request.user),
        },
    )


def _priority_year(request, pk, action=Action.VIEW) -> PriorityYear:
    years = PriorityYear.objects.filter(priority__partnership=Partnership.current()).select_related("priority")
    return get_scoped_object_or_404(years, request.user, action, pk=pk)


def _training_side_by_side(priority_year: PriorityYear) -> list[dict]:
    partnership = priority_year.priority.partnership
    this_year = attendance_in_year(partnership, start_year=priority_year.start_year, priority=priority_year.priority)
    if this_year is None:
        return []
    last = attendance_in_year(partnership, start_year=priority_year.start_year - 1, priority=priority_year.priority)
    before = {row["code"]: row["attended"] for row in last["modules"]} if last else {}
    return [row | {"last_year": before.get(row["code"], 0)} for row in this_year["modules"]]


def _actions_at_year_end(priority_year: PriorityYear, start_year: int) -> dict:
    """The priority's actions and their statuses at the end of ``start_year`` (today, while it runs)."""
    day = min(periods.reporting_year(start_year).end, timezone.localdate())
    found = actions_as_at(partnership=priority_year.priority.partnership, day=day, priority=priority_year.priority)
    counts = Counter(status.label for _, status in found)
    return {"day": day, "total": len(found), "by_status": sorted(counts.items())}


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def priority_year_detail(request, pk):
    priority_year = _priority_year(request, pk)
    partnership = priority_year.priority.partnership
    start_year = priority_year.start_year
    previous = selectors.previous_year(priority_year)
    period = priority_year.period
    statements = selectors.statements(partnership, start_year).filter(priority=priority_year.priority)
    last_statements = selectors.statements(partnership, start_year - 1).filter(priority=priority_year.priority)
    return render(
        request,
        "governance/priority_year.html",
        {
            "priority_year": priority_year,
            "plan": priority_year.current_plan(),
            "previous": previous,
            "following": PriorityYear.objects.filter(
                priority=priority_year.priority, start_year=start_year + 1
            ).first(),
            "last_year_label": year_label(start_year - 1),
            "indicators": [
                (link, published_figure(partnership, indicator_id=link.indicator_id, start_year=start_year))
                for link in priority_year.indicators.all()
            ],
            "training": _training_side_by_side(priority_year),
            "case_audit": case_audit_findings_in_year(partnership, start_year=start_year, theme=priority_year.priority),
            "case_audit_last_year": case_audit_findings_in_year(
                partnership, start_year=start_year - 1, theme=priority_year.priority
            ),
            "actions": _actions_at_year_end(priority_year, start_year),
            "actions_last_year": _actions_at_year_end(priority_year, start_year - 1),
            "actions_url": f"{reverse('actions:action-list')}?priority={priority_year.priority_id}",
            "statements": [selectors.statement_view(statement) for statement in statements],
            "last_year_statements": [selectors.statement_view(statement) for statement in last_statements],
            "consultations": Consultation.objects.filter(
                priorities=priority_year.priority, held_on__range=(period.start, period.end)
            ),
            "can_edit": _edits(request.user),
            "can_see_history": can(request.user, Area.GOVERNANCE, Action.VIEW_HISTORY),
        },
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def priority_year_create(request):
    partnership = Partnership.current()
    form = PriorityYearStartForm(request.POST or None, partnership=partnership)
    return service_form_page(
        request,
        form,
        title="Plan a priority for a year",
        run=lambda data: services.priority_year_start(priority=data["priority"], start_year=data["start_year"]),
        success_url=lambda priority_year: reverse("governance:priority-plan", args=[priority_year.pk]),
        success_message=lambda priority_year: f"{priority_year} is planned. Set out its plan.",
        back_url=reverse("governance:priority-list"),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def priority_plan(request, pk):
    priority_year = _priority_year(request, pk, Action.EDIT)
    form = PriorityPlanForm(request.POST or None, priority_year=priority_year)
    return service_form_page(
        request,
        form,
        title=f"The plan for {priority_year}",
        caption="Priorities",
        run=lambda data: services.priority_plan_save(priority_year=priority_year, **data),
        success_url=priority_year.get_absolute_url(),
        success_message="Saved the plan.",
        back_url=priority_year.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def priority_indicator_add(request, pk):
    priority_year = _priority_year(request, pk, Action.EDIT)
    form = PriorityIndicatorForm(request.POST or None)

    def link(data):
        if priority_year.indicators.filter(indicator_id=data["indicator_id"]).exists():
            raise ValidationError({"indicator_id": "This indicator is linked already."})
        return PriorityIndicator.objects.create(priority_year=priority_year, indicator_id=data["indicator_id"])

    return service_form_page(
        request,
        form,
        title="Link an indicator",
        caption=str(priority_year),
        run=link,
        success_url=priority_year.get_absolute_url(),
        success_message="Linked the indicator.",
        back_url=priority_year.get_absolute_url(),
        submit="Link the indicator",
    )


@require_POST
@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def priority_indicator_remove(request, pk):
    links = PriorityIndicator.objects.filter(priority_year__priority__partnership=Partnership.current())
    link = get_scoped_object_or_404(links, request.user, Action.EDIT, pk=pk)
    link.delete()
    messages.success(request, "Unlinked the indicator. Link it again at any time.")
    return redirect(link.priority_year.get_absolute_url())


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def priority_roll_over(request, pk):
    priority_year = _priority_year(request, pk, Action.EDIT)

    def done(following):
        return following.get_absolute_url() if following else priority_year.get_absolute_url()

    return service_form_page(
        request,
        RollOverForm(request.POST or None),
        title=f"Decide the future of {priority_year.priority.name}",
        caption=f"End of {priority_year.year_label}",
        run=lambda data: services.priority_roll_over(
            priority_year=priority_year, decision=data["decision"], reason=data["reason"], by=request.user
        ),
        success_url=done,
        success_message=lambda following: (
            f"Recorded the decision. {following} is planned." if following else "Recorded the decision."
        ),
        back_url=priority_year.get_absolute_url(),
        template="governance/roll_over.html",
        priority_year=priority_year,
        submit="Record the decision",
    )


# Statements, rules and judgements ----------------------------------------------------------------------------


def _statement(request, pk, action=Action.VIEW) -> AssuranceStatement:
    statements = AssuranceStatement.objects.filter(partnership=Partnership.current()).select_related("priority")
    return get_scoped_object_or_404(statements, request.user, action, pk=pk)


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def statement_detail(request, pk):
    statement = _statement(request, pk)
    view = selectors.statement_view(statement)
    return render(
        request,
        "governance/statement_detail.html",
        {
            "statement": statement,
            "view": view,
            "earlier": list(statement.judgements.all()[1:]),
            "priority_year": PriorityYear.objects.filter(
                priority=statement.priority_id, start_year=statement.start_year
            ).first()
            if statement.priority_id
            else None,
            "can_edit": _edits(request.user),
            "can_confirm": can(request.user, Area.GOVERNANCE, Action.APPROVE),
            "can_see_history": can(request.user, Area.GOVERNANCE, Action.VIEW_HISTORY),
        },
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def statement_create(request):
    partnership = Partnership.current()
    requested = request.GET.get("year", "")
    start_year = int(requested) if requested.isdigit() else selectors.default_year(partnership)
    form = StatementForm(request.POST or None, partnership=partnership, start_year=start_year)
    return form_page(
        request,
        form,
        title=f"Add an assurance statement for {year_label(start_year)}",
        success_url=f"{reverse('governance:priority-list')}?year={start_year}",
        success_message="Added the statement. Now set the evidence rules that draft its judgement.",
        back_url=f"{reverse('governance:priority-list')}?year={start_year}",
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def statement_edit(request, pk):
    statement = _statement(request, pk, Action.EDIT)
    form = StatementForm(request.POST or None, instance=statement, partnership=statement.partnership, start_year=None)
    return form_page(
        request,
        form,
        title="Change the statement",
        success_url=statement.get_absolute_url(),
        success_message="Saved the statement.",
        back_url=statement.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def rule_create(request, pk):
    statement = _statement(request, pk, Action.EDIT)
    return form_page(
        request,
        EvidenceRuleForm(request.POST or None, statement=statement),
        title="Add an evidence rule",
        caption=statement.text,
        success_url=statement.get_absolute_url(),
        success_message="Added the rule. The draft below uses it.",
        back_url=statement.get_absolute_url(),
    )


def _rule(request, pk) -> EvidenceRule:
    rules = EvidenceRule.objects.filter(statement__partnership=Partnership.current()).select_related("statement")
    return get_scoped_object_or_404(rules, request.user, Action.EDIT, pk=pk)


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def rule_edit(request, pk):
    rule = _rule(request, pk)
    statement = rule.statement
    return form_page(
        request,
        EvidenceRuleForm(request.POST or None, instance=rule, statement=statement),
        title="Change the evidence rule",
        caption=statement.text,
        success_url=statement.get_absolute_url(),
        success_message="Saved the rule.",
        back_url=statement.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def rule_remove(request, pk):
    rule = _rule(request, pk)
    statement = rule.statement
    if request.method == "POST":
        rule.delete()
        messages.success(request, "Removed the rule. Confirmed judgements keep the evidence they were made on.")
        return redirect(statement.get_absolute_url())
    return render(request, "governance/rule_remove.html", {"rule": rule, "statement": statement})


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def evidence_note_add(request, pk):
    statement = _statement(request, pk, Action.EDIT)
    return form_page(
        request,
        EvidenceNoteForm(request.POST or None, statement=statement, by=request.user),
        title="Add evidence",
        caption=statement.text,
        success_url=statement.get_absolute_url(),
        success_message="Added the evidence.",
        back_url=statement.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.APPROVE)
def judgement_confirm(request, pk):
    statement = _statement(request, pk, Action.APPROVE)
    view = selectors.statement_view(statement)
    return service_form_page(
        request,
        JudgementForm(request.POST or None, draft=view.draft.judgement),
        title="Confirm the judgement",
        caption=statement.text,
        run=lambda data: services.judgement_confirm(
            statement=statement, judgement=data["judgement"], rationale=data["rationale"], by=request.user
        ),
        success_url=statement.get_absolute_url(),
        success_message=lambda judgement: f"Confirmed: {judgement.get_judgement_display().lower()}.",
        back_url=statement.get_absolute_url(),
        template="governance/judgement_confirm.html",
        view=view,
        submit="Confirm the judgement",
    )


JUDGEMENT_COLUMNS = [
    Column("Statement", lambda s: s.text, link=True),
    Column("About", lambda s: s.about, sort="priority__name"),
    Column("Year", lambda s: s.year_label, sort="start_year"),
    Column(
        "Judgement",
        lambda s: s.latest_judgement().get_judgement_display() if s.latest_judgement() else "To confirm",
        tag=lambda s: SCALE_TAG_COLOURS[Scale(s.latest_judgement().judgement)] if s.latest_judgement() else "blue",
    ),
    Column("Confirmed", lambda s: s.latest_judgement().confirmed_on if s.latest_judgement() else None),
]


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def judgement_list(request):
    partnership = Partnership.current()
    table = Table(
        request,
        AssuranceStatement.objects.filter(partnership=partnership).select_related("priority"),
        JUDGEMENT_COLUMNS,
        name="assurance-judgements",
        search_fields=["text", "priority__name"],
        filterset_class=StatementFilter,
        default_sort="-start_year",
    )
    return list_page(request, table, "governance/judgement_list.html", Area.GOVERNANCE)
