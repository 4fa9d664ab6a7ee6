import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.apps import apps
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from . import periods
from .audit import AuditedModel, AuditedQuerySet
from .permissions import TWO_FACTOR_ROLES, Area, Role

# AuditEntry is defined beside audit.py, which writes it, and imported from here like every core model.
from .trail import AppendOnlyModel
from .trail import AuditEntry as AuditEntry


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
    # The priority's plan, which governance shows each year beside its evidence and judgements.
    why_chosen = models.TextField(
        "why it was chosen", blank=True, help_text="What told the partners this needs multi-agency attention."
    )
    lead_partner = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"is_statutory_partner": True},
        verbose_name="lead safeguarding partner",
        help_text="The statutory partner that answers for the priority.",
    )
    lead_officer = models.ForeignKey(
        "User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The person who leads the work day to day.",
    )
    outcomes_sought = models.TextField(
        blank=True, help_text="What should be different for children, one outcome on each line."
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
        if self.lead_partner_id and not self.lead_partner.is_statutory_partner:
            raise ValidationError(
                {"lead_partner": "Choose one of the statutory safeguarding partners (local authority, police, health)."}
            )

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.outcomes_sought.splitlines() if line.strip()]


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
    access_logged = True
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
    sessions_ended_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When this person's sessions and password reset links were last ended (an email change, a reset "
        "of their second factor); every session and link made before it stops working.",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    objects = UserManager()

    class Meta:
        ordering = ["full_name"]
        base_manager_name = "objects"  # AbstractUser comes first among the bases: name the audited manager here
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
        # Read once per request (the signed-in person is loaded afresh for each), so a role that
        # ends today or starts tomorrow is honoured on the very next request.
        if not hasattr(self, "_active_roles"):
            self._active_roles = list(self.role_assignments.active_on(timezone.localdate()))
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

    def get_session_auth_hash(self):
        return self._session_auth_hash()

    def get_session_auth_fallback_hash(self):
        from django.conf import settings

        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_auth_hash(secret)

    def _session_auth_hash(self, secret=None) -> str:
        # Django signs sessions with the password hash; adding when sessions were last ended lets an
        # email change or a second-factor reset sign this person out everywhere without a new password.
        ended = self.sessions_ended_at.isoformat() if self.sessions_ended_at else ""
        return salted_hmac(
            "assure.core.User.session_auth_hash", f"{self.password}|{ended}", secret=secret, algorithm="sha256"
        ).hexdigest()

    def end_sessions(self, *, now: datetime | None = None) -> None:
        """End every session of this person and void their password reset links (the caller saves)."""
        self.sessions_ended_at = now or timezone.now()


class RoleAssignmentQuerySet(AuditedQuerySet):
    def active_on(self, day: date):
        """Roles in force on ``day``: started on or before it, and not ended (an end date is the first day without)."""
        return self.filter(started_on__lte=day).filter(models.Q(ended_on__isnull=True) | models.Q(ended_on__gt=day))


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
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(
        null=True, blank=True, help_text="The first day without the role: a role ended today gives no access today."
    )

    objects = RoleAssignmentQuerySet.as_manager()

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
        check_role_terms(self)
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The end date cannot be before the start date."})

    def is_active_on(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)

    @property
    def is_privileged(self) -> bool:
        return self.role in TWO_FACTOR_ROLES


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
    audit_exclude = ("stage", "progress", "stages", "heartbeat_at", "task_result_id")

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
    # The queued task running it (django-tasks' result id), so a worker that died with it can be found.
    task_result_id = models.CharField(max_length=64, blank=True)

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


class WorkerHeartbeat(models.Model):
    """A background worker process saying it is alive: written every few seconds by ``assure db_worker`` (see
    ``core.worker``). Work claimed by a worker that stopped beating is recovered (``core.jobs``), and
    ``/healthz/worker`` answers 503 when a queue has no worker beating. Machinery, not a record anyone changes:
    not audited."""

    worker_id = models.CharField(max_length=64, unique=True)
    queues = models.CharField(max_length=200)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    beat_at = models.DateTimeField(default=timezone.now)
    # Set when the worker stops cleanly, or gives up an identity after losing the database mid-task.
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-beat_at"]

    def __str__(self):
        return f"Worker {self.worker_id} ({self.queues}) on {self.hostname}"

    @property
    def queue_names(self) -> list[str]:
        return [name for name in self.queues.split(",") if name]


