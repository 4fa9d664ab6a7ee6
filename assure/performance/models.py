from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from assure.core import periods
from assure.core.audit import AuditedModel, AuditedQuerySet, DerivedRecord, Sentence
from assure.core.models import Agency, Job, Partnership, User
from assure.core.permissions import Area


class ExtractQuerySet(AuditedQuerySet):
    """Extracts by where they stand. Whether an extract is in use depends on the data in use, so only the states
    its own dates decide are here; ``Extract.status`` says the rest."""

    def awaiting_decision(self):
        """Checked, and neither used, discarded nor cancelled: the analyst has to say whether to use it."""
        return self.filter(
            checked_at__isnull=False,
            used_at__isnull=True,
            discarded_at__isnull=True,
            cancelled_at__isnull=True,
            rejection_reason="",
        )

    def being_checked(self):
        return self.filter(
            checked_at__isnull=True,
            discarded_at__isnull=True,
            cancelled_at__isnull=True,
            rejection_reason="",
            check_job__state__in=[Job.State.QUEUED, Job.State.RUNNING],
        )


class Extract(AuditedModel):
    """One upload of child-level data (one file, a zip, a workbook, or several list CSVs at once), its check, and
    what became of it. Nothing it holds reaches the data in use until someone chooses "Use this extract"."""

    permission_area = Area.CHILD_LEVEL
    access_logged = True
    audit_sentences = (
        Sentence("uploaded {record}", action="create"),
        Sentence("put {record} in use", field="used_at"),
        Sentence("discarded {record}", field="discarded_at"),
        Sentence("cancelled the check of {record}", field="cancelled_at"),
    )

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"
        FAILED = "failed", "Check failed"
        REJECTED = "rejected", "Rejected"
        READY = "ready", "Ready to check"
        IN_USE = "in_use", "In use"
        NO_LONGER_IN_USE = "no_longer_in_use", "No longer in use"
        DISCARDED = "discarded", "Discarded"
        CANCELLED = "cancelled", "Cancelled"

    TAG_COLOURS = {
        Status.CHECKING: "blue",
        Status.FAILED: "red",
        Status.REJECTED: "red",
        Status.READY: "yellow",
        Status.IN_USE: "green",
        Status.NO_LONGER_IN_USE: "grey",
        Status.DISCARDED: "grey",
        Status.CANCELLED: "grey",
    }

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="extracts")
    original_name = models.CharField(
        "file", max_length=255, help_text="The uploaded file's name as the person knew it, or the files' names."
    )
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    check_job = models.ForeignKey(Job, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    row_errors = models.JSONField(default=list)
    # Real risks (a list no indicator reads, text read as Latin-1), shown as warnings; information (a CIN census read
    # as a mid-year extract) as inset text.
    warnings = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    # The data the extract would put in use: the data in use when it was checked, with its sources in place of the
    # same sources there. Its figures are worked out during the check.
    staged_version = models.ForeignKey(
        "DataVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="staged_for"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    discarded_at = models.DateTimeField(null=True, blank=True)
    discarded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # When none of its sources was in use any more (empty while one is): its files are deleted some days later.
    out_of_use_since = models.DateTimeField(null=True, blank=True)
    files_deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the uploaded files were deleted under the retention rules."
    )

    objects = ExtractQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        base_manager_name = "objects"

    def __str__(self):
        return f"{self.original_name} ({timezone.localtime(self.uploaded_at):%-d %b %Y})"

    def get_absolute_url(self):
        return reverse("performance:extract-detail", args=[self.pk])

    def status_in(self, in_use: "DataVersion | None") -> "Extract.Status":
        """Where the extract stands, given the data in use."""
        if self.rejection_reason:
            return self.Status.REJECTED
        if self.cancelled_at:
            return self.Status.CANCELLED
        if self.discarded_at:
            return self.Status.DISCARDED
        if self.used_at:
            if in_use is not None and in_use.sources.filter(extract=self).exists():
                return self.Status.IN_USE
            return self.Status.NO_LONGER_IN_USE
        if self.checked_at:
            return self.Status.READY
        if self.check_job_id and self.check_job.state == Job.State.FAILED:
            return self.Status.FAILED
        return self.Status.CHECKING

    @property
    def status(self) -> "Extract.Status":
        return self.status_in(DataVersion.in_use(self.partnership))

    @property
    def is_staged(self) -> bool:
        """Waiting to be used or dropped: being checked, checked, or failed and waiting to be tried again."""
        return self.status in (self.Status.CHECKING, self.Status.READY, self.Status.FAILED)


class ExtractFile(AuditedModel):
    """One file of an upload, kept outside the web root until the retention rules delete it."""

    permission_area = Area.CHILD_LEVEL

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="files")
    original_name = models.CharField("file", max_length=255)
    stored_file = models.FileField(upload_to="extracts/%Y/%m/", max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["extract", "pk"]

    def __str__(self):
        return self.original_name


class ExtractSource(AuditedModel):
    """One source an upload holds (decisions.md, "A source"): an Annex A list, a CIN collection year, or an SSDA903
    header or episodes file's collection year. Its events are kept as Parquet files; a data version is a set of
    sources, at most one of each key."""

    permission_area = Area.CHILD_LEVEL

    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="sources")
    key = models.CharField(max_length=40, help_text="annex_a:3, cin:2019, ssda903_episodes:2019…")
    # Where the source stands in the fixed merging order: Annex A lists 1 to 8, CIN by collection year, SSDA903
    # header then episodes, by year.
    position = models.CharField(max_length=20)
    label = models.CharField(max_length=100)
    file_name = models.CharField("from", max_length=300)
    folder = models.CharField(max_length=255)
    reference_date = models.DateField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    children = models.PositiveIntegerField(default=0)
    first_date = models.DateField(null=True, blank=True)
    last_date = models.DateField(null=True, blank=True)
    records_by_year = models.JSONField(default=dict, help_text="Records per reporting year, by its start year.")
    records_by_kind = models.JSONField(default=dict, help_text="Records per kind of event (referral, cpp…).")
    # Set during the check: how it compares with the same source in the data in use then.
    comparison = models.JSONField(default=dict)
    dfe_rules = models.JSONField(default=dict, help_text="What the DfE rules found, or why they could not look.")
    folder_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["extract", "key"], name="one_source_per_key_per_extract")]

    def __str__(self):
        return f"{self.label} from {self.file_name}"


