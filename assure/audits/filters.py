import django_filters

from .models import EducationProvider, Phase, ProviderType


class EducationProviderFilter(django_filters.FilterSet):
    provider_type = django_filters.ChoiceFilter(label="Type", choices=ProviderType.choices, empty_label="All types")
    phase = django_filters.ChoiceFilter(choices=Phase.choices, empty_label="All phases")

    class Meta:
        model = EducationProvider
        fields = ["provider_type", "phase"]