def check_role_terms(terms) -> None:
    """What a role held or requested must say: the agency an agency lead or lead partner answers for, and so on."""
    if terms.role in (Role.AGENCY_LEAD, Role.LEAD_PARTNER) and not terms.agency_id:
        message = (
            "Choose the agency this person leads for."
            if terms.role == Role.AGENCY_LEAD
            else "Choose the statutory safeguarding partner this person heads or deputises for."
        )
        raise ValidationError({"agency": message})
    if terms.role == Role.LEAD_PARTNER and not terms.agency.is_statutory_partner:
        raise ValidationError(
            {"agency": "Choose the statutory safeguarding partner this person heads or deputises for."}
        )
    if terms.delegate_for_id and terms.role != Role.LEAD_PARTNER:
        raise ValidationError({"delegate_for": "Only a lead safeguarding partner can have a delegate."})
    if terms.delegate_for_id and terms.delegate_for_id == terms.user_id:
        raise ValidationError({"delegate_for": "A lead safeguarding partner cannot be their own delegate."})


def new_link_token() -> tuple[str, str]:
    """A random token for an emailed link, and the hash Assure keeps of it (the token itself is never stored)."""
    token = secrets.token_urlsafe(32)
    return token, link_token_hash(token)


def link_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PrivilegedGrantQuerySet(AuditedQuerySet):
    def pending(self, now: datetime | None = None):
        now = now or timezone.now()
        return self.filter(
            approved_at__isnull=True, refused_at__isnull=True, requested_at__gt=now - PrivilegedGrant.LAPSES_AFTER
        )


class PrivilegedGrant(AuditedModel):
    """A request to give someone a role that needs a second factor.

    It gives no access until a second person approves it: a partnership admin other than the one who
    asked, or a lead safeguarding partner. Approval makes the role (a ``RoleAssignment``); a request
    nobody approves within 14 days lapses. Nobody asks for a grant for themselves.
    """

    LAPSES_AFTER = timedelta(days=14)

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        LAPSED = "lapsed", "Lapsed"

    permission_area = Area.PEOPLE
    agency_path = "user__agency"
    owner_path = "user"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="privileged_grants")
    role = models.CharField(max_length=30, choices=Role.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    delegate_for = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    started_on = models.DateField("starts on", default=timezone.localdate)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    refused_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    refused_at = models.DateTimeField(null=True, blank=True)
    assignment = models.OneToOneField(
        RoleAssignment, on_delete=models.PROTECT, null=True, blank=True, related_name="grant"
    )

    objects = PrivilegedGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "privileged role grant"
        constraints = [
            models.CheckConstraint(condition=~models.Q(requested_by=models.F("user")), name="grant_not_self_requested"),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | (~models.Q(approved_by=models.F("requested_by")) & ~models.Q(approved_by=models.F("user"))),
                name="grant_approved_by_someone_else",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_at__isnull=True) | models.Q(refused_at__isnull=True),
                name="grant_approved_or_refused_not_both",
            ),
        ]

    def __str__(self):
        role = Role(self.role).label
        return f"{role} for {self.user}" + (f" ({self.agency})" if self.agency_id else "")

    def clean(self):
        check_role_terms(self)
        if self.role not in TWO_FACTOR_ROLES:
            raise ValidationError({"role": f"{Role(self.role).label} does not need approval: give it directly."})

    def get_absolute_url(self):
        return reverse("core:grant-detail", args=[self.pk])

    @property
    def lapses_at(self) -> datetime:
        return self.requested_at + self.LAPSES_AFTER

    def status(self, now: datetime | None = None) -> "PrivilegedGrant.Status":
        if self.approved_at:
            return self.Status.APPROVED
        if self.refused_at:
            return self.Status.REFUSED
        return self.Status.LAPSED if (now or timezone.now()) >= self.lapses_at else self.Status.PENDING

    @property
    def status_label(self) -> str:
        return self.status().label

    @property
    def is_pending(self) -> bool:
        return self.status() == self.Status.PENDING


class Invitation(AuditedModel):
    """An emailed link with which a new person sets their password (and, if their role needs one, a second factor).

    Single use, valid for 7 days; sending a new one withdraws the earlier ones.
    """

    VALID_FOR = timedelta(days=7)

    permission_area = Area.PEOPLE
    agency_path = "user__agency"
    owner_path = "user"
    audit_masked = ("token_hash",)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return f"Invitation for {self.user}"

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None and (now or timezone.now()) < self.expires_at


