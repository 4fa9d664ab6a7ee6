import django_filters

from . import selectors
from .models import EducationProvider, Phase, ProviderType, ReturnStatus, Section11Round


class EducationProviderFilter(django_filters.FilterSet):
    provider_type = django_filters.ChoiceFilter(label="Type", choices=ProviderType.choices, empty_label="All types")
    phase = django_filters.ChoiceFilter(choices=Phase.choices, empty_label="All phases")

    class Meta:
        model = EducationProvider
        fields = ["provider_type", "phase"]


class Section11ReturnFilter(django_filters.FilterSet):
    round = django_filters.ModelChoiceFilter(queryset=Section11Round.objects.all(), empty_label="All rounds")
    status = django_filters.ChoiceFilter(
        choices=[
            *ReturnStatus.choices,
            ("to_moderate", "Submitted, to moderate"),
            ("moderated", "Moderated"),
            ("late", "Late"),
        ],
        empty_label="Any status",
        method="filter_status",
    )

    def filter_status(self, queryset, name, value):
        if value == "to_moderate":
            return selectors.to_moderate(queryset)
        if value == "moderated":
            return selectors.moderated(queryset)
        if value == "late":
            return selectors.late(queryset)
        return queryset.filter(status=value)
