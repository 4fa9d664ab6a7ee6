from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from assure.core import periods
from assure.core.audit import AuditedModel, DerivedRecord, Sentence
from assure.core.models import Agency, Partnership, User
from assure.core.permissions import Area


class Extract(AuditedModel):
    """An uploaded file of child-level data, and what its import found."""

    permission_area = Area.CHILD_LEVEL
    access_logged = True
    audit_sentences = (Sentence("uploaded {record}", action="create"),)

    class Kind(models.TextChoices):
        ANNEX_A = "annex_a", "Ofsted Annex A (lists 1 to 8)"
        CIN_CENSUS = "cin_census", "DfE children in need census (XML)"
        SSDA903 = "ssda903", "Children looked after return (SSDA903 episodes)"

    class Status(models.TextChoices):
        IMPORTED = "imported", "Imported"
        REJECTED = "rejected", "Rejected"
        REPLACED = "replaced", "Replaced by a later upload"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="extracts")
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True)
    original_name = models.CharField(max_length=255)
    stored_file = models.FileField(upload_to="extracts/%Y/%m/", max_length=255)
    sha256 = models.CharField(max_length=64)
    # What a later upload of the same extract replaces: the kind, plus the census date for
    # CIN census files (each census year is its own extract).
    extract_key = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    rejection_reason = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    reference_date = models.DateField(null=True, blank=True)
    row_counts = models.JSONField(default=dict)
    row_errors = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    replaced_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced")

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.original_name} ({self.uploaded_at:%d %b %Y})"

    def get_absolute_url(self):
        return reverse("performance:extract-detail", args=[self.pk])

    @property
    def rows_imported(self) -> int:
        return sum(count for kind, count in self.row_counts.items() if kind != "child")


class DataVersion(AuditedModel):
    """The canonical events of every extract in use at one moment, as Parquet files."""

    permission_area = Area.CHILD_LEVEL
    access_logged = True

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="data_versions")
    created_at = models.DateTimeField(default=timezone.now)
    extracts = models.ManyToManyField(Extract, related_name="data_versions")
    # The Parquet files' folder, relative to ASSURE_VAR_DIR/data (performance.services.version_folder).
    folder = models.CharField(max_length=255)
    reference_date = models.DateField(null=True, blank=True)
    event_counts = models.JSONField(default=dict)
    # When a superseded version's events were deleted (performance.services.data_versions_prune).
    pruned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self):
        return f"Data version {self.pk} ({self.created_at:%d %b %Y %H:%M})"


class IndicatorRun(AuditedModel):
    """One computation of every indicator over a data version, for a set of periods."""

    permission_area = Area.PERFORMANCE
    audit_sentences = (
        Sentence("published {record}", field="is_published", to=True),
        Sentence("withdrew the publication of {record}", field="is_published", to=False),
    )

    data_version = models.ForeignKey(DataVersion, on_delete=models.PROTECT, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)
    is_published = models.BooleanField(
        default=False, help_text="Published figures are final; until then dashboards mark them provisional."
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        get_latest_by = ["started_at", "pk"]

    def __str__(self):
        return f"Indicator run {self.pk} on {self.data_version}"


class IndicatorResult(DerivedRecord):
    class PeriodKind(models.TextChoices):
        YEAR = "year", "Reporting year"
        QUARTER = "quarter", "Quarter"
        ROLLING = "rolling", "Rolling year"
        CUSTOM = "custom", "Custom period"

    run = models.ForeignKey(IndicatorRun, on_delete=models.CASCADE, related_name="results")
    indicator_id = models.CharField(max_length=60)
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=60)
    population = models.PositiveIntegerField(null=True)
    numerator = models.IntegerField()
    denominator = models.IntegerField(null=True)
    value = models.FloatField(null=True)
    partial = models.BooleanField(default=False)

    class Meta:
        ordering = ["indicator_id", "period_start", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "indicator_id", "period_kind", "period_start", "period_end"],
                name="one_result_per_period",
            )
        ]
        indexes = [models.Index(fields=["indicator_id", "period_kind", "period_start"])]

    def __str__(self):
        return f"{self.indicator_id} {self.period_label}: {self.value}"


class DataQualityResult(DerivedRecord):
    run = models.ForeignKey(IndicatorRun, on_delete=models.CASCADE, related_name="data_quality")
    period_kind = models.CharField(max_length=10, choices=IndicatorResult.PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=60)
    checks = models.JSONField()
    warnings = models.JSONField(default=list)

    class Meta:
        ordering = ["period_start"]


