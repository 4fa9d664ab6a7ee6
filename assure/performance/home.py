from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assure.core.home import HomeItem, Line, count_line
from assure.core.models import Partnership
from assure.core.navigation import PERFORMANCE
from assure.core.permissions import Action, Area, can, leads_agencies_only, scoped

from . import selectors
from .filters import AggregateReturnFilter, ExtractFilter
from .models import AggregateReturn, Extract


def returns_to_submit(request, *, today):
    """For an agency's safeguarding lead: the quarterly returns their agency owes, late or not."""
    if not leads_agencies_only(request.user, Area.AGENCY_RETURNS, Action.EDIT):
        return []
    owed = selectors.returns_owed_to(request.user, Partnership.current(), today=today)
    return [
        count_line(len(owed), "quarterly return to submit", "quarterly returns to submit", "performance:returns-due")
    ]


def returns_to_check(request, *, today):
    """For the business unit: returns late from any agency, and returns submitted for it to accept."""
    late = selectors.returns_owed_to(request.user, Partnership.current(), today=today, late_only=True)
    query = {"status": AggregateReturn.Status.SUBMITTED}
    returns = scoped(AggregateReturn.objects.all(), request.user)
    submitted = AggregateReturnFilter(query, queryset=returns, request=request).qs.count()
    return [
        count_line(len(late), "quarterly return late", "quarterly returns late", "performance:returns-due", late="yes"),
        count_line(
            submitted, "quarterly return to accept", "quarterly returns to accept", "performance:return-list", **query
        ),
    ]


def _on(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def extracts_to_check(request, *, today):
    """For the analyst: extracts checked and waiting to be used or discarded, and working figures not published."""
    partnership = Partnership.current()
    waiting = ExtractFilter(
        {"status": Extract.Status.READY}, queryset=scoped(Extract.objects.all(), request.user), request=request
    ).qs.count()
    lines = [
        count_line(
            waiting, "extract to check", "extracts to check", "performance:extract-list", status=Extract.Status.READY
        )
    ]
    working = selectors.working_run(partnership)
    publication = selectors.publication_in_force(partnership)
    if working is not None and (publication is None or publication.run_id != working.pk):
        last = f"last published {_on(publication.published_at)}" if publication else "nothing published yet"
        lines.append(
            Line(
                f"Working figures computed on {_on(working.started_at)} are not published ({last})",
                reverse("performance:run-publish", args=[working.pk]),
            )
        )
    return lines


def extracts_waiting(request, *, today):
    """For the business manager, who does not see child-level data: how many uploads wait for the analyst."""
    if can(request.user, Area.CHILD_LEVEL, Action.VIEW):
        return []
    waiting = selectors.extracts_awaiting_decision(Partnership.current()).count()
    if not waiting:
        return []
    return [
        Line(
            f"{waiting:,} uploaded extract{'s' if waiting != 1 else ''} waiting for the analyst's check: the "
            "figures in force stay until new ones are published",
            reverse("performance:dashboard"),
        )
    ]


def figures(request, *, today):
    """For everyone but the analyst: the figures in force, and when they were published."""
    if can(request.user, Area.CHILD_LEVEL, Action.VIEW):
        return []
    publication = selectors.publication_in_force(Partnership.current())
    dashboard = reverse("performance:dashboard")
    if publication is None:
        return [Line("Figures in force: none published yet", dashboard)]
    return [Line(f"Figures in force: published {_on(publication.published_at)}", dashboard)]


ITEMS = [
    HomeItem(PERFORMANCE, Area.AGENCY_RETURNS, Action.EDIT, returns_to_submit),
    HomeItem(PERFORMANCE, Area.AGENCY_RETURNS, Action.APPROVE, returns_to_check),
    HomeItem(PERFORMANCE, Area.CHILD_LEVEL, Action.EDIT, extracts_to_check),
    HomeItem(PERFORMANCE, Area.PERFORMANCE, Action.APPROVE, extracts_waiting),
    HomeItem(PERFORMANCE, Area.PERFORMANCE, Action.VIEW, figures),
]
