"""The LADO's home page lines: open cases, cases open longer than 3 months, meeting follow-ups due. Counted with
the case list's own selector and filter set, so each number is the rows its link opens; only the compartment sees
them."""

from assure.core.home import HomeItem, count_line
from assure.core.navigation import ASSURANCE
from assure.core.permissions import Action, Area

from . import selectors
from .filters import CaseFilter


def _count(request, status: str) -> int:
    return CaseFilter(
        {"status": status}, queryset=selectors.visible_allegations(request.user), request=request
    ).qs.count()


def casework(request, *, today):
    return [
        count_line(_count(request, "open"), "open case", "open cases", "lado:case-list", status="open"),
        count_line(
            _count(request, "over_three_months"),
            "case open longer than 3 months",
            "cases open longer than 3 months",
            "lado:case-list",
            status="over_three_months",
        ),
        count_line(
            _count(request, "meeting_due"),
            "case with a meeting follow-up due",
            "cases with a meeting follow-up due",
            "lado:case-list",
            status="meeting_due",
        ),
    ]


ITEMS = [HomeItem(ASSURANCE, Area.LADO, Action.EDIT, casework)]
