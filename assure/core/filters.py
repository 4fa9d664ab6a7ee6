import django_filters
from django import forms
from django.utils import timezone

from .forms import DateField
from .models import AccessLogEntry, Agency, AuditEntry, RoleAssignment, Sector, User
from .permissions import Role


class AgencyFilter(django_filters.FilterSet):
    sector = django_filters.ChoiceFilter(choices=Sector.choices, empty_label="All sectors")
    is_statutory_partner = django_filters.BooleanFilter(
        label="Type",
        widget=forms.Select(choices=[("", "All"), ("true", "Safeguarding partners"), ("false", "Relevant agencies")]),
    )
    active = django_filters.BooleanFilter(
        label="Status", widget=forms.Select(choices=[("", "All"), ("true", "Active"), ("false", "Inactive")])
    )

    class Meta:
        model = Agency
        fields = ["sector", "is_statutory_partner", "active"]


class PersonFilter(django_filters.FilterSet):
    agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.all(), empty_label="All agencies")
    role = django_filters.ChoiceFilter(
        field_name="role_assignments__role",
        choices=Role.choices,
        empty_label="All roles",
        distinct=True,
        method="filter_role",
    )

    class Meta:
        model = User
        fields = ["agency", "role"]

    def filter_role(self, queryset, name, value):
        holding = RoleAssignment.objects.active_on(timezone.localdate()).filter(role=value)
        return queryset.filter(pk__in=holding.values("user"))


class DateFilter(django_filters.DateFilter):
    """A date filter drawn as the GOV.UK date input, with its field-specific messages."""

    field_class = DateField


class DateRangeFilterSet(django_filters.FilterSet):
    """A filter set with ``date_from`` and ``date_to``: a range that ends before it starts is an error, not an empty list."""

    def is_valid(self):
        if not super().is_valid():
            return False
        start, end = self.form.cleaned_data.get("date_from"), self.form.cleaned_data.get("date_to")
        if start and end and end < start:
            self.form.add_error("date_to", "Date to must be the same as or after date from")
            return False
        return True


class _DateRange(DateRangeFilterSet):
    date_from = DateFilter(field_name="at", lookup_expr="date__gte", label="Date from")
    date_to = DateFilter(field_name="at", lookup_expr="date__lte", label="Date to")


class AuditEntryFilter(_DateRange):
    action = django_filters.ChoiceFilter(choices=AuditEntry.Kind.choices, empty_label="All changes")
    record_type = django_filters.CharFilter(
        label="Record type", lookup_expr="icontains", help_text="For example, core.Agency"
    )
    actor_label = django_filters.CharFilter(
        label="Changed by", lookup_expr="icontains", help_text="Email address, or part of one"
    )
    object_id = django_filters.CharFilter(label="Record number")

    class Meta:
        model = AuditEntry
        fields = ["action", "record_type", "actor_label", "object_id"]


class AccessLogFilter(_DateRange):
    event = django_filters.ChoiceFilter(choices=AccessLogEntry.Event.choices, empty_label="All events")
    user_label = django_filters.CharFilter(
        label="Person", lookup_expr="icontains", help_text="Email address, or part of one"
    )
    record_type = django_filters.CharFilter(label="Record type", lookup_expr="icontains")

    class Meta:
        model = AccessLogEntry
        fields = ["event", "user_label", "record_type"]
