from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assure.core.models import Partnership
from assure.core.pages import form_page, list_page, service_form_page
from assure.core.permissions import Action as Permission
from assure.core.permissions import (
    Area,
    agencies_for,
    can,
    get_scoped_object_or_404,
    may,
    permission_required,
)
from assure.core.tables import Column, Table

from . import selectors, services
from .filters import ActionFilter
from .forms import ActionForm, ActionUpdateForm, ClosureRequestForm, ConfirmForm, EscalationForm, ReasonForm
from .models import Action

# Eight columns fit the page; the CSV and Excel downloads carry the same ones.
COLUMNS = [
    Column("Ref", lambda a: a.reference, sort="pk", link=True),
    Column("Action", lambda a: a.text),
    # Source labels already name their source ("Section 11 audit 2018-19, standard 8.6").
    Column("From", lambda a: a.source_label, sort="source_kind"),
    Column("Owner", lambda a: f"{a.agency} ({a.owner})" if a.owner else str(a.agency), sort="agency__name"),
    Column("Priority", lambda a: a.priority or ""),
    Column("Due", lambda a: a.due_date, sort="due_date"),
    Column("Last update", lambda a: a.last_update_on, sort="last_update_on"),
    Column(
        "Status",
        lambda a: f"{a.status.label}, escalated" if a.escalated_on else a.status.label,
        sort="derived_status",
        tag=lambda a: "red" if a.escalated_on else a.status_colour,
    ),
]


def _table(request, actions, name):
    # Unless a column is chosen, the register reads open actions first, overdue at the top (selectors.in_register_order).
    return Table(
        request,
        selectors.in_register_order(actions),
        COLUMNS,
        name=name,
        search_fields=["text", "source_label", "agency__name", "owner__full_name"],
        filterset_class=ActionFilter,
    )


@permission_required(Area.ACTIONS)
def action_list(request):
    actions = selectors.visible_actions(user=request.user)
    table = _table(request, actions, "action-register")
    return list_page(
        request,
        table,
        "actions/action_list.html",
        Area.ACTIONS,
        counts=selectors.status_counts(actions),
        can_create=can(request.user, Area.ACTIONS, Permission.EDIT),
    )


@permission_required(Area.ACTIONS)
def my_actions(request):
    actions = selectors.answerable_by(request.user, Partnership.current())
    table = _table(request, actions, "my-actions")
    return list_page(request, table, "actions/my_actions.html", Area.ACTIONS, counts=selectors.status_counts(actions))


@permission_required(Area.ACTIONS)
def action_detail(request, pk):
    action = get_scoped_object_or_404(selectors.register(Partnership.current()), request.user, pk=pk)
    editable = may(request.user, Permission.EDIT, action)
    can_approve = can(request.user, Area.ACTIONS, Permission.APPROVE)
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "updates": action.updates.select_related("by"),
            "can_edit": editable and not action.closed_on,
            "can_approve": can_approve,
            "resolution": selectors.resolution_of(action) if can_approve else None,
            "can_view_history": can(request.user, Area.ACTIONS, Permission.VIEW_HISTORY),
        },
    )


@permission_required(Area.ACTIONS, Permission.APPROVE)
def action_close_as_resolved(request, pk):
    """Are you sure? Closing an action its source no longer needs, with that source as the evidence."""
    action = get_scoped_object_or_404(Action.objects.open(), request.user, Permission.APPROVE, pk=pk)
    return service_form_page(
        request,
        ConfirmForm(request.POST if request.method == "POST" else None),
        title=f"Close action {action.reference} as resolved?",
        caption=action.source_label,
        run=lambda data: services.action_close_as_resolved(action=action, by=request.user),
        success_url=action.get_absolute_url(),
        success_message=f"Closed action {action.reference} as resolved; whoever answers for it has been told.",
        back_url=action.get_absolute_url(),
        back_to=f"action {action.reference}",
        template="actions/action_close_as_resolved.html",
        action=action,
        resolution=selectors.resolution_of(action),
    )


