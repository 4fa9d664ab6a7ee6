from datetime import date

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from . import periods
from .audit import AuditedModel, AuditedQuerySet
from .permissions import TWO_FACTOR_ROLES, Area, Role


class Partnership(AuditedModel):
    permission_area = Area.PARTNERSHIP

    name = models.CharField(max_length=200, unique=True)
    area = models.CharField("local authority area", max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @classmethod
    def current(cls):
        """The partnership this installation serves (one partnership per installation)."""
        return cls.objects.order_by("pk").first()


class ReportingYear(AuditedModel):
    """A 1 April to 31 March reporting year, with the population that rates are per."""

    permission_area = Area.PARTNERSHIP

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="reporting_years")
    start_year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    population_0_17 = models.PositiveIntegerField(
        "0 to 17 population",
        null=True,
        blank=True,
        help_text="The ONS mid-year estimate of children aged 0 to 17, used for rates per 10,000.",
    )
    population_source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "start_year"], name="one_reporting_year_per_start")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return periods.reporting_year_label(self.start_year)

    @property
    def period(self) -> periods.Period:
        return periods.reporting_year(self.start_year)

    @property
    def quarters(self) -> list[periods.Period]:
        return periods.quarters(self.start_year)

    def get_absolute_url(self):
        return reverse("core:reporting-year-edit", args=[self.pk])


class Sector(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary and community"
    OTHER = "other", "Other"


class Agency(AuditedModel):
    permission_area = Area.PARTNERSHIP
    agency_path = "pk"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    is_statutory_partner = models.BooleanField(
        "statutory safeguarding partner",
        default=False,
        help_text="The local authority, the chief officer of police and the health commissioner. Other agencies are relevant agencies the partners name.",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_name_unique_in_partnership")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("core:agency-detail", args=[self.pk])

    @property
    def partner_type(self) -> str:
        return "Safeguarding partner" if self.is_statutory_partner else "Relevant agency"


class Priority(AuditedModel):
    """A strategic priority the partnership sets (early help, neglect, exploitation…)."""

    permission_area = Area.PARTNERSHIP

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="priorities")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60)
    description = models.TextField(blank=True)
    first_year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="+")
    last_year = models.ForeignKey(
        ReportingYear,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="Leave empty while the priority continues.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "priorities"
        constraints = [models.UniqueConstraint(fields=["partnership", "slug"], name="priority_slug_unique")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.last_year_id and self.first_year_id and self.last_year.start_year < self.first_year.start_year:
            raise ValidationError({"last_year": "The last year cannot be before the first year."})


class UserManager(BaseUserManager.from_queryset(AuditedQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("A person needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser, AuditedModel):
    """A person who works in the partnership, with or without the means to sign in."""

    permission_area = Area.PEOPLE
    agency_path = "agency"
    owner_path = "pk"
    audit_exclude = ("last_login",)
    audit_masked = ("password",)

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="people")
    is_demo_account = models.BooleanField(default=False, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_absolute_url(self):
        return reverse("core:person-detail", args=[self.pk])

    def active_role_assignments(self):
        # Cached per request: every permission check reads it.
        if not hasattr(self, "_active_roles"):
            self._active_roles = list(self.role_assignments.filter(ended_on__isnull=True))
        return self._active_roles

    def roles(self) -> set[str]:
        return {assignment.role for assignment in self.active_role_assignments()}

    def needs_two_factor(self) -> bool:
        from django.conf import settings

        if not settings.ASSURE_TWO_FACTOR_REQUIRED:
            return False
        if settings.ASSURE_ENV == "demo" and self.is_demo_account:
            return False
        return bool(self.roles() & TWO_FACTOR_ROLES)


class RoleAssignment(AuditedModel):
    permission_area = Area.PEOPLE
    agency_path = "user__agency"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        help_text="Required for an agency lead (the agency whose records they answer for) and a lead safeguarding "
        "partner (the statutory partner they head or deputise for).",
    )
    delegate_for = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegates",
        help_text="For a lead safeguarding partner's recorded delegate: the lead partner they act for.",
    )
    started_on = models.DateField(default=date.today)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=[Role.AGENCY_LEAD, Role.LEAD_PARTNER]) | models.Q(agency__isnull=False),
                name="agency_lead_has_agency",
            ),
            models.CheckConstraint(
                condition=models.Q(delegate_for__isnull=True) | models.Q(role=Role.LEAD_PARTNER),
                name="only_lead_partners_have_delegates",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(ended_on__isnull=True, agency__isnull=True),
                name="one_open_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "agency"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_role_per_agency",
            ),
        ]

    def __str__(self):
        label = Role(self.role).label
        if self.delegate_for_id:
            label = f"{label}, delegate of {self.delegate_for}"
        return f"{label} ({self.agency})" if self.agency_id else label

    def clean(self):
        if self.role == Role.AGENCY_LEAD and not self.agency_id:
            raise ValidationError({"agency": "Choose the agency this person leads for."})
        if self.role == Role.LEAD_PARTNER and not (self.agency_id and self.agency.is_statutory_partner):
            raise ValidationError(
                {"agency": "Choose the statutory safeguarding partner this person heads or deputises for."}
            )
        if self.delegate_for_id and self.role != Role.LEAD_PARTNER:
            raise ValidationError({"delegate_for": "Only a lead safeguarding partner can have a delegate."})
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The end date cannot be before the start date."})


