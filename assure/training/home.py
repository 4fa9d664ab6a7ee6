from urllib.parse import urlencode

from django.urls import reverse

from assure.core.home import HomeItem, Line, count_line
from assure.core.navigation import TRAINING
from assure.core.permissions import Action, Area, leads_agencies_only, own_records_only

from . import selectors
from .filters import BookingFilter
from .models import BookingStatus, WaiverStatus


def _count(request, query: dict) -> int:
    return BookingFilter(query, queryset=selectors.visible_bookings(request.user), request=request).qs.count()


def own_training(request, *, today):
    """A delegate's next course, the evaluations they have to give and their waiting-list places.

    A practitioner always sees all three; anyone else only what there is.
    """
    practitioner = own_records_only(request.user, Area.TRAINING, Action.VIEW)
    lines = []
    booking = selectors.next_course_booking(request.user, today)
    if booking:
        course = booking.course
        lines.append(Line(f"Your next course: {course.module}, {course.date:%-d %B %Y}", booking.get_absolute_url()))
    elif practitioner:
        query = urlencode({"status": "scheduled", "date_from": today.isoformat()})
        lines.append(Line("You have no course booked: find a course", f"{reverse('training:course-list')}?{query}"))
    to_give = {"mine": "yes", "evaluation": "to_give"}
    waiting = {"mine": "yes", "status": BookingStatus.WAITING_LIST, "when": "upcoming"}
    for query, one, many in [
        (to_give, "evaluation to give", "evaluations to give"),
        (waiting, "waiting-list place", "waiting-list places"),
    ]:
        count = _count(request, query)
        if count or practitioner:
            lines.append(count_line(count, one, many, "training:booking-list", **query))
    return lines


def staff_bookings(request, *, today):
    """For an agency's safeguarding lead: their staff's bookings waiting for the agency's approval."""
    if not leads_agencies_only(request.user, Area.TRAINING, Action.EDIT):
        return []
    query = {"status": BookingStatus.AWAITING_APPROVAL}
    return [
        count_line(
            _count(request, query),
            "staff booking awaiting your approval",
            "staff bookings awaiting your approval",
            "training:booking-list",
            **query,
        )
    ]


def fee_waivers(request, *, today):
    """For the training coordinator: agencies' requests to waive a fee."""
    query = {"waiver_status": WaiverStatus.REQUESTED}
    return [
        count_line(
            _count(request, query),
            "fee waiver request to decide",
            "fee waiver requests to decide",
            "training:booking-list",
            **query,
        )
    ]


ITEMS = [
    HomeItem(TRAINING, Area.TRAINING, Action.EDIT, own_training),
    HomeItem(TRAINING, Area.TRAINING, Action.EDIT, staff_bookings),
    HomeItem(TRAINING, Area.TRAINING, Action.APPROVE, fee_waivers),
]
