"""One action register for every source: peer review, Section 11, case audit, inspection, reviews, strategic plan.

An action's status is never typed: ``Action.status_on`` derives it from the due date, the
updates and the closure fields, and ``ActionQuerySet.with_status`` computes the same thing in
SQL so lists can filter and sort on it. The two are kept in step by the tests.

The rules, in order (the first that holds wins), on a given day:

1. **Closed**: a partnership admin approved the closure.
2. **Closure awaiting approval**: the owner asked to close it, with evidence.
3. **Overdue**: the due date has passed.
4. **At risk**: due within the next 14 days and no update dated within the last 30 days.
5. **Not started**: no update has been recorded.
6. **On track**: otherwise.
"""

from datetime import date, timedelta

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Max, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from assure.core.audit import AuditedModel, AuditedQuerySet, Sentence
from assure.core.models import Agency, Partnership, Priority, User
from assure.core.permissions import Area

AT_RISK_DUE_WITHIN = timedelta(days=14)
AT_RISK_SILENT_FOR = timedelta(days=30)
# An action this far past its due date is escalated to the partnership's business unit.
ESCALATE_AFTER_OVERDUE = timedelta(days=28)
# Owners are reminded about an overdue action at most this often.
REMIND_EVERY = timedelta(days=7)


class SourceKind(models.TextChoices):
    PEER_REVIEW = "peer_review", "Peer review"
    SECTION_11 = "section_11", "Section 11 audit"
    CASE_AUDIT = "case_audit", "Multi-agency case audit"
    INSPECTION = "inspection", "Inspection"
    # One kind for every case review (rapid reviews, practice reviews, other partnerships' and national reviews):
    # the action's label names the review.
    CASE_REVIEW = "case_review", "Case review"
    STRATEGIC_PLAN = "strategic_plan", "Strategic plan"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OVERDUE = "overdue", "Overdue"
    AWAITING_CLOSURE = "awaiting_closure", "Closure awaiting approval"
    CLOSED = "closed", "Closed"


STATUS_TAG_COLOURS = {
    Status.NOT_STARTED: "grey",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "yellow",
    Status.OVERDUE: "red",
    Status.AWAITING_CLOSURE: "blue",
    Status.CLOSED: "",
}


class ActionQuerySet(AuditedQuerySet):
    def with_status(self, today: date | None = None):
        """Annotate ``last_update_on`` and ``derived_status`` (the rules in the module docstring)."""
        today = today or timezone.localdate()
        return self.annotate(last_update_on=Max("updates__date")).annotate(
            derived_status=Case(
                When(closed_on__isnull=False, then=Value(Status.CLOSED)),
                When(closure_requested_on__isnull=False, then=Value(Status.AWAITING_CLOSURE)),
                When(due_date__lt=today, then=Value(Status.OVERDUE)),
                When(
                    Q(due_date__lte=today + AT_RISK_DUE_WITHIN)
                    & (Q(last_update_on__isnull=True) | Q(last_update_on__lt=today - AT_RISK_SILENT_FOR)),
                    then=Value(Status.AT_RISK),
                ),
                When(last_update_on__isnull=True, then=Value(Status.NOT_STARTED)),
                default=Value(Status.ON_TRACK),
                output_field=models.CharField(),
            )
        )

    def open(self):
        return self.filter(closed_on__isnull=True)

    def for_source(self, source):
        return self.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk)


