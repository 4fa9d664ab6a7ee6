import django_filters

from .models import AggregateDataset, AggregateReturn


class AggregateReturnFilter(django_filters.FilterSet):
    dataset = django_filters.ModelChoiceFilter(
        label="Data set", queryset=AggregateDataset.objects.all(), empty_label="All data sets"
    )
    status = django_filters.ChoiceFilter(choices=AggregateReturn.Status.choices, empty_label="Any status")

    class Meta:
        model = AggregateReturn
        fields = ["dataset", "status"]
