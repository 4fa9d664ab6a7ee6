from assure.core.home import HomeItem, count_line
from assure.core.models import Partnership
from assure.core.navigation import GOVERNANCE
from assure.core.permissions import Action, Area, agencies_for, is_partnership_wide

from . import selectors
from .filters import ChallengeFilter, MeetingFilter, StatementFilter
from .models import AssuranceStatement, Meeting


def judgements_to_confirm(request, *, today):
    """For those who confirm judgements (the business unit, lead partners): statements of ended years not judged."""
    if not is_partnership_wide(request.user, Area.GOVERNANCE, Action.VIEW):
        return []
    query = {"status": "to_confirm"}
    statements = AssuranceStatement.objects.filter(partnership=Partnership.current())
    count = StatementFilter(query, queryset=statements, request=request).qs.count()
    return [count_line(count, "judgement to confirm", "judgements to confirm", "governance:judgement-list", **query)]


def challenges_awaiting_response(request, *, today):
    """For a partner's lead, delegate or safeguarding lead: challenges to their agency waiting for its response."""
    answering = agencies_for(request.user, Area.GOVERNANCE, Action.EDIT)
    if is_partnership_wide(request.user, Area.GOVERNANCE, Action.EDIT) or not answering.exists():
        return []
    query = {"awaiting": "you"}
    challenges = selectors.visible_challenges(request.user, Partnership.current())
    count = ChallengeFilter(query, queryset=challenges, request=request).qs.count()
    return [
        count_line(
            count,
            "challenge awaiting your response",
            "challenges awaiting your response",
            "governance:challenge-list",
            **query,
        )
    ]


def meetings_this_week(request, *, today):
    if not is_partnership_wide(request.user, Area.GOVERNANCE, Action.VIEW):
        return []
    query = {"when": "this_week"}
    meetings = Meeting.objects.filter(group__partnership=Partnership.current())
    count = MeetingFilter(query, queryset=meetings, request=request).qs.count()
    return [count_line(count, "meeting this week", "meetings this week", "governance:meeting-list", **query)]


ITEMS = [
    HomeItem(GOVERNANCE, Area.GOVERNANCE, Action.APPROVE, judgements_to_confirm),
    HomeItem(GOVERNANCE, Area.GOVERNANCE, Action.EDIT, challenges_awaiting_response),
    HomeItem(GOVERNANCE, Area.GOVERNANCE, Action.VIEW, meetings_this_week),
]
