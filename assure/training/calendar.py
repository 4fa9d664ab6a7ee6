"""Calendar files (.ics, RFC 5545) for a booked place, drawn by ``icalendar``.

One event per booking, always with the same UID, so a person's calendar keeps one entry for it: a change to the
course sends the event again with a higher SEQUENCE (METHOD:REQUEST), and a cancellation, of the course or of the
place, sends METHOD:CANCEL. Times are local to England, written with TZID Europe/London and its VTIMEZONE, so a
course in British Summer Time shows at the hour it starts.
"""

from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from assure.core.notify import Attachment, absolute_url

LONDON = ZoneInfo("Europe/London")
PRODUCT = "-//Assure//Safeguarding partnership training//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def event_uid(booking) -> str:
    return f"training-booking-{booking.pk}@{urlsplit(settings.ASSURE_BASE_URL).hostname or 'assure'}"


def _local(day: date, moment) -> datetime:
    return datetime.combine(day, moment, tzinfo=LONDON)


def booking_calendar(booking, *, method: str = REQUEST) -> str:
    """The calendar file for ``booking``'s place on its course: the event, or (``CANCEL``) its cancellation."""
    course = booking.course
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", event_uid(booking))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", _local(course.date, course.start_time))
    event.add("dtend", _local(course.date, course.end_time))
    # A cancelled place outranks every version of the event sent before it.
    event.add("sequence", course.calendar_sequence + (1 if method == CANCEL else 0))
    event.add("summary", f"{course.module}")
    event.add("location", course.venue or "Online")
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    details = [f"Trainer: {course.trainer}."]
    if course.online_link:
        details.append(f"Joining link: {course.online_link}")
    details.append(f"Your booking: {absolute_url(booking.get_absolute_url())}")
    event.add("description", "\n".join(details))
    calendar.add_component(event)
    calendar.add_missing_timezones(first_date=date(course.date.year, 1, 1), last_date=date(course.date.year + 1, 1, 1))
    return calendar.to_ical().decode()


def calendar_attachment(booking, *, method: str = REQUEST) -> Attachment:
    return Attachment(
        filename="course.ics",
        content=booking_calendar(booking, method=method),
        mimetype="text/calendar",
    )