class Action(AuditedModel):
    permission_area = Area.ACTIONS
    agency_path = "agency"
    owner_path = "owner"
    audit_sentences = (
        Sentence("closed {record} as resolved", field="resolved_by_id"),
        Sentence("closed {record}", field="closed_on"),
        Sentence("asked to close {record}", field="closure_requested_on"),
        Sentence("returned {record} to its owner for more work", field="closure_requested_on", to=None),
        Sentence("escalated {record}", field="escalated_on"),
    )

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="actions")
    text = models.TextField("action", help_text="What will be done, in one or two sentences.")
    source_kind = models.CharField("source", max_length=20, choices=SourceKind.choices)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(
        "where it comes from",
        max_length=300,
        help_text="For example, Peer review October 2019, recommendation 2.",
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="actions", verbose_name="owner agency")
    owner = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
        verbose_name="owner",
        help_text="The person who answers for it. Leave empty and the agency's safeguarding leads answer for it.",
    )
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    due_date = models.DateField()
    created_on = models.DateField(default=timezone.localdate, editable=False)
    closure_requested_on = models.DateField(null=True, blank=True, editable=False)
    closure_requested_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    closure_evidence = models.TextField(blank=True, editable=False)
    closed_on = models.DateField(null=True, blank=True, editable=False)
    closure_approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    # The record that showed the action was no longer needed, when it was closed as resolved.
    resolved_by_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    resolved_by_id = models.PositiveBigIntegerField("resolved by", null=True, blank=True, editable=False)
    resolved_by = GenericForeignKey("resolved_by_type", "resolved_by_id")
    escalated_on = models.DateField(null=True, blank=True, editable=False)
    escalation_note = models.TextField(blank=True, editable=False)
    last_reminded_on = models.DateField(null=True, blank=True, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["source_type", "source_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(closure_evidence=""), name="closed_action_has_evidence"
            ),
            # Only a person approves a closure: the register's services cannot close an action otherwise.
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closure_approved_by__isnull=False),
                name="closed_action_has_approver",
            ),
        ]

    def __str__(self):
        return f"A{self.pk}: {self.text[:80]}"

    @property
    def reference(self) -> str:
        return f"A{self.pk}"

    def audit_name(self) -> str:
        return f"action {self.reference}"

    def get_absolute_url(self):
        return reverse("actions:action-detail", args=[self.pk])

    @property
    def source_url(self) -> str | None:
        source = self.source
        return source.get_absolute_url() if source is not None and hasattr(source, "get_absolute_url") else None

    def clean(self):
        if self.owner_id and self.agency_id and self.owner.agency_id != self.agency_id:
            raise ValidationError({"owner": "Choose someone from the owner agency."})

    def status_on(self, today: date | None = None, *, last_update_on: date | None | bool = False) -> Status:
        """The status on ``today`` (the rules in the module docstring)."""
        today = today or timezone.localdate()
        if last_update_on is False:
            last_update_on = self.updates.aggregate(last=Max("date"))["last"]
        if self.closed_on:
            return Status.CLOSED
        if self.closure_requested_on:
            return Status.AWAITING_CLOSURE
        if self.due_date < today:
            return Status.OVERDUE
        silent = last_update_on is None or last_update_on < today - AT_RISK_SILENT_FOR
        if self.due_date <= today + AT_RISK_DUE_WITHIN and silent:
            return Status.AT_RISK
        if last_update_on is None:
            return Status.NOT_STARTED
        return Status.ON_TRACK

    @property
    def status(self) -> Status:
        """The status today; uses the ``with_status`` annotation when the row has it."""
        if hasattr(self, "derived_status"):
            return Status(self.derived_status)
        return self.status_on()

    @property
    def status_colour(self) -> str:
        return STATUS_TAG_COLOURS[self.status]

    def days_overdue(self, today: date | None = None) -> int:
        today = today or timezone.localdate()
        return max((today - self.due_date).days, 0) if not self.closed_on else 0


class ActionUpdate(AuditedModel):
    """Progress on an action, with the difference it has made."""

    permission_area = Area.ACTIONS
    agency_path = "action__agency"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(default=timezone.localdate)
    text = models.TextField("progress")
    evidence_of_impact = models.TextField(
        blank=True, help_text="What has changed for children or practice, and how you know."
    )
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"Update to {self.action.reference} on {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return self.action.get_absolute_url()
