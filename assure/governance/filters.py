import django_filters
from django.utils import timezone

from assure.core.models import Agency, Partnership

from . import selectors
from .models import AssuranceStatement, Challenge, ChallengeStatus, Group, Meeting, year_label


def _year_choices() -> list[tuple[int, str]]:
    partnership = Partnership.current()
    return [(year, year_label(year)) for year in selectors.year_choices(partnership)] if partnership else []


class StatementFilter(django_filters.FilterSet):
    start_year = django_filters.ChoiceFilter(label="Year", empty_label="All years")
    status = django_filters.ChoiceFilter(
        label="Judgement",
        choices=[("to_confirm", "To confirm (year ended)"), ("confirmed", "Confirmed")],
        empty_label="All",
        method="filter_status",
    )

    class Meta:
        model = AssuranceStatement
        fields = ["start_year", "status"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["start_year"].extra["choices"] = _year_choices()

    def filter_status(self, queryset, name, value):
        if value == "to_confirm":
            return selectors.statements_to_confirm(queryset)
        return queryset.filter(judgements__isnull=False).distinct()


class ChallengeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=ChallengeStatus.choices, empty_label="All", method="filter_status"
    )
    awaiting = django_filters.ChoiceFilter(
        label="Waiting for", choices=[("you", "Your response")], empty_label="Anyone", method="filter_awaiting"
    )
    overdue = django_filters.ChoiceFilter(
        label="Response", choices=[("yes", "Overdue")], empty_label="Any", method="filter_overdue"
    )
    addressed_to = django_filters.ModelChoiceFilter(
        label="Addressed to", queryset=Agency.objects.none(), empty_label="All partners"
    )

    class Meta:
        model = Challenge
        fields = ["status", "awaiting", "overdue", "addressed_to"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["addressed_to"].queryset = Agency.objects.filter(pk__in=kwargs["queryset"].values("addressed_to"))

    def filter_status(self, queryset, name, value):
        if value == ChallengeStatus.RAISED:
            return queryset.filter(responded_on__isnull=True)
        if value == ChallengeStatus.RESPONDED:
            return queryset.filter(responded_on__isnull=False, closed_on__isnull=True)
        return queryset.filter(closed_on__isnull=False, outcome=value)

    def filter_awaiting(self, queryset, name, value):
        return selectors.awaiting_response_from(self.request.user, queryset)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(responded_on__isnull=True, response_due_on__lt=timezone.localdate())


class MeetingFilter(django_filters.FilterSet):
    group = django_filters.ModelChoiceFilter(queryset=Group.objects.none(), empty_label="All groups")
    when = django_filters.ChoiceFilter(
        label="When",
        choices=[("this_week", "This week"), ("upcoming", "Coming up"), ("past", "Past")],
        empty_label="Any time",
        method="filter_when",
    )

    class Meta:
        model = Meeting
        fields = ["group", "when"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["group"].queryset = Group.objects.filter(pk__in=kwargs["queryset"].values("group"))

    def filter_when(self, queryset, name, value):
        return queryset.filter(selectors.meeting_filter_query(value, timezone.localdate()))
