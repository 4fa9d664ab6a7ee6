from assure.core.home import HomeItem, count_line
from assure.core.models import Partnership
from assure.core.navigation import ASSURANCE
from assure.core.permissions import Action as Permission
from assure.core.permissions import Area, can, is_partnership_wide, scoped

from . import selectors
from .filters import ActionFilter
from .models import Status


def _count(request, query: dict, actions) -> int:
    return ActionFilter(query, queryset=actions, request=request).qs.count()


def answerable(request, *, today):
    """An agency lead's (or an action owner's) actions overdue and due soon, on "My actions"."""
    if not can(request.user, Area.ACTIONS, Permission.EDIT) or is_partnership_wide(
        request.user, Area.ACTIONS, Permission.EDIT
    ):
        return []
    actions = selectors.answerable_by(request.user, Partnership.current())
    overdue, soon = {"status": Status.OVERDUE}, {"due": "soon"}
    return [
        count_line(
            _count(request, overdue, actions), "action overdue", "actions overdue", "actions:my-actions", **overdue
        ),
        count_line(
            _count(request, soon, actions),
            "action due within 14 days",
            "actions due within 14 days",
            "actions:my-actions",
            **soon,
        ),
    ]


def closure_requests(request, *, today):
    """For the business unit: owners' requests to close actions, waiting for a decision."""
    actions = scoped(selectors.register(Partnership.current()), request.user)
    query = {"status": Status.AWAITING_CLOSURE}
    return [
        count_line(
            _count(request, query, actions),
            "closure request to decide",
            "closure requests to decide",
            "actions:action-list",
            **query,
        )
    ]


ITEMS = [
    HomeItem(ASSURANCE, Area.ACTIONS, Permission.EDIT, answerable),
    HomeItem(ASSURANCE, Area.ACTIONS, Permission.APPROVE, closure_requests),
]