class Job(AuditedModel):
    """Background work someone is waiting for (an import, an indicator run, a validation, a report's rendering):
    what it is, who started it, its state, the stage it has reached and, where the stage can tell, how far
    through it is. ``core.jobs`` starts and moves jobs; only it writes these fields."""

    class Kind(models.TextChoices):
        IMPORT = "import", "Import"
        INDICATOR_RUN = "indicator_run", "Indicator run"
        VALIDATION = "validation", "DfE validation"
        REPORT_RENDERING = "report_rendering", "Report rendering"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    # The area whose permission lets someone other than the starter follow a job of each kind.
    KIND_AREAS = {
        Kind.IMPORT: Area.CHILD_LEVEL,
        Kind.INDICATOR_RUN: Area.CHILD_LEVEL,
        Kind.VALIDATION: Area.CHILD_LEVEL,
        Kind.REPORT_RENDERING: Area.REPORTS,
    }
    STATE_TAG_COLOURS = {State.QUEUED: "grey", State.RUNNING: "blue", State.SUCCEEDED: "green", State.FAILED: "red"}

    # The most guarded of the kinds' areas, so ``scoped()`` never shows a job too widely; ``core.jobs`` widens
    # it per kind.
    permission_area = Area.CHILD_LEVEL
    owner_path = "started_by"
    # Stage and progress change every few seconds while a job runs: the trail keeps its state changes instead.
    audit_exclude = ("stage", "progress", "stages", "heartbeat_at")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField(max_length=200, help_text="What the work is, in people's words.")
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)], help_text="Per cent done, where the stage can tell."
    )
    stages = models.JSONField(default=list, help_text="Each stage reached, with when.")
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    retry_count = models.PositiveSmallIntegerField(default=0)
    # How to run it (again): a django-tasks task taking ``job_id`` and these keyword arguments.
    task_path = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict)
    # The record the work is about (model label and primary key), as in the audit trail.
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    result_path = models.CharField(max_length=300, blank=True, help_text="The page that shows the result.")
    start_path = models.CharField(max_length=300, blank=True, help_text="The page to start the work again from.")

    class Meta:
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["record_type", "record_id"]), models.Index(fields=["state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True) | models.Q(progress__lte=100), name="job_progress_percent"
            )
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("core:job-detail", args=[self.pk])

    @property
    def area(self) -> Area:
        return self.KIND_AREAS[self.Kind(self.kind)]

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def state_colour(self) -> str:
        return self.STATE_TAG_COLOURS[self.State(self.state)]


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only")

    def delete(self):
        raise PermissionError("The audit trail is append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only")


class AuditEntry(AppendOnlyModel):
    """One create, update or delete of a domain record, with field-level before and after."""

    class Kind(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    permission_area = Area.AUDIT_TRAIL

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+")
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=Kind.choices)
    record_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["record_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.get_action_display()} {self.record_type} {self.object_id}"

    def get_absolute_url(self):
        return reverse("core:audit-entry", args=[self.pk])


class AccessLogEntry(AppendOnlyModel):
    """A view or export of a sensitive record, or a sign-in event."""

    class Event(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGN_OUT = "sign_out", "Signed out"
        LOCKED_OUT = "locked_out", "Locked out"

    permission_area = Area.AUDIT_TRAIL

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(User, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+")
    user_label = models.CharField(max_length=200)
    event = models.CharField(max_length=20, choices=Event.choices)
    record_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "access log entries"

    def __str__(self):
        return f"{self.user_label} {self.get_event_display()} {self.object_repr}".strip()
