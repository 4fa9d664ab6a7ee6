"""The arrangements, the groups and their reporting lines, meetings and attendance, and the topic matrix."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from assure.core.downloads import About, Percent, requested_format, table_download
from assure.core.models import Partnership
from assure.core.pages import form_page, list_page, service_form_page
from assure.core.permissions import Action, Area, Scope, can, get_scoped_object_or_404, permission_required, require
from assure.core.tables import Column, Table

from .. import selectors, services
from ..filters import MeetingFilter
from ..forms import (
    ArrangementsForm,
    AttendanceForm,
    DecisionActionForm,
    DecisionForm,
    GroupForm,
    MeetingForm,
    MembershipEndForm,
    MembershipForm,
    TopicForm,
)
from ..models import Arrangements, Group, Meeting, MeetingDecision, Membership, Topic, year_label
from .priorities import EVERY_AGENCY, _edits, year_links


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def structure(request):
    partnership = Partnership.current()
    year = selectors.chosen_year(request, partnership)
    groups = selectors.groups_in(partnership, year)
    lines = selectors.reporting_lines(groups)
    reporting = {child for child, _ in lines} | {parent for _, parent in lines}
    return render(
        request,
        "governance/structure.html",
        {
            "year": year,
            "year_label": year_label(year),
            "years": year_links(partnership, year, "governance:structure"),
            "arrangements": selectors.current_arrangements(partnership),
            "all_arrangements": partnership.arrangements.all(),
            "lead_partners": selectors.lead_partners(partnership),
            "lines": lines,
            "unlinked": [group for group in groups if group not in reporting],
            "groups": groups,
            "topics": Topic.objects.filter(partnership=partnership),
            "can_edit": _edits(request.user),
        },
    )


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def structure_diagram(request):
    partnership = Partnership.current()
    year = selectors.chosen_year(request, partnership)
    return HttpResponse(selectors.structure_svg(partnership, year), content_type="image/svg+xml")


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def arrangements_create(request):
    partnership = Partnership.current()
    return form_page(
        request,
        ArrangementsForm(request.POST or None, partnership=partnership),
        title="Record a version of the arrangements",
        success_url=reverse("governance:structure"),
        success_message="Recorded the arrangements.",
        back_url=reverse("governance:structure"),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def arrangements_edit(request, pk):
    partnership = Partnership.current()
    arrangements = get_scoped_object_or_404(
        Arrangements.objects.filter(partnership=partnership), request.user, Action.EDIT, pk=pk
    )
    return form_page(
        request,
        ArrangementsForm(request.POST or None, instance=arrangements, partnership=partnership),
        title=f"Change {arrangements}",
        success_url=reverse("governance:structure"),
        success_message="Saved the arrangements.",
        back_url=reverse("governance:structure"),
    )


# Groups ----------------------------------------------------------------------------------------------------------

GROUP_COLUMNS = [
    Column("Group", lambda g: g.name, sort="name", link=True),
    Column("Kind", lambda g: g.get_kind_display(), sort="kind"),
    Column("Chair", lambda g: str(g.chair) if g.chair_id else g.chair_description),
    Column("Reports to", lambda g: ", ".join(sorted(p.name for p in g.reports_to.all()))),
    Column("First met", lambda g: g.started_on, sort="started_on"),
    Column("Stood down", lambda g: g.ended_on, sort="ended_on"),
]


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def group_list(request):
    groups = (
        Group.objects.filter(partnership=Partnership.current()).select_related("chair").prefetch_related("reports_to")
    )
    table = Table(request, groups, GROUP_COLUMNS, name="groups-and-boards", search_fields=["name"], default_sort="name")
    return list_page(request, table, "governance/group_list.html", Area.GOVERNANCE, can_edit=_edits(request.user))


def _group(request, pk, action=Action.VIEW) -> Group:
    return get_scoped_object_or_404(
        Group.objects.filter(partnership=Partnership.current()), request.user, action, pk=pk
    )


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def group_detail(request, pk):
    group = _group(request, pk)
    partnership = group.partnership
    year = selectors.chosen_year(request, partnership)
    return render(
        request,
        "governance/group_detail.html",
        {
            "group": group,
            "memberships": group.memberships.select_related("agency", "person"),
            "reports_to": group.reports_to.order_by("name"),
            "reported_by": group.reported_by.order_by("name"),
            "meetings": selectors.meetings_of(group)[:12],
            "year": year,
            "year_label": year_label(year),
            "attendance": selectors.attendance_rates(group, year),
            "can_edit": _edits(request.user),
        },
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def group_create(request):
    partnership = Partnership.current()
    return form_page(
        request,
        GroupForm(request.POST or None, partnership=partnership),
        title="Add a group or board",
        success_url=reverse("governance:group-list"),
        success_message="Added the group.",
        back_url=reverse("governance:group-list"),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def group_edit(request, pk):
    group = _group(request, pk, Action.EDIT)
    return form_page(
        request,
        GroupForm(request.POST or None, instance=group, partnership=group.partnership),
        title=f"Change {group}",
        success_url=group.get_absolute_url(),
        success_message="Saved the group.",
        back_url=group.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def membership_add(request, pk):
    group = _group(request, pk, Action.EDIT)
    return form_page(
        request,
        MembershipForm(request.POST or None, group=group),
        title="Add a member",
        caption=str(group),
        success_url=group.get_absolute_url(),
        success_message="Added the member.",
        back_url=group.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def membership_end(request, pk):
    seats = Membership.objects.filter(group__partnership=Partnership.current()).select_related("group")
    membership = get_scoped_object_or_404(seats, request.user, Action.EDIT, pk=pk)
    return form_page(
        request,
        MembershipEndForm(request.POST or None, instance=membership),
        title="End a membership",
        caption=str(membership),
        success_url=membership.group.get_absolute_url(),
        success_message="Ended the membership. Attendance before it ended still counts.",
        back_url=membership.group.get_absolute_url(),
    )


# Meetings --------------------------------------------------------------------------------------------------------

MEETING_COLUMNS = [
    Column("Meeting", lambda m: f"{m.group} {m.held_on:%-d %B %Y}", link=True),
    Column("Date", lambda m: m.held_on, sort="held_on"),
    Column("Group", lambda m: m.group.name, sort="group__name"),
    Column("Decisions", lambda m: m.decisions.count(), numeric=True),
]


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def meeting_list(request):
    meetings = Meeting.objects.filter(group__partnership=Partnership.current()).select_related("group")
    table = Table(
        request,
        meetings,
        MEETING_COLUMNS,
        name="meetings",
        search_fields=["group__name", "agenda", "minutes"],
        filterset_class=MeetingFilter,
        default_sort="-held_on",
    )
    return list_page(request, table, "governance/meeting_list.html", Area.GOVERNANCE, can_edit=_edits(request.user))


def _meeting(request, pk, action=Action.VIEW) -> Meeting:
    meetings = Meeting.objects.filter(group__partnership=Partnership.current()).select_related("group")
    return get_scoped_object_or_404(meetings, request.user, action, pk=pk)


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "attendances": selectors.attendees_for(meeting),
            "quoracy": selectors.quoracy(meeting),
            "decisions": selectors.decisions_of(meeting),
            "can_edit": _edits(request.user),
            "can_add_actions": can(request.user, Area.ACTIONS, Action.EDIT) and _edits(request.user),
        },
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def meeting_create(request, pk):
    group = _group(request, pk, Action.EDIT)
    return service_form_page(
        request,
        MeetingForm(request.POST or None, group=group),
        title="Record a meeting",
        caption=str(group),
        run=lambda data: services.meeting_record(group=group, **data),
        success_url=lambda meeting: meeting.get_absolute_url(),
        success_message="Recorded the meeting. Now record who attended.",
        back_url=group.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def meeting_edit(request, pk):
    meeting = _meeting(request, pk, Action.EDIT)
    return form_page(
        request,
        MeetingForm(request.POST or None, instance=meeting, group=meeting.group),
        title=f"Change the {meeting}",
        success_url=meeting.get_absolute_url(),
        success_message="Saved the meeting.",
        back_url=meeting.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def attendance_add(request, pk):
    meeting = _meeting(request, pk, Action.EDIT)
    return service_form_page(
        request,
        AttendanceForm(request.POST or None, meeting=meeting),
        title="Record who attended",
        caption=str(meeting),
        run=lambda data: services.attendance_record(meeting=meeting, **data),
        success_url=meeting.get_absolute_url(),
        success_message=lambda attendance: f"Recorded {attendance}.",
        back_url=meeting.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def decision_add(request, pk):
    meeting = _meeting(request, pk, Action.EDIT)
    return service_form_page(
        request,
        DecisionForm(request.POST or None),
        title="Record a decision",
        caption=str(meeting),
        run=lambda data: services.decision_record(meeting=meeting, text=data["text"], by=request.user),
        success_url=lambda decision: decision.get_absolute_url(),
        success_message=lambda decision: f"Recorded decision {decision.number}.",
        back_url=meeting.get_absolute_url(),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def decision_action(request, pk):
    require(request.user, Area.ACTIONS, Action.EDIT, scope=Scope.PARTNERSHIP)
    decisions = MeetingDecision.objects.filter(meeting__group__partnership=Partnership.current())
    decision = get_scoped_object_or_404(decisions.select_related("meeting__group"), request.user, Action.EDIT, pk=pk)
    return service_form_page(
        request,
        DecisionActionForm(request.POST or None, partnership=decision.meeting.group.partnership),
        title="Add an action to the register",
        caption=str(decision),
        run=lambda data: services.decision_raise_action(decision=decision, **data),
        success_url=decision.get_absolute_url(),
        success_message=lambda action: f"Added action {action.reference} to the register.",
        back_url=decision.get_absolute_url(),
        submit="Add the action",
    )


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def attendance_report(request):
    partnership = Partnership.current()
    year = selectors.chosen_year(request, partnership)
    rows = selectors.partnership_attendance(partnership, year)
    fmt = requested_format(request)
    if fmt:
        require(request.user, Area.GOVERNANCE, Action.EXPORT)
        return table_download(
            request,
            fmt=fmt,
            filename=f"attendance-{year}",
            headers=["Group", "Agency", "Meetings attended", "Meetings while a member", "Attendance"],
            rows=[
                [
                    row.group,
                    row.agency,
                    row.attended,
                    row.meetings,
                    Percent(row.percent) if row.percent is not None else None,
                ]
                for row in rows
            ],
            about=About(
                title=f"Attendance at the partnership's groups, {year_label(year)}",
                figures="Meetings attended by at least one member or named deputy of the agency, over the group's "
                "meetings in the year while the agency was a member. Guests are not counted.",
            ),
        )
    return render(
        request,
        "governance/attendance_report.html",
        {
            "rows": rows,
            "year": year,
            "year_label": year_label(year),
            "years": year_links(partnership, year, "governance:attendance-report"),
            "can_export": can(request.user, Area.GOVERNANCE, Action.EXPORT),
        },
    )


# The topic matrix ---------------------------------------------------------------------------------------------


@permission_required(Area.GOVERNANCE, scope=EVERY_AGENCY)
def topic_list(request):
    return render(
        request,
        "governance/topic_list.html",
        {"topics": Topic.objects.filter(partnership=Partnership.current()), "can_edit": _edits(request.user)},
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def topic_create(request):
    partnership = Partnership.current()
    return form_page(
        request,
        TopicForm(request.POST or None, partnership=partnership),
        title="Add a topic",
        success_url=reverse("governance:topic-list"),
        success_message="Added the topic.",
        back_url=reverse("governance:topic-list"),
    )


@permission_required(Area.GOVERNANCE, Action.EDIT, scope=EVERY_AGENCY)
def topic_edit(request, pk):
    partnership = Partnership.current()
    topic = get_scoped_object_or_404(Topic.objects.filter(partnership=partnership), request.user, Action.EDIT, pk=pk)
    return form_page(
        request,
        TopicForm(request.POST or None, instance=topic, partnership=partnership),
        title=f"Change {topic}",
        success_url=reverse("governance:topic-list"),
        success_message="Saved the topic.",
        back_url=reverse("governance:topic-list"),
    )