class BenchmarkUpload(AuditedModel):
    """One load of comparator figures: who loaded which file, and every figure it added or changed.

    The figures are derived records, replaced rather than edited: the trail holds this upload instead,
    and its creation entry lists what it brought in.
    """

    permission_area = Area.PERFORMANCE
    audit_sentences = (Sentence("uploaded {record}", action="create"),)

    file_name = models.CharField(max_length=255)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    figure_count = models.PositiveIntegerField("figures in the file")
    new_figures = models.JSONField("figures added", default=list)
    changed_figures = models.JSONField("figures changed", default=list)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = "benchmark upload"

    def __str__(self):
        return f"{self.file_name} ({self.figure_count} figures)"

    def audit_name(self) -> str:
        return f"{self.figure_count} benchmark figures from {self.file_name}"


class Benchmark(DerivedRecord):
    """A published comparator figure (England, region, statistical neighbours), with its year and source."""

    indicator_id = models.CharField(max_length=60)
    geography = models.CharField(max_length=60)  # "England", "West Midlands", "Statistical neighbours"
    period_label = models.CharField(max_length=10)  # reporting year, "2019-20"
    value = models.FloatField()
    source = models.CharField(max_length=300)
    upload = models.ForeignKey(
        BenchmarkUpload,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="figures",
        help_text="The upload that last set this figure.",
    )

    class Meta:
        ordering = ["indicator_id", "geography", "period_label"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_id", "geography", "period_label"], name="one_benchmark_per_year")
        ]

    def __str__(self):
        return f"{self.geography} {self.indicator_id} {self.period_label}: {self.value}"


class IndicatorTarget(AuditedModel):
    permission_area = Area.PERFORMANCE

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="indicator_targets")
    indicator_id = models.CharField(max_length=60)
    start_year = models.PositiveSmallIntegerField(help_text="The reporting year the target is for, by its start year.")
    target = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "indicator_id", "start_year"], name="one_target_per_year")
        ]

    def __str__(self):
        return f"{self.indicator_id} {periods.reporting_year_label(self.start_year)}: {self.target}"

    def get_absolute_url(self):
        return reverse("performance:target-edit", args=[self.pk])


class AggregateDataset(AuditedModel):
    """Figures that are not in child-level data, which agencies submit each quarter (GCP2 use, NRM referrals…)."""

    permission_area = Area.PERFORMANCE

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="aggregate_datasets")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    agencies = models.ManyToManyField(
        Agency, related_name="aggregate_datasets", help_text="The agencies that submit it."
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "code"], name="aggregate_dataset_code_unique")]

    def __str__(self):
        return self.name


class AggregateMeasure(AuditedModel):
    permission_area = Area.PERFORMANCE

    dataset = models.ForeignKey(AggregateDataset, on_delete=models.CASCADE, related_name="measures")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    counts_people = models.BooleanField(
        default=True, help_text="A count of children or individuals: small numbers are hidden in published outputs."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["dataset", "code"], name="aggregate_measure_code_unique")]

    def __str__(self):
        return self.label


class AggregateReturn(AuditedModel):
    """One agency's figures for one data set and quarter: submitted, accepted by the partnership, then locked."""

    permission_area = Area.AGENCY_RETURNS
    agency_path = "agency"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted and locked"

    audit_sentences = (
        Sentence("submitted {record}", field="status", to=Status.SUBMITTED),
        Sentence("accepted and locked {record}", field="status", to=Status.ACCEPTED),
        Sentence("reopened {record}", field="status", to=Status.DRAFT),
    )

    dataset = models.ForeignKey(AggregateDataset, on_delete=models.PROTECT, related_name="returns")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="aggregate_returns")
    start_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(choices=[(n, f"Q{n}") for n in (1, 2, 3, 4)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    unlock_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-start_year", "-quarter", "dataset__name", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "agency", "start_year", "quarter"], name="one_return_per_quarter"
            )
        ]

    def __str__(self):
        return f"{self.dataset} – {self.agency} – {self.period.label}"

    def get_absolute_url(self):
        return reverse("performance:return-detail", args=[self.pk])

    @property
    def period(self) -> periods.Period:
        return periods.quarter(self.start_year, self.quarter)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.ACCEPTED

    def clean(self):
        if self.dataset_id and self.agency_id and not self.dataset.agencies.filter(pk=self.agency_id).exists():
            raise ValidationError({"agency": f"{self.agency} does not submit {self.dataset}."})


class AggregateValue(AuditedModel):
    permission_area = Area.AGENCY_RETURNS
    agency_path = "aggregate_return__agency"

    aggregate_return = models.ForeignKey(AggregateReturn, on_delete=models.CASCADE, related_name="values")
    measure = models.ForeignKey(AggregateMeasure, on_delete=models.PROTECT, related_name="values")
    value = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["aggregate_return", "measure"], name="one_value_per_measure")]

    def __str__(self):
        return f"{self.measure}: {self.value}"
