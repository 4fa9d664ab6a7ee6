import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from .forms import DateField
from .models import AccessLogEntry, Agency, AuditEntry, RoleAssignment, Sector, User
from .permissions import Role, hidden_record_types
from .sentences import record_type_choices, record_type_labels


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


class _PersonAndRecordType(_DateRange):
    """Filters shared by the audit trail and the access log: who (by name or email address), record type in words."""

    person_fields: tuple[str, str]
    audited_only: bool

    person = django_filters.CharFilter(
        label="Person", method="filter_person", help_text="Their name or email address, or part of either"
    )
    record_type = django_filters.ChoiceFilter(
        label="Record type", empty_label="All record types", method="filter_record_type"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A compartment's record types are not even named to people outside it.
        hidden = hidden_record_types(self.request.user) if self.request is not None else frozenset()
        self.filters["record_type"].extra["choices"] = [
            (slug, name)
            for slug, name in record_type_choices(audited_only=self.audited_only)
            if not hidden.intersection(record_type_labels(slug, audited_only=self.audited_only))
        ]

    def filter_record_type(self, queryset, name, value):
        return queryset.filter(record_type__in=record_type_labels(value, audited_only=self.audited_only))

    def filter_person(self, queryset, name, value):
        label, full_name = self.person_fields
        return queryset.filter(Q(**{f"{label}__icontains": value}) | Q(**{f"{full_name}__icontains": value}))


class AuditEntryFilter(_PersonAndRecordType):
    person_fields = ("actor_label", "actor__full_name")
    audited_only = True

    action = django_filters.ChoiceFilter(label="Change", choices=AuditEntry.Kind.choices, empty_label="All changes")

    class Meta:
        model = AuditEntry
        fields = ["person", "record_type", "action"]


class AccessLogFilter(_PersonAndRecordType):
    person_fields = ("user_label", "user__full_name")
    audited_only = False

    event = django_filters.ChoiceFilter(choices=AccessLogEntry.Event.choices, empty_label="All events")

    class Meta:
        model = AccessLogEntry
        fields = ["person", "record_type", "event"]
