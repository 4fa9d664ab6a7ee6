import django_filters
from django import forms

from assure.core.models import Agency, Priority

from . import selectors
from .models import SourceKind, Status


class ActionFilter(django_filters.FilterSet):
    source_kind = django_filters.ChoiceFilter(label="Source", choices=SourceKind.choices, empty_label="All sources")
    agency = django_filters.ModelChoiceFilter(
        label="Owner agency", queryset=Agency.objects.all(), empty_label="All agencies"
    )
    priority = django_filters.ModelChoiceFilter(queryset=Priority.objects.all(), empty_label="All priorities")
    status = django_filters.ChoiceFilter(
        label="Status", choices=Status.choices, empty_label="All statuses", field_name="derived_status"
    )
    due = django_filters.ChoiceFilter(
        label="Due", choices=[("soon", "Within the next 14 days")], empty_label="Any time", method="filter_due"
    )
    escalated = django_filters.BooleanFilter(
        label="Escalation",
        field_name="escalated_on",
        lookup_expr="isnull",
        exclude=True,
        widget=forms.Select(choices=[("", "All"), ("true", "Escalated"), ("false", "Not escalated")]),
    )

    def filter_due(self, queryset, name, value):
        return selectors.due_soon(queryset) if value == "soon" else queryset

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        # Only the agencies the person can see actions for are worth offering.
        agencies = kwargs["queryset"].values("agency")
        self.filters["agency"].queryset = Agency.objects.filter(pk__in=agencies)
