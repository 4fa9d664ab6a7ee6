from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assure.core.home import HomeItem, Line, count_line
from assure.core.models import Partnership
from assure.core.navigation import PERFORMANCE
from assure.core.permissions import Action, Area, can, leads_agencies_only, scoped

from . import selectors
from .filters import AggregateReturnFilter
from .models import AggregateReturn, IndicatorRun


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


def _when(run: IndicatorRun) -> str:
    return date_format(timezone.localtime(run.started_at), "j F Y")


def figures(request, *, today):
    """The analyst's working figures not yet published; for everyone else, the figures in force."""
    partnership = Partnership.current()
    runs = IndicatorRun.objects.filter(data_version__partnership=partnership).select_related("data_version")
    published = runs.filter(is_published=True).order_by("-started_at", "-pk").first()
    dashboard = reverse("performance:dashboard")
    if can(request.user, Area.CHILD_LEVEL, Action.EDIT):
        working = runs.order_by("-started_at", "-pk").first()
        if working and not working.is_published:
            return [Line(f"Working figures computed on {_when(working)} are not yet published", dashboard)]
        return []
    if published is None:
        return [Line("Figures in force: none published yet", dashboard)]
    data_to = published.data_version.reference_date
    to = f" from data to {date_format(data_to, 'j F Y')}" if data_to else ""
    return [Line(f"Figures in force: computed on {_when(published)}{to}", dashboard)]


ITEMS = [
    HomeItem(PERFORMANCE, Area.AGENCY_RETURNS, Action.EDIT, returns_to_submit),
    HomeItem(PERFORMANCE, Area.AGENCY_RETURNS, Action.APPROVE, returns_to_check),
    HomeItem(PERFORMANCE, Area.PERFORMANCE, Action.VIEW, figures),
]
