import django_filters
from django.utils import timezone

from .models import EmploymentSector

CASE_STATUSES = [
    ("open", "Open (no outcome yet)"),
    ("over_three_months", "Open longer than 3 months"),
    ("meeting_due", "Meeting follow-up due"),
    ("concluded", "Outcome recorded"),
    ("closed", "Closed"),
]


class CaseFilter(django_filters.FilterSet):
    """The LADO's case list. The home page counts with this filter set, so its numbers are the rows its links open."""

    status = django_filters.ChoiceFilter(
        label="Status", choices=CASE_STATUSES, empty_label="All cases", method="filter_status"
    )
    employment_sector = django_filters.ChoiceFilter(
        label="Employment sector", choices=EmploymentSector.choices, empty_label="All sectors"
    )

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "open":
            return queryset.open()
        if value == "over_three_months":
            return queryset.open_longer_than_three_months(today)
        if value == "meeting_due":
            return queryset.with_meeting_follow_up_due(today)
        if value == "concluded":
            return queryset.exclude(outcome="").filter(closed_on__isnull=True, disposed_on__isnull=True)
        return queryset.filter(closed_on__isnull=False)