class EmailChange(AuditedModel):
    """A new email address waiting to be confirmed from that address; until then the old one stays in use."""

    VALID_FOR = timedelta(days=7)

    permission_area = Area.PEOPLE
    agency_path = "user__agency"
    owner_path = "user"
    audit_masked = ("token_hash",)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_changes")
    new_email = models.EmailField("new email address")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Email change for {self.user}"

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.confirmed_at is None and self.withdrawn_at is None and (now or timezone.now()) < self.expires_at


class TwoFactorEnrolment(AuditedModel):
    """Permission to set up a second factor.

    Given by accepting an invitation, or by a partnership admin resetting a lost device (or approving
    a role that needs one); never by a password reset, so someone who takes over a mailbox cannot
    add their own authenticator. Used once, valid for 7 days.
    """

    VALID_FOR = timedelta(days=7)

    class Reason(models.TextChoices):
        INVITATION = "invitation", "Accepted an invitation"
        RESET = "reset", "Second factor reset by a partnership admin"
        GRANT = "grant", "Given a role that needs a second factor"

    permission_area = Area.PEOPLE
    agency_path = "user__agency"
    owner_path = "user"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="two_factor_enrolments")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    given_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = "two-factor set-up"

    def __str__(self):
        return f"Two-factor set-up for {self.user}"

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.used_at is None and (now or timezone.now()) < self.expires_at


class AccessLogEntry(AppendOnlyModel):
    """A view or export of a sensitive record, a refused attempt to open a page or record, or a sign-in event."""

    class Event(models.TextChoices):
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGN_OUT = "sign_out", "Signed out"
        LOCKED_OUT = "locked_out", "Locked out"
        REFUSED = "refused", "Refused"
        VIEW_SHARED = "view_shared", "Viewed through a share"

    permission_area = Area.AUDIT_TRAIL

    at = models.DateTimeField(db_default=Now(), db_index=True)
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


class RecordGrantQuerySet(AuditedQuerySet):
    def active(self, today: date | None = None):
        """Shares in force on ``today`` (Europe/London): not revoked, and not past the end of their last day."""
        return self.filter(revoked_at__isnull=True, expires_on__gte=today or timezone.localdate())

    def of_record(self, record):
        return self.filter(record_type=record._meta.label, object_id=record.pk)


class RecordGrant(AuditedModel):
    """A share: one person may read one record their roles do not reach, for a reason, until the end of a day.

    The one per-record grant (LADO shares, review participants): ``core.permissions.scoped`` honours it for
    viewing only, never for changing, downloading or sharing on; a revoked or lapsed share stops working on the
    next request. ``core.record_grants`` creates and revokes shares and holds the pages that manage them.
    """

    # Who may see what is the people-and-roles area's business; a share of a compartment record is shown only
    # inside the compartment (core.permissions.compartment_of).
    permission_area = Area.PEOPLE

    grantee = models.ForeignKey(User, on_delete=models.PROTECT, related_name="record_grants")
    record_type = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    reason = models.TextField()
    expires_on = models.DateField(help_text="The share ends at midnight at the end of this day.")
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = RecordGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = "share"
        indexes = [models.Index(fields=["grantee", "record_type"]), models.Index(fields=["record_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | models.Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="record_grant_revoked_by_someone",
            ),
            models.CheckConstraint(
                condition=~models.Q(grantee=models.F("granted_by")), name="record_grant_not_to_oneself"
            ),
        ]

    def __str__(self):
        return f"Share of {self.record_model._meta.verbose_name} {self.object_id} with {self.grantee}"

    @property
    def record_model(self):
        return apps.get_model(self.record_type)

    @property
    def record(self):
        return self.record_model._base_manager.filter(pk=self.object_id).first()

    def status(self, today: date | None = None) -> str:
        """Active, Expired or Revoked: derived from the dates, never stored."""
        if self.revoked_at:
            return "Revoked"
        return "Active" if self.expires_on >= (today or timezone.localdate()) else "Expired"


class AuditSeal(AppendOnlyModel):
    """One entry's link in its log's keyed hash chain (``chain.py``), added by the sealing job.

    The seals live apart from the entries so that the logs stay insert-only, for the sealing
    job too: it runs as the application, whose database role may not update them.
    """

    class Log(models.TextChoices):
        AUDIT_TRAIL = "audit_trail", "Audit trail"
        ACCESS_LOG = "access_log", "Access log"

    permission_area = Area.AUDIT_TRAIL
    time_field = "sealed_at"

    log = models.CharField(max_length=20, choices=Log.choices)
    entry_id = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["log", "entry_id"]
        constraints = [models.UniqueConstraint(fields=["log", "entry_id"], name="one_seal_per_entry")]

    def __str__(self):
        return f"{self.get_log_display()} seal of entry {self.entry_id}"
