"""The standing panel: its members by agency, every live clock, its decisions log, learning themes, briefings and the
publication rules it works to."""

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from assure.core.downloads import About, requested_format, table_download
from assure.core.pages import form_page, list_page
from assure.core.permissions import Action, Area, can, get_scoped_object_or_404, permission_required, require, scoped
from assure.core.tables import Column, Table

from .. import selectors
from ..forms import BriefingForm, PanelDecisionForm, ThemeForm
from ..guidance import EDITIONS
from ..models import LearningBriefing, LearningTheme
from .common import partnership

edit_required = permission_required(Area.REVIEWS, Action.EDIT)

CLOCK_FILTERS = [("", "Every live clock"), ("week", "Due within 5 working days"), ("late", "Late")]


class ClockFilterForm(forms.Form):
    due = forms.ChoiceField(label="Show", choices=CLOCK_FILTERS, required=False)


@permission_required(Area.REVIEWS)
def panel(request):
    today = timezone.localdate()
    clocks = selectors.live_clocks(partnership(), today=today, user=request.user)
    return render(
        request,
        "reviews/panel.html",
        {
            "membership": selectors.panel_membership(),
            "clocks": clocks[:5],
            "clock_count": len(clocks),
            "late": len(selectors.clocks_filtered(clocks, "late", today=today)),
            "due_soon": len(selectors.clocks_filtered(clocks, "week", today=today)),
            "today": today,
            "decisions": selectors.decisions_log(partnership())[:5],
            "can_edit": can(request.user, Area.REVIEWS, Action.EDIT),
        },
    )


@permission_required(Area.REVIEWS)
def clocks(request):
    today = timezone.localdate()
    form = ClockFilterForm(request.GET or None)
    due = form.cleaned_data["due"] if form.is_valid() else ""
    shown = selectors.clocks_filtered(
        selectors.live_clocks(partnership(), today=today, user=request.user), due, today=today
    )
    if requested_format(request):
        require(request.user, Area.REVIEWS, Action.EXPORT)
        return table_download(
            request,
            fmt=requested_format(request),
            filename="review-clocks",
            headers=["What is due", "About", "Due by", "State"],
            rows=[[clock.what, clock.about, clock.due_on, clock.deadline.describe(today)] for clock in shown],
            about=About(title=f"Live case review clocks on {today:%-d %B %Y}", suppressed=None),
        )
    return render(
        request,
        "reviews/clocks.html",
        {
            "form": form,
            "clocks": shown,
            "today": today,
            "can_export": can(request.user, Area.REVIEWS, Action.EXPORT),
            "query": request.GET.urlencode(),
        },
    )


def decision_table(request, decisions, *, name: str, with_summary: bool) -> Table:
    columns = [
        Column("Date", lambda d: d.decided_on, sort="decided_on"),
        Column("Meeting", lambda d: d.meeting_on, sort="meeting_on"),
        Column("Kind", lambda d: d.get_kind_display(), sort="kind"),
        Column("About", lambda d: d.subject_name()),
    ]
    if with_summary:
        columns.append(Column("Decision", lambda d: d.summary))
    return Table(request, decisions, columns, name=name, default_sort="-decided_on")


@permission_required(Area.REVIEWS)
def decision_list(request):
    decisions = scoped(selectors.decisions_log(partnership()), request.user)
    table = decision_table(request, decisions, name="panel-decisions-log", with_summary=True)
    return list_page(
        request,
        table,
        "reviews/decision_list.html",
        Area.REVIEWS,
        can_edit=can(request.user, Area.REVIEWS, Action.EDIT),
    )


@edit_required
def decision_add(request):
    return form_page(
        request,
        PanelDecisionForm(request.POST or None, partnership=partnership(), by=request.user),
        title="Log a decision of the standing panel",
        success_url=reverse("reviews:decision-list"),
        success_message="Logged the decision.",
        back_url=reverse("reviews:decision-list"),
    )


@permission_required(Area.REVIEWS)
def theme_list(request):
    return render(
        request,
        "reviews/theme_list.html",
        {
            "themes": LearningTheme.objects.filter(partnership=partnership()),
            "can_edit": can(request.user, Area.REVIEWS, Action.EDIT),
        },
    )


@edit_required
def theme_add(request):
    return form_page(
        request,
        ThemeForm(request.POST or None, partnership=partnership()),
        title="Add a learning theme",
        success_url=reverse("reviews:theme-list"),
        success_message="Added the theme. Reviews can be tagged with it now.",
        back_url=reverse("reviews:theme-list"),
    )


@permission_required(Area.REVIEWS)
def publication_rules(request):
    return render(request, "reviews/publication_rules.html", {"editions": list(EDITIONS.values())})


@permission_required(Area.REVIEWS)
def briefing_list(request):
    return render(
        request,
        "reviews/briefing_list.html",
        {
            "briefings": scoped(LearningBriefing.objects.filter(partnership=partnership()), request.user),
            "can_edit": can(request.user, Area.REVIEWS, Action.EDIT),
        },
    )


@permission_required(Area.REVIEWS)
def briefing_detail(request, pk):
    briefing = get_scoped_object_or_404(LearningBriefing.objects.all(), request.user, pk=pk)
    return render(
        request,
        "reviews/briefing_detail.html",
        {
            "briefing": briefing,
            "reviews": briefing.reviews.all(),
            "sent_to": briefing.sent_to.all(),
            "can_edit": can(request.user, Area.REVIEWS, Action.EDIT),
        },
    )


@edit_required
def briefing_add(request):
    return form_page(
        request,
        BriefingForm(request.POST or None, partnership=partnership()),
        title="Add a learning briefing",
        success_url=reverse("reviews:briefing-list"),
        success_message="Added the learning briefing.",
        back_url=reverse("reviews:briefing-list"),
    )


@edit_required
def briefing_edit(request, pk):
    briefing = get_scoped_object_or_404(LearningBriefing.objects.all(), request.user, Action.EDIT, pk=pk)
    return form_page(
        request,
        BriefingForm(request.POST or None, instance=briefing, partnership=briefing.partnership),
        title="Change the learning briefing",
        caption=str(briefing),
        success_url=briefing.get_absolute_url(),
        success_message="Saved the learning briefing.",
        back_url=briefing.get_absolute_url(),
    )