class DfeRuleFailure(DerivedRecord):
    """One place a DfE validation rule failed in a source's file: the rule, its message, the pseudonymised child and
    the field. Derived from the file by the validators; the source is the audited record."""

    source = models.ForeignKey(ExtractSource, on_delete=models.CASCADE, related_name="dfe_failures")
    rule = models.CharField(max_length=20)
    message = models.TextField()
    child = models.CharField(max_length=64, blank=True)
    field = models.CharField(max_length=100, blank=True)
    table = models.CharField(max_length=60, blank=True)
    row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["rule", "pk"]
        indexes = [models.Index(fields=["source", "rule"])]

    def __str__(self):
        return f"{self.rule}: {self.message}"


class DataVersion(AuditedModel):
    """The canonical events of one set of sources, merged, as Parquet files. The data in use is the version last
    put in use ("Use this extract", or "Go back to this version")."""

    permission_area = Area.CHILD_LEVEL
    access_logged = True
    audit_sentences = (
        # Going back gives a reason; using an extract clears it.
        Sentence("went back to {record}", field="went_back_reason"),
        Sentence("put {record} in use", field="in_use_since"),
    )

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="data_versions")
    created_at = models.DateTimeField(default=timezone.now)
    sources = models.ManyToManyField(ExtractSource, related_name="data_versions")
    # The data in use this version was built from (its other sources are that version's).
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Relative to the data folder (performance.services.version_folder), so a backup restores elsewhere.
    folder = models.CharField(max_length=255)
    reference_date = models.DateField(null=True, blank=True)
    event_counts = models.JSONField(default=dict)
    in_use_since = models.DateTimeField(null=True, blank=True)
    put_in_use_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    went_back_reason = models.TextField("reason for going back", blank=True)
    removed_at = models.DateTimeField(
        null=True, blank=True, help_text="When its files were deleted under the retention rules."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self):
        return f"Data version {self.pk} ({timezone.localtime(self.created_at):%-d %b %Y %H:%M})"

    @classmethod
    def in_use(cls, partnership) -> "DataVersion | None":
        """The data in use: the version last put in use."""
        return (
            cls.objects.filter(partnership=partnership, in_use_since__isnull=False)
            .order_by("-in_use_since", "-pk")
            .first()
        )

    @property
    def in_use_token(self) -> str:
        """What changes whenever this version is put in use again: a page drawn before that is out of date."""
        return f"{self.pk}:{self.in_use_since.isoformat() if self.in_use_since else ''}"


class IndicatorRun(AuditedModel):
    """One computation of every indicator over a data version, for a set of periods."""

    permission_area = Area.PERFORMANCE

    data_version = models.ForeignKey(DataVersion, on_delete=models.PROTECT, related_name="runs")
    started_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        get_latest_by = ["started_at", "pk"]

    def __str__(self):
        return f"Indicator run {self.pk} on {self.data_version}"


class Publication(AuditedModel):
    """An analyst's publication of a run: from then, until it is withdrawn or a later one is made, the run in force,
    the figures everyone but the analyst sees."""

    permission_area = Area.PERFORMANCE
    audit_sentences = (
        Sentence("published {record}", action="create"),
        Sentence("withdrew {record}", field="withdrawn_at"),
    )

    run = models.ForeignKey(IndicatorRun, on_delete=models.PROTECT, related_name="publications")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    withdrawal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return f"the figures published on {timezone.localtime(self.published_at):%-d %B %Y}"


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
