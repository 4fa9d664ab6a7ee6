"""The multi-agency training programme: modules, courses, bookings, charging and evaluation.

Figures in the training reports are computed from these records (attendance from bookings,
averages from evaluation responses); nothing is typed in as a total.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from assure.core.audit import AuditedModel, Sentence
from assure.core.models import Agency, Partnership, Priority, ReportingYear
from assure.core.permissions import Area
from assure.core.workdays import working_days_between

SCORE_VALIDATORS = [
    MinValueValidator(0, "Enter a score from 0 to 10"),
    MaxValueValidator(10, "Enter a score from 0 to 10"),
]
MONEY = {"max_digits": 8, "decimal_places": 2, "default": Decimal("0.00"), "validators": [MinValueValidator(0)]}


class Delivery(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    VIRTUAL = "virtual", "Virtual"
    BLENDED = "blended", "Blended"


class Module(AuditedModel):
    """A module of the partnership's training programme, such as 6c: Neglect – GCP2."""

    permission_area = Area.TRAINING

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="training_modules")
    code = models.CharField(max_length=10, help_text="The module's number in the programme, for example 6c.")
    title = models.CharField(max_length=200)
    priority = models.ForeignKey(
        Priority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_modules",
        help_text="The partnership priority this module serves, if any.",
    )
    hours = models.DecimalField(
        "length in hours", max_digits=3, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    learning_outcomes = models.TextField(blank=True)
    delivery = models.CharField(max_length=20, choices=Delivery.choices, default=Delivery.FACE_TO_FACE)
    active = models.BooleanField("open for new courses", default=True)
    tool_return = models.SlugField(
        "return recording use of the tool",
        max_length=40,
        blank=True,
        help_text="For a module that teaches a tool: the code of the agencies' quarterly return on its use, for example gcp2.",
    )

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["partnership", "code"], name="training_module_code_unique")]

    def __str__(self):
        return f"Module {self.code}: {self.title}"

    def get_absolute_url(self):
        return reverse("training:module-detail", args=[self.pk])


class CourseStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Course(AuditedModel):
    """One dated run of a module."""

    permission_area = Area.TRAINING
    audit_sentences = (Sentence("cancelled {record}", field="status", to=CourseStatus.CANCELLED),)

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="courses")
    edition = models.CharField(
        max_length=100,
        blank=True,
        help_text="When a module's content changed, the version this run teaches, for example Wider exploitation.",
    )
    date = models.DateField()
    start_time = models.TimeField(default="09:30")
    end_time = models.TimeField(default="12:30")
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField("online joining link", blank=True)
    trainer = models.CharField(max_length=200)
    capacity = models.PositiveSmallIntegerField("places", validators=[MinValueValidator(1)])
    booking_deadline = models.DateField(help_text="The last day people can book.")
    late_cancellation_working_days = models.PositiveSmallIntegerField(
        "late cancellation cut-off (working days)",
        default=5,
        help_text="Cancelling fewer working days than this before the course counts as a late cancellation.",
    )
    status = models.CharField(max_length=20, choices=CourseStatus.choices, default=CourseStatus.SCHEDULED)
    cancellation_reason = models.CharField(max_length=300, blank=True)
    # Calendar files sent for the course carry this: raised whenever its date, times or place change, so a calendar
    # replaces the event it already holds.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-date", "start_time"]

    def __str__(self):
        return f"{self.module}, {self.date:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("training:course-detail", args=[self.pk])

    def clean(self):
        errors = {}
        if not self.venue and not self.online_link:
            errors["venue"] = "Enter a venue or an online joining link"
        if self.date and self.booking_deadline and self.booking_deadline > self.date:
            errors["booking_deadline"] = "The booking deadline must be on or before the course date"
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = "The end time must be after the start time"
        if self.status == CourseStatus.CANCELLED and not self.cancellation_reason.strip():
            errors["cancellation_reason"] = "Enter why the course was cancelled"
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.status == CourseStatus.CANCELLED

    def places_taken(self) -> int:
        return self.bookings.filter(status__in=BookingStatus.holding_a_place()).count()

    def places_left(self) -> int:
        return max(self.capacity - self.places_taken(), 0)

    def is_open_for_booking(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == CourseStatus.SCHEDULED and today <= self.booking_deadline

    def availability(self, today: date | None = None, *, places_taken: int | None = None) -> tuple[str, str]:
        """The course's tag in words and its colour, derived (never stored): "12 places left", "Full — join the
        waiting list", "Booking closed", "Delivered" or "Cancelled". ``places_taken`` saves a query when a list
        counted it."""
        today = today or timezone.localdate()
        if self.status == CourseStatus.CANCELLED:
            return "Cancelled", "red"
        if self.date < today:
            return "Delivered", "grey"
        if today > self.booking_deadline:
            return "Booking closed", "orange"
        left = max(self.capacity - (self.places_taken() if places_taken is None else places_taken), 0)
        if left == 0:
            return "Full — join the waiting list", "yellow"
        return f"{left} place{'s' if left != 1 else ''} left", "green"


class WorkforceRole(models.TextChoices):
    """The roles the workforce development strategy expects to train every year."""

    REFERRER = "referrer", "Regularly makes child protection referrals"
    CONFERENCE = "conference", "Attends child protection conferences or core groups"
    SUPERVISOR = "supervisor", "Manages or supervises practitioners who do"
    OTHER = "other", "Another role"

    @classmethod
    def in_strategy(cls) -> list[str]:
        return [cls.REFERRER, cls.CONFERENCE, cls.SUPERVISOR]


class BookingStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting manager approval"
    BOOKED = "booked", "Booked"
    WAITING_LIST = "waiting_list", "On the waiting list"
    CANCELLED = "cancelled", "Cancelled"
    DECLINED = "declined", "Not approved"

    @classmethod
    def holding_a_place(cls) -> list[str]:
        # A booking awaiting its manager's approval keeps its place, so approval never finds the course full.
        return [cls.AWAITING_APPROVAL, cls.BOOKED]


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"
    CANCELLED_LATE = "cancelled_late", "Cancelled late"


class WaiverStatus(models.TextChoices):
    NONE = "", "No waiver"
    REQUESTED = "requested", "Waiver requested"
    APPROVED = "approved", "Waiver approved"
    REFUSED = "refused", "Waiver refused"


class Booking(AuditedModel):
    """A delegate's place (or waiting-list position) on a course."""

    permission_area = Area.TRAINING
    access_logged = True
    agency_path = "agency"
    owner_path = "delegate"
    audit_sentences = (Sentence("cancelled {record}", field="status", to=BookingStatus.CANCELLED),)

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="bookings")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_bookings")
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="training_bookings",
        help_text="The delegate's agency when they booked: it is the agency charged.",
    )
    service = models.CharField(
        "service or team",
        max_length=100,
        blank=True,
        help_text="Within a large agency, for example Children's social care: reports show large agencies by service.",
    )
    job_title = models.CharField(max_length=200, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="line manager",
        help_text="Someone in Assure from the delegate's agency, asked for the manager's evaluation three months on.",
    )
    status = models.CharField(max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    booked_at = models.DateTimeField(default=timezone.now, db_index=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)
    waiver_status = models.CharField(max_length=20, choices=WaiverStatus.choices, blank=True)
    waiver_reason = models.CharField(max_length=300, blank=True)
    waiver_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["booked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "delegate"],
                condition=~models.Q(status__in=["cancelled", "declined"]),
                name="one_live_booking_per_delegate_and_course",
            ),
            models.CheckConstraint(
                condition=~models.Q(waiver_status__in=["requested", "approved", "refused"])
                | ~models.Q(waiver_reason=""),
                name="training_waiver_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.delegate} on {self.course}"

    def clean(self):
        if self.manager_id and not self.manager_may_evaluate():
            raise ValidationError(
                {
                    "manager": "Choose a line manager who can sign in, from the delegate's agency, other than the delegate."
                }
            )

    def manager_may_evaluate(self) -> bool:
        """The manager's evaluation goes only to someone active in the booking's agency who is not the delegate."""
        manager = self.manager
        return bool(
            manager and manager.is_active and manager.agency_id == self.agency_id and manager.pk != self.delegate_id
        )

    def get_absolute_url(self):
        return reverse("training:booking-detail", args=[self.pk])

    @property
    def holds_a_place(self) -> bool:
        return self.status in BookingStatus.holding_a_place()

    def waiting_list_position(self) -> int | None:
        """1 for the next person to get a place, and so on; None when not on the waiting list."""
        if self.status != BookingStatus.WAITING_LIST:
            return None
        ahead = self.course.bookings.filter(status=BookingStatus.WAITING_LIST).filter(
            models.Q(booked_at__lt=self.booked_at) | models.Q(booked_at=self.booked_at, pk__lt=self.pk)
        )
        return ahead.count() + 1

    def cancelling_now_is_late(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return working_days_between(today, self.course.date) < self.course.late_cancellation_working_days

    @property
    def workforce_role_labels(self) -> list[str]:
        return [role.get_role_display() for role in self.workforce_roles.all()]


class PersonWorkforceRole(AuditedModel):
    """One of a person's roles in safeguarding: a person can hold several, and each booking copies them."""

    permission_area = Area.TRAINING
    owner_path = "person"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workforce_roles")
    role = models.CharField(max_length=20, choices=WorkforceRole.choices)

    class Meta:
        ordering = ["person", "role"]
        verbose_name = "person's workforce role"
        constraints = [models.UniqueConstraint(fields=["person", "role"], name="one_of_each_workforce_role")]

    def __str__(self):
        return f"{self.person}: {self.get_role_display()}"


class BookingWorkforceRole(AuditedModel):
    """A role the delegate held when they booked: reports count the delegate once under each."""

    permission_area = Area.TRAINING
    owner_path = "booking__delegate"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="workforce_roles")
    role = models.CharField(max_length=20, choices=WorkforceRole.choices)

    class Meta:
        ordering = ["booking", "role"]
        verbose_name = "booking's workforce role"
        constraints = [models.UniqueConstraint(fields=["booking", "role"], name="one_of_each_role_per_booking")]

    def __str__(self):
        return f"{self.booking}: {self.get_role_display()}"


class AgencyTrainingProfile(AuditedModel):
    """How the training programme treats one agency: who pays, and whether managers approve bookings."""

    permission_area = Area.TRAINING
    agency_path = "agency"

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="training_profile")
    contributes_to_budget = models.BooleanField(
        "contributing partner agency",
        default=False,
        help_text="Contributing partner agencies' staff train at the rates for contributing partners (usually free).",
    )
    requires_manager_approval = models.BooleanField(
        "bookings need the agency's approval",
        default=False,
        help_text="Bookings wait for the agency's safeguarding lead to approve them.",
    )

    def __str__(self):
        return f"Training profile of {self.agency}"

    def get_absolute_url(self):
        return reverse("training:agency-detail", args=[self.agency_id])


class WorkforceHeadcount(AuditedModel):
    """How many of an agency's staff the workforce development strategy covers in a year."""

    permission_area = Area.TRAINING
    agency_path = "agency"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="training_headcounts")
    reporting_year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="+")
    headcount = models.PositiveIntegerField(
        "staff in referring or conference roles",
        help_text="Staff who regularly refer or attend child protection conferences and core groups, and those who supervise them.",
    )

    class Meta:
        ordering = ["agency__name", "-reporting_year__start_year"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "reporting_year"], name="one_training_headcount_per_year")
        ]

    def __str__(self):
        return f"{self.agency}, {self.reporting_year}: {self.headcount}"

    def get_absolute_url(self):
        return reverse("training:agency-detail", args=[self.agency_id])


