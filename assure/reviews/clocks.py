"""The review clocks in working days (decisions.md section 7).

``add_working_days(start, N)`` gives the deadline: day 1 is the first working day after the start date. An event on
the deadline is on time; one on the next working day is 1 working day late. Clocks say "due" and "late", never
"breach".
"""

from dataclasses import dataclass
from datetime import date, timedelta

from assure.core.workdays import add_working_days, is_working_day, working_days_between

# The local authority notifies the national panel within 5 working days of becoming aware of the incident.
NOTIFICATION_WORKING_DAYS = 5
# The national panel expects the rapid review within 15 working days of the notification.
RAPID_REVIEW_WORKING_DAYS = 15


def notification_due(aware_on: date) -> date:
    return add_working_days(aware_on, NOTIFICATION_WORKING_DAYS)


def rapid_review_due(notified_on: date) -> date:
    return add_working_days(notified_on, RAPID_REVIEW_WORKING_DAYS)


def working_days_before(day: date, count: int) -> date:
    """The date ``count`` working days before ``day``."""
    while count:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _working_days(count: int) -> str:
    return f"{count} working day" if count == 1 else f"{count} working days"


@dataclass(frozen=True)
class Deadline:
    """A date something is due by, and the date it was done (None while it is not)."""

    due_on: date
    done_on: date | None = None

    def is_late(self, today: date) -> bool:
        return (self.done_on or today) > self.due_on

    def working_days_late(self, today: date) -> int:
        return max(working_days_between(self.due_on, self.done_on or today), 0)

    def describe(self, today: date) -> str:
        """ "On time", "2 working days late", "Due in 3 working days", "Due today" or "Late by 1 working day"."""
        if self.done_on:
            if not self.is_late(today):
                return "On time"
            late = self.working_days_late(today)
            return f"{_working_days(late)} late" if late else "Late"
        if today < self.due_on:
            return f"Due in {_working_days(working_days_between(today, self.due_on))}"
        if today == self.due_on:
            return "Due today"
        late = self.working_days_late(today)
        return f"Late by {_working_days(late)}" if late else "Late"

    def colour(self, today: date) -> str:
        """A GOV.UK tag colour: red when late, yellow when due within 2 working days, green when done on time."""
        if self.is_late(today):
            return "red"
        if self.done_on:
            return "green"
        return "yellow" if working_days_between(today, self.due_on) <= 2 else "blue"
