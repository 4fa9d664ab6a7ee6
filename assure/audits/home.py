from django.utils.formats import date_format

from assure.core.home import HomeItem, Line, count_line
from assure.core.models import Partnership
from assure.core.navigation import ASSURANCE
from assure.core.permissions import Action, Area, can, is_partnership_wide, leads_agencies_only, scoped

from . import selectors
from .filters import Section11ReturnFilter
from .models import ReturnStatus, Section11Return, Section11Round


def returns_to_answer(request, *, today):
    """For an agency's safeguarding lead: each Section 11 return still open, its deadline and how far it has got."""
    if not leads_agencies_only(request.user, Area.AUDITS, Action.EDIT):
        return []
    returns = scoped(Section11Return.objects.filter(status=ReturnStatus.IN_PROGRESS), request.user, Action.EDIT)
    lines = []
    for section11_return in returns.select_related("round", "agency").order_by("round__deadline", "agency__name"):
        deadline = date_format(section11_return.round.deadline, "j F Y")
        when = f"was due by {deadline}" if section11_return.round.deadline < today else f"due by {deadline}"
        checked, standards = selectors.standards_checked(section11_return)
        lines.append(
            Line(
                f"{section11_return.round}: {section11_return.agency}'s return {when}, "
                f"{checked} of {standards} standards checked",
                section11_return.get_absolute_url(),
            )
        )
    return lines


def returns_to_moderate(request, *, today):
    """For the business unit: submitted returns whose moderation is not complete, and late returns."""
    returns = selectors.visible_returns(request.user, Partnership.current())
    lines = []
    for query, one, many in [
        ({"status": "to_moderate"}, "Section 11 return to moderate", "Section 11 returns to moderate"),
        ({"status": "late"}, "Section 11 return late", "Section 11 returns late"),
    ]:
        count = Section11ReturnFilter(query, queryset=returns, request=request).qs.count()
        lines.append(count_line(count, one, many, "audits:section11-rounds", **query))
    return lines


def moderation_summary(request, *, today):
    """For those who read the partnership's assurance (scrutineer, lead partners): how far the latest round has got."""
    if not is_partnership_wide(request.user, Area.AUDITS, Action.VIEW):
        return []
    if can(request.user, Area.AUDITS, Action.APPROVE):
        return []
    latest = Section11Round.objects.filter(partnership=Partnership.current()).order_by("-opens_on").first()
    if latest is None:
        return []
    summary = selectors.round_summary(latest)
    return [
        Line(
            f"{latest}: {summary['submitted']} of {summary['returns']} returns submitted, "
            f"{summary['moderated']} of {summary['returns']} moderated",
            latest.get_absolute_url(),
        )
    ]


ITEMS = [
    HomeItem(ASSURANCE, Area.AUDITS, Action.EDIT, returns_to_answer),
    HomeItem(ASSURANCE, Area.AUDITS, Action.APPROVE, returns_to_moderate),
    HomeItem(ASSURANCE, Area.AUDITS, Action.VIEW, moderation_summary),
]