def _agencies_for(user):
    return agencies_for(user, Area.ACTIONS, Permission.EDIT).filter(active=True)


@permission_required(Area.ACTIONS, Permission.EDIT)
def action_create(request):
    form = ActionForm(request.POST or None, partnership=Partnership.current(), agencies=_agencies_for(request.user))
    return form_page(
        request,
        form,
        title="Add an action",
        success_url=reverse("actions:action-list"),
        success_message="Added the action to the register.",
        back_url=reverse("actions:action-list"),
    )


@permission_required(Area.ACTIONS, Permission.EDIT)
def action_edit(request, pk):
    action = get_scoped_object_or_404(Action.objects.open(), request.user, Permission.EDIT, pk=pk)
    form = ActionForm(
        request.POST or None, instance=action, partnership=action.partnership, agencies=_agencies_for(request.user)
    )
    return form_page(
        request,
        form,
        title=f"Change action {action.reference}",
        success_url=action.get_absolute_url(),
        success_message="Saved the action.",
        back_url=action.get_absolute_url(),
    )


@permission_required(Area.ACTIONS, Permission.EDIT)
def action_update_add(request, pk):
    action = get_scoped_object_or_404(Action.objects.open(), request.user, Permission.EDIT, pk=pk)
    form = ActionUpdateForm(
        request.POST or None, action=action, by=request.user, initial={"date": timezone.localdate()}
    )
    return form_page(
        request,
        form,
        title="Record progress",
        caption=f"Action {action.reference}",
        success_url=action.get_absolute_url(),
        success_message="Recorded the progress.",
        back_url=action.get_absolute_url(),
    )


@permission_required(Area.ACTIONS, Permission.EDIT)
def action_closure_request(request, pk):
    action = get_scoped_object_or_404(Action.objects.open(), request.user, Permission.EDIT, pk=pk)
    return service_form_page(
        request,
        ClosureRequestForm(request.POST or None),
        title="Ask to close this action",
        caption=f"Action {action.reference}",
        run=lambda data: services.action_request_closure(action=action, by=request.user, evidence=data["evidence"]),
        success_url=action.get_absolute_url(),
        success_message="Asked the business unit to approve the closure.",
        back_url=action.get_absolute_url(),
    )


@require_POST
@permission_required(Area.ACTIONS, Permission.APPROVE)
def action_closure_approve(request, pk):
    action = get_scoped_object_or_404(Action.objects.open(), request.user, Permission.APPROVE, pk=pk)
    try:
        services.action_approve_closure(action=action, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Closed action {action.reference}.")
    return redirect(action.get_absolute_url())


@permission_required(Area.ACTIONS, Permission.APPROVE)
def action_closure_refuse(request, pk):
    action = get_scoped_object_or_404(
        Action.objects.open().filter(closure_requested_on__isnull=False), request.user, Permission.APPROVE, pk=pk
    )
    return service_form_page(
        request,
        ReasonForm(request.POST or None),
        title="Send back to the owner",
        caption=f"Action {action.reference}",
        run=lambda data: services.action_return_for_more_work(action=action, by=request.user, reason=data["reason"]),
        success_url=action.get_absolute_url(),
        success_message="Sent the action back to its owner.",
        back_url=action.get_absolute_url(),
    )


@permission_required(Area.ACTIONS, Permission.APPROVE)
def action_escalate(request, pk):
    action = get_scoped_object_or_404(Action.objects.open(), request.user, Permission.APPROVE, pk=pk)
    return service_form_page(
        request,
        EscalationForm(request.POST or None),
        title="Escalate this action",
        caption=f"Action {action.reference}",
        run=lambda data: services.action_escalate(action=action, note=data["note"]),
        success_url=action.get_absolute_url(),
        success_message="Escalated the action and told the business unit.",
        back_url=action.get_absolute_url(),
    )
