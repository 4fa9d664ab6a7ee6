import django_filters
from django.db.models import Q

from assure.core.models import Job, Partnership

from .models import AggregateDataset, AggregateReturn, DataVersion, DfeRuleFailure, Extract


class AggregateReturnFilter(django_filters.FilterSet):
    dataset = django_filters.ModelChoiceFilter(
        label="Data set", queryset=AggregateDataset.objects.all(), empty_label="All data sets"
    )
    status = django_filters.ChoiceFilter(choices=AggregateReturn.Status.choices, empty_label="Any status")

    class Meta:
        model = AggregateReturn
        fields = ["dataset", "status"]


class ExtractFilter(django_filters.FilterSet):
    """Extracts by where they stand (``Extract.status``), worked out from their dates and the data in use."""

    status = django_filters.ChoiceFilter(
        choices=Extract.Status.choices, empty_label="Any status", method="filter_status"
    )

    class Meta:
        model = Extract
        fields = ["status"]

    def filter_status(self, queryset, name, value):
        open_ = Q(rejection_reason="", cancelled_at__isnull=True, discarded_at__isnull=True)
        in_use = DataVersion.in_use(Partnership.current())
        in_use_ids = in_use.sources.values("extract") if in_use else []
        conditions = {
            Extract.Status.CHECKING: Q(pk__in=queryset.being_checked().values("pk")),
            Extract.Status.FAILED: open_
            & Q(checked_at__isnull=True, used_at__isnull=True, check_job__state=Job.State.FAILED),
            Extract.Status.REJECTED: ~Q(rejection_reason=""),
            Extract.Status.READY: Q(pk__in=queryset.awaiting_decision().values("pk")),
            Extract.Status.IN_USE: Q(pk__in=in_use_ids),
            Extract.Status.NO_LONGER_IN_USE: open_ & Q(used_at__isnull=False) & ~Q(pk__in=in_use_ids),
            Extract.Status.DISCARDED: Q(rejection_reason="", cancelled_at__isnull=True, discarded_at__isnull=False),
            Extract.Status.CANCELLED: Q(rejection_reason="", cancelled_at__isnull=False),
        }
        return queryset.filter(conditions[value])


class DfeRuleFailureFilter(django_filters.FilterSet):
    """Failures by the extract whose files they were found in (the data in use when none is chosen) and by rule."""

    extract = django_filters.ModelChoiceFilter(
        label="Extract",
        queryset=Extract.objects.none(),
        empty_label="The data in use",
        field_name="source__extract",
    )
    rule = django_filters.ChoiceFilter(label="Rule", empty_label="Every rule", method="filter_rule")

    class Meta:
        model = DfeRuleFailure
        fields = ["extract", "rule"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["extract"].queryset = Extract.objects.filter(sources__dfe_failures__isnull=False).distinct()
        rules = sorted(set(self.queryset.values_list("rule", flat=True)))
        self.filters["rule"].extra["choices"] = [(rule, rule) for rule in rules]

    def filter_rule(self, queryset, name, value):
        return queryset.filter(rule=value)