class ChargeRule(AuditedModel):
    """One line of the charging policy: what agencies of a type pay for a module (or every module)."""

    permission_area = Area.TRAINING

    class AgencyType(models.TextChoices):
        CONTRIBUTING = "contributing", "Contributing partner agencies"
        OTHER = "other", "Other agencies"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="training_charge_rules")
    agency_type = models.CharField(max_length=20, choices=AgencyType.choices)
    module = models.ForeignKey(
        Module,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="charge_rules",
        help_text="Leave empty for a rule that covers every module without a rule of its own.",
    )
    place_fee = models.DecimalField("fee per place (£)", **MONEY)
    non_attendance_fee = models.DecimalField("fee for not attending (£)", **MONEY)
    late_cancellation_fee = models.DecimalField("fee for cancelling late (£)", **MONEY)

    class Meta:
        ordering = ["agency_type", "module__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "agency_type", "module"], name="one_charge_rule_per_type_and_module"
            ),
            models.UniqueConstraint(
                fields=["partnership", "agency_type"],
                condition=models.Q(module__isnull=True),
                name="one_default_charge_rule_per_type",
            ),
        ]

    def __str__(self):
        return f"{self.get_agency_type_display()}: {self.module or 'every module'}"

    def get_absolute_url(self):
        return reverse("training:charge-rule-edit", args=[self.pk])


class Stage(models.TextChoices):
    PRE = "pre", "Before the course"
    POST = "post", "After the course"
    FOLLOW_UP = "follow_up", "Three months after the course"
    MANAGER = "manager", "Line manager, three months after the course"


class EvaluationResponse(AuditedModel):
    """A delegate's (or their manager's) self-rating at one stage of the three-stage evaluation."""

    permission_area = Area.TRAINING
    access_logged = True
    agency_path = "booking__agency"
    owner_path = "booking__delegate"

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="evaluations")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    knowledge = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    skills = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    confidence = models.PositiveSmallIntegerField(validators=SCORE_VALIDATORS)
    used_in_practice = models.TextField("how have you used this in practice", blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    chosen_for_annual_report = models.BooleanField(
        default=False, help_text="The coordinator chose this account of practice as an impact statement."
    )

    class Meta:
        ordering = ["booking", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "stage"], name="one_evaluation_per_booking_and_stage"),
            models.CheckConstraint(
                condition=models.Q(knowledge__lte=10, skills__lte=10, confidence__lte=10),
                name="evaluation_scores_out_of_ten",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} evaluation of {self.booking}"

    def get_absolute_url(self):
        return reverse("training:booking-detail", args=[self.booking_id])


def new_link_nonce() -> str:
    return secrets.token_urlsafe(18)


class EvaluationLink(AuditedModel):
    """A single-use invitation to give one stage's evaluation of one booking, without signing in.

    The emailed token is signed and carries the booking, the stage and this link's nonce, so
    it cannot be altered to reach another booking or stage; the nonce makes it single-use.
    """

    permission_area = Area.TRAINING
    agency_path = "booking__agency"
    owner_path = "booking__delegate"
    audit_masked = ("nonce",)

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="evaluation_links")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    nonce = models.CharField(max_length=40, unique=True, default=new_link_nonce, editable=False)
    sent_to = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_stage_display()} evaluation link for {self.booking}"

    def get_absolute_url(self):
        return reverse("training:booking-detail", args=[self.booking_id])
