from assure.core.home import HomeItem, count_line
from assure.core.models import Partnership
from assure.core.navigation import ASSURANCE
from assure.core.permissions import Action, Area

from . import selectors


def live_clocks(request, *, today):
    """For the panel and the lead partners: review deadlines due within 5 working days, and those missed."""
    clocks = selectors.live_clocks(Partnership.current(), today=today, user=request.user)
    week = selectors.clocks_filtered(clocks, "week", today=today)
    late = selectors.clocks_filtered(clocks, "late", today=today)
    return [
        count_line(
            len(week),
            "review deadline due within 5 working days",
            "review deadlines due within 5 working days",
            "reviews:clocks",
            due="week",
        ),
        count_line(len(late), "review deadline missed", "review deadlines missed", "reviews:clocks", due="late"),
    ]


ITEMS = [HomeItem(ASSURANCE, Area.REVIEWS, Action.VIEW, live_clocks)]
