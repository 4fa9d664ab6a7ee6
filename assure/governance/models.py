"""The partnership's governance: priorities and the assurance judged on them, the groups and meetings that run the
arrangements, the budget, what children told the partnership, and challenge between partners.

Judgements are drafted from evidence rules (``rules.py``) evaluated as at the year's end, and confirmed by a person;
a confirmed judgement keeps a snapshot of its evidence and is never changed by later data. Statuses (a challenge's,
a meeting's quoracy, budget totals) are derived, never stored.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from assure.core import periods
from assure.core.audit import AuditedModel, Sentence
from assure.core.models import Agency, Partnership, Priority, User
from assure.core.permissions import Area


def year_label(start_year: int) -> str:
    return periods.reporting_year_label(start_year)


def lines_of(text: str) -> list[str]:
    """A list typed one item to a line, without the empty lines."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# Priorities and assurance judgements ------------------------------------------------------------------------------


class Scale(models.TextChoices):
    """How far the partnership can give assurance (decisions.md section 8)."""

    ASSURED = "assured", "Assured"
    PARTLY_ASSURED = "partly_assured", "Partly assured"
    NOT_YET_ASSURED = "not_yet_assured", "Not yet assured"
    CANNOT_BE_ASSESSED = "cannot_be_assessed", "Cannot be assessed"


SCALE_TAG_COLOURS = {
    Scale.ASSURED: "green",
    Scale.PARTLY_ASSURED: "yellow",
    Scale.NOT_YET_ASSURED: "red",
    Scale.CANNOT_BE_ASSESSED: "grey",
}


class EvidenceKind(models.TextChoices):
    """The five kinds of evidence the partnership weighs (section 4 of the reference report)."""

    DATA = "data", "Data"
    AUDITS = "audits", "Audits"
    INSPECTIONS = "inspections", "Inspection findings"
    ASSURANCE_REPORTS = "assurance_reports", "Assurance reports"
    FEEDBACK = "feedback", "Service user and practitioner feedback"


class CoreArea(models.TextChoices):
    """Core business the partnership judges every year, whatever its priorities."""

    LADO = "lado", "Management of allegations (LADO)"
    EDUCATION = "education", "Education"
    SECTION_11 = "section_11", "Section 11"
    OVERALL = "overall", "Overall conclusion"


class RollOver(models.TextChoices):
    KEEP = "keep", "Keep it as a priority"
    CHANGE = "change", "Keep it, changed"
    CORE_BUSINESS = "core_business", "Move it to core business"
    CLOSE = "close", "Close it"


class PriorityYear(AuditedModel):
    """A priority in one reporting year: what it set out to do, what it achieved, what still needs to improve, and
    the decision taken at the year's end about the next."""

    permission_area = Area.GOVERNANCE
    audit_sentences = (Sentence("decided the future of {record}", field="decision"),)

    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="years")
    start_year = models.PositiveSmallIntegerField("reporting year", help_text="The year it starts, in April.")
    achievements = models.TextField(blank=True, help_text="One achievement on each line.")
    to_improve = models.TextField("what we need to improve", blank=True, help_text="One point on each line.")
    review_learning_themes = models.TextField(
        "learning themes from reviews", blank=True, help_text="One theme on each line."
    )
    # The priority's plan as it stood this year, kept when the year is rolled over; empty while the year is current.
    plan = models.JSONField(default=dict, blank=True, editable=False)
    decision = models.CharField(
        "decision for next year", max_length=20, choices=RollOver.choices, blank=True, editable=False
    )
    decision_reason = models.TextField(blank=True, editable=False)
    decided_on = models.DateField(null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-start_year", "priority__name"]
        constraints = [models.UniqueConstraint(fields=["priority", "start_year"], name="one_priority_year")]

    def __str__(self):
        return f"{self.priority.name} {self.year_label}"

    def audit_name(self) -> str:
        return f"the priority {self}"

    def get_absolute_url(self):
        return reverse("governance:priority-year", args=[self.pk])

    @property
    def year_label(self) -> str:
        return year_label(self.start_year)

    @property
    def period(self) -> periods.Period:
        return periods.reporting_year(self.start_year)

    @property
    def achievements_list(self) -> list[str]:
        return lines_of(self.achievements)

    @property
    def to_improve_list(self) -> list[str]:
        return lines_of(self.to_improve)

    @property
    def review_learning_themes_list(self) -> list[str]:
        return lines_of(self.review_learning_themes)

    def current_plan(self) -> dict:
        """The plan for this year: as kept at roll-over, or the priority's own while the year is current."""
        if self.plan:
            return self.plan
        priority = self.priority
        return {
            "title": priority.name,
            "why_chosen": priority.why_chosen,
            "lead_partner": str(priority.lead_partner) if priority.lead_partner_id else "",
            "lead_officer": str(priority.lead_officer) if priority.lead_officer_id else "",
            "outcomes": priority.outcomes,
        }


class PriorityIndicator(AuditedModel):
    """A performance indicator linked to a priority's year as evidence of its progress."""

    permission_area = Area.GOVERNANCE

    priority_year = models.ForeignKey(PriorityYear, on_delete=models.CASCADE, related_name="indicators")
    indicator_id = models.CharField("indicator", max_length=60)

    class Meta:
        ordering = ["priority_year", "indicator_id"]
        constraints = [models.UniqueConstraint(fields=["priority_year", "indicator_id"], name="indicator_linked_once")]

    def __str__(self):
        return f"{self.indicator_id} for {self.priority_year}"


class AssuranceStatement(AuditedModel):
    """What the partnership seeks assurance about, under a priority or a core-business area, for one year:
    "GCP2 has been embedded into practice across the partnership"."""

    permission_area = Area.GOVERNANCE

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="assurance_statements")
    start_year = models.PositiveSmallIntegerField("reporting year", help_text="The year it starts, in April.")
    priority = models.ForeignKey(
        Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="assurance_statements"
    )
    core_area = models.CharField("core business", max_length=20, choices=CoreArea.choices, blank=True)
    text = models.TextField(
        "statement",
        help_text="What the partnership wants to be assured of, as a statement: for example, GCP2 has been "
        "embedded into practice across the partnership.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-start_year", "priority__name", "core_area", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(priority__isnull=False) & Q(core_area="")) | (Q(priority__isnull=True) & ~Q(core_area="")),
                name="statement_about_a_priority_or_core_business",
            )
        ]

    def __str__(self):
        return self.text[:120]

    def audit_name(self) -> str:
        return f"the assurance statement “{self.text[:80]}”"

    def get_absolute_url(self):
        return reverse("governance:statement-detail", args=[self.pk])

    def clean(self):
        if bool(self.priority_id) == bool(self.core_area):
            raise ValidationError("Choose either a priority or an area of core business, not both.")

    @property
    def about(self) -> str:
        return self.priority.name if self.priority_id else self.get_core_area_display()

    @property
    def year_label(self) -> str:
        return year_label(self.start_year)

    @property
    def year_end(self) -> date:
        return periods.reporting_year(self.start_year).end

    def latest_judgement(self) -> "Judgement | None":
        return self.judgements.order_by("-confirmed_at", "-pk").first()


class RuleKind(models.TextChoices):
    INDICATOR = "indicator", "An indicator on the right side of its target and not worsening"
    SECTION_11_MOVEMENT = "section_11_movement", "Section 11 standards moved up from Inadequate or Requires improvement"
    OVERDUE_ACTIONS = "overdue_actions", "Overdue actions no more than a threshold"
    WORKFORCE_TRAINING = "workforce_training", "Training take-up against the workforce strategy"
    TRAINING_REACH = "training_reach", "Practitioners trained in the year"
    TOOL_USE = "tool_use", "Tool use in agencies' quarterly returns"
    CASE_AUDIT_FINDINGS = "case_audit_findings", "Case audit areas for improvement no more than a threshold"
    EDUCATION_RETURNS = "education_returns", "Education providers returning the safeguarding audit"
    LADO_TIMELINESS = "lado_timeliness", "Allegations concluded within 3 months"


# The kind of evidence each rule gives, unless a person says otherwise.
RULE_EVIDENCE_KINDS = {
    RuleKind.INDICATOR: EvidenceKind.DATA,
    RuleKind.SECTION_11_MOVEMENT: EvidenceKind.AUDITS,
    RuleKind.OVERDUE_ACTIONS: EvidenceKind.ASSURANCE_REPORTS,
    RuleKind.WORKFORCE_TRAINING: EvidenceKind.DATA,
    RuleKind.TRAINING_REACH: EvidenceKind.DATA,
    RuleKind.TOOL_USE: EvidenceKind.DATA,
    RuleKind.CASE_AUDIT_FINDINGS: EvidenceKind.AUDITS,
    RuleKind.EDUCATION_RETURNS: EvidenceKind.AUDITS,
    RuleKind.LADO_TIMELINESS: EvidenceKind.ASSURANCE_REPORTS,
}

# What each kind of rule needs: its threshold's meaning, and the other fields it reads.
RULE_THRESHOLDS = {
    RuleKind.SECTION_11_MOVEMENT: "Least percentage of those standards now Good or Outstanding",
    RuleKind.OVERDUE_ACTIONS: "Most overdue actions allowed",
    RuleKind.WORKFORCE_TRAINING: "Least percentage of staff in the strategy's roles trained",
    RuleKind.TRAINING_REACH: "Least number of practitioners trained",
    RuleKind.TOOL_USE: "Least percentage of those trained using the tool in the year's last quarter",
    RuleKind.CASE_AUDIT_FINDINGS: "Most areas for improvement allowed",
    RuleKind.EDUCATION_RETURNS: "Least percentage of providers returning the audit",
    RuleKind.LADO_TIMELINESS: "Least percentage concluded within 3 months",
}
RULE_FIELDS = {
    RuleKind.INDICATOR: ("indicator_id",),
    RuleKind.TOOL_USE: ("dataset_code", "measure_code", "base_measure_code"),
}


class EvidenceRule(AuditedModel):
    """One explicit, editable test of the evidence for a statement, evaluated as at the year's end (``rules.py``)."""

    permission_area = Area.GOVERNANCE

    statement = models.ForeignKey(AssuranceStatement, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField("rule", max_length=30, choices=RuleKind.choices)
    evidence_kind = models.CharField(
        "kind of evidence",
        max_length=20,
        choices=EvidenceKind.choices,
        blank=True,
        help_text="Leave empty for the rule's usual kind.",
    )
    indicator_id = models.CharField("indicator", max_length=60, blank=True)
    dataset_code = models.SlugField(
        "quarterly return", max_length=40, blank=True, help_text="The code of the agencies' return, for example gcp2."
    )
    measure_code = models.SlugField(
        "measure of use", max_length=40, blank=True, help_text="For example practitioners_using."
    )
    base_measure_code = models.SlugField(
        "measure of those trained", max_length=40, blank=True, help_text="For example people_trained."
    )
    module_codes = models.CharField(
        "training modules",
        max_length=200,
        blank=True,
        help_text="Module codes separated by commas, for example MA. Leave empty for the priority's own modules.",
    )
    threshold = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["statement", "order", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.statement})"

    def audit_name(self) -> str:
        return f"the evidence rule “{self.get_kind_display()}” of {self.statement.audit_name()}"

    def clean(self):
        kind = RuleKind(self.kind) if self.kind in RuleKind.values else None
        if kind is None:
            return
        errors = {}
        for name in RULE_FIELDS.get(kind, ()):
            if not getattr(self, name):
                errors[name] = f"Enter the {self._meta.get_field(name).verbose_name} this rule reads."
        if kind in RULE_THRESHOLDS and self.threshold is None:
            errors["threshold"] = f"Enter the threshold: {RULE_THRESHOLDS[kind].lower()}."
        if self.threshold is not None and self.threshold < 0:
            errors["threshold"] = "The threshold cannot be below zero."
        if self.threshold is not None and kind in RULE_THRESHOLDS and "percentage" in RULE_THRESHOLDS[kind]:
            if self.threshold > 100:
                errors["threshold"] = "A percentage threshold cannot be more than 100."
        if errors:
            raise ValidationError(errors)

    @property
    def kind_of_evidence(self) -> EvidenceKind:
        return EvidenceKind(self.evidence_kind or RULE_EVIDENCE_KINDS[RuleKind(self.kind)])

    @property
    def modules(self) -> list[str]:
        return [code.strip() for code in self.module_codes.split(",") if code.strip()]


class EvidenceNote(AuditedModel):
    """Evidence a person adds by hand beside the rules' (an assurance report received, what practitioners said):
    shown with the draft and kept in the snapshot, though it does not move the draft."""

    permission_area = Area.GOVERNANCE

    statement = models.ForeignKey(AssuranceStatement, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField("kind of evidence", max_length=20, choices=EvidenceKind.choices)
    text = models.TextField("what it shows")
    url = models.URLField("link to it", max_length=500, blank=True)
    added_on = models.DateField(default=timezone.localdate)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["statement", "added_on", "pk"]

    def __str__(self):
        return self.text[:80]


class Judgement(AuditedModel):
    """A person's confirmed judgement on a statement, with the draft and evidence they saw, kept as they saw them.

    A judgement is never changed: when the evidence later differs from the snapshot the page flags it, and a person
    may confirm a new judgement, which keeps the earlier one in the statement's history.
    """

    permission_area = Area.GOVERNANCE
    audit_sentences = (Sentence("confirmed {record}", action="create"),)

    statement = models.ForeignKey(AssuranceStatement, on_delete=models.PROTECT, related_name="judgements")
    judgement = models.CharField(max_length=20, choices=Scale.choices)
    draft = models.CharField("Assure's draft", max_length=20, choices=Scale.choices)
    rationale = models.TextField(blank=True)
    snapshot = models.JSONField(help_text="The evidence and draft as they stood when the judgement was confirmed.")
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    confirmed_on = models.DateField(default=timezone.localdate)
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(judgement=models.F("draft")) | ~Q(rationale=""), name="judgement_differing_has_rationale"
            )
        ]

    def __str__(self):
        return f"{self.get_judgement_display()}: {self.statement}"

    def audit_name(self) -> str:
        return f"the judgement on {self.statement.audit_name()}"

    def get_absolute_url(self):
        return self.statement.get_absolute_url()

    def clean(self):
        if self.judgement not in Scale.values:
            raise ValidationError(
                {"judgement": "Choose one of: assured, partly assured, not yet assured or cannot be assessed."}
            )
        if self.judgement != self.draft and not self.rationale.strip():
            raise ValidationError(
                {
                    "rationale": f"Say why you judge this differently from Assure's draft "
                    f"({Scale(self.draft).label.lower()})."
                }
            )

    @property
    def colour(self) -> str:
        return SCALE_TAG_COLOURS[Scale(self.judgement)]

    @property
    def differs_from_draft(self) -> bool:
        return self.judgement != self.draft


# Structure: arrangements, groups, meetings --------------------------------------------------------------------


class Arrangements(AuditedModel):
    """The published multi-agency safeguarding arrangements: a version, its dates and the relevant agencies the
    safeguarding partners name in it."""

    permission_area = Area.GOVERNANCE

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="arrangements")
    version = models.CharField(max_length=40, help_text="For example 1.0.")
    published_on = models.DateField("published")
    review_on = models.DateField("to be reviewed by")
    url = models.URLField("link to the published arrangements", max_length=500, blank=True)
    summary = models.TextField(blank=True)
    relevant_agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="+",
        help_text="The agencies the safeguarding partners name, which then have a duty to co-operate.",
    )
    chair = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="partnership chair",
        help_text="A designation, not a role: the person who chairs the partnership, if it has one.",
    )

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name_plural = "arrangements"

    def __str__(self):
        return f"Arrangements version {self.version} ({self.published_on:%-d %B %Y})"

    def get_absolute_url(self):
        return reverse("governance:structure")

    def clean(self):
        if self.published_on and self.review_on and self.review_on < self.published_on:
            raise ValidationError({"review_on": "The review date cannot be before the date published."})


class GroupKind(models.TextChoices):
    EXECUTIVE = "executive", "Executive"
    SUB_GROUP = "sub_group", "Sub-group"
    PANEL = "panel", "Panel"
    TASK_AND_FINISH = "task_and_finish", "Task and finish group"
    BOARD = "board", "Partnership board"


class Group(AuditedModel):
    """A group of the partnership (the executive, a sub-group, a panel) or a board it reports to or works with.

    Reporting lines are a graph: a board can report to several others.
    """

    permission_area = Area.GOVERNANCE

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="governance_groups")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GroupKind.choices)
    terms_of_reference = models.TextField(blank=True)
    chair = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    chair_description = models.CharField(
        "chair, if not someone in Assure",
        max_length=200,
        blank=True,
        help_text="For a board outside the partnership, for example Director of Public Health.",
    )
    quorum = models.PositiveSmallIntegerField(
        "member agencies needed for a quorum",
        null=True,
        blank=True,
        help_text="Leave empty for the executive: its decisions need every lead safeguarding partner or delegate.",
    )
    reports_to = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="reported_by")
    started_on = models.DateField("first met", null=True, blank=True)
    ended_on = models.DateField("stood down", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="group_name_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:group-detail", args=[self.pk])

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The date it stood down cannot be before it first met."})

    @property
    def is_executive(self) -> bool:
        return self.kind == GroupKind.EXECUTIVE

    @property
    def is_partnership_group(self) -> bool:
        return self.kind != GroupKind.BOARD

    def active_in(self, period: periods.Period) -> bool:
        started = self.started_on is None or self.started_on <= period.end
        return started and (self.ended_on is None or self.ended_on >= period.start)


class MemberKind(models.TextChoices):
    MEMBER = "member", "Member"
    DEPUTY = "deputy", "Named deputy"


class Membership(AuditedModel):
    """An agency's seat on a group, held by a member or a named deputy, with the role they sit in."""

    permission_area = Area.GOVERNANCE

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=MemberKind.choices, default=MemberKind.MEMBER)
    role = models.CharField("role on the group", max_length=200, blank=True, help_text="For example designated nurse.")
    started_on = models.DateField("member from")
    ended_on = models.DateField(
        "member until", null=True, blank=True, help_text="The last day of membership. Leave empty while it lasts."
    )

    class Meta:
        ordering = ["group", "agency__name", "kind", "pk"]

    def __str__(self):
        who = self.person or self.agency
        return f"{who}, {self.get_kind_display().lower()} of {self.group}"

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The last day cannot be before the first."})
        if self.person_id and self.agency_id and self.person.agency_id != self.agency_id:
            raise ValidationError({"person": "Choose someone from the member agency."})

    def holds_on(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class Meeting(AuditedModel):
    """A meeting of a group: its agenda, papers, minutes, who attended and what it decided."""

    permission_area = Area.GOVERNANCE

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("date")
    agenda = models.TextField(blank=True, help_text="One item on each line.")
    papers = models.TextField(
        blank=True, help_text="One paper on each line: its title, then a link if it is published."
    )
    minutes = models.TextField(blank=True)

    class Meta:
        ordering = ["-held_on", "group__name"]

    def __str__(self):
        return f"{self.group} {self.held_on:%-d %B %Y}"

    def audit_name(self) -> str:
        return f"the meeting of the {self}"

    def get_absolute_url(self):
        return reverse("governance:meeting-detail", args=[self.pk])

    @property
    def agenda_items(self) -> list[str]:
        return lines_of(self.agenda)

    @property
    def paper_list(self) -> list[str]:
        return lines_of(self.papers)


class Capacity(models.TextChoices):
    MEMBER = "member", "Member"
    DEPUTY = "deputy", "Deputy"
    GUEST = "guest", "Guest"


class Attendance(AuditedModel):
    """Someone at a meeting: a member, a deputy, or a guest (recorded, never counted towards attendance)."""

    permission_area = Area.GOVERNANCE

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    name = models.CharField("name, for someone not in Assure", max_length=200, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    capacity = models.CharField("attended as", max_length=10, choices=Capacity.choices)

    class Meta:
        ordering = ["meeting", "capacity", "agency__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False) | ~Q(name=""), name="attendance_names_someone"),
            models.UniqueConstraint(
                fields=["meeting", "person"], condition=Q(person__isnull=False), name="attended_once"
            ),
        ]

    def __str__(self):
        return f"{self.person or self.name} ({self.get_capacity_display().lower()})"

    def clean(self):
        if not self.person_id and not self.name.strip():
            raise ValidationError({"person": "Choose the person, or enter the name of someone not in Assure."})
        if self.capacity in (Capacity.MEMBER, Capacity.DEPUTY) and not self.agency_id:
            raise ValidationError({"agency": "Choose the agency a member or deputy sits for."})


class MeetingDecision(AuditedModel):
    """A decision a meeting took; it can put actions on the partnership's one register."""

    permission_area = Area.GOVERNANCE
    # The register's source kind for what the partnership's groups decide.
    action_source_kind = "strategic_plan"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField("decision")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = "decision"
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="decision_numbered_once")]

    def __str__(self):
        return f"{self.meeting}, decision {self.number}"

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#decision-{self.number}"


class Topic(AuditedModel):
    """A row of the topic matrix: which board a topic reports into, and which boards have an interest."""

    permission_area = Area.GOVERNANCE

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="topics")
    name = models.CharField("topic", max_length=200)
    detail = models.CharField(
        max_length=300, blank=True, help_text="For example: including forced marriage, HBV and FGM."
    )
    reports_into = models.CharField("board it reports into", max_length=300)
    interested = models.CharField(
        "boards with an interest", max_length=300, blank=True, help_text="Separate the boards with commas."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:topic-edit", args=[self.pk])

    @property
    def interested_boards(self) -> list[str]:
        return [board.strip() for board in self.interested.split(",") if board.strip()]


# Budget ---------------------------------------------------------------------------------------------------------


class LineKind(models.TextChoices):
    EXPENDITURE = "expenditure", "Expenditure"
    CONTRIBUTION = "contribution", "Partner contribution"
    OTHER_INCOME = "other_income", "Other income"
    CARRY_FORWARD = "carry_forward", "Carry forward"


INCOME_KINDS = (LineKind.CONTRIBUTION, LineKind.OTHER_INCOME, LineKind.CARRY_FORWARD)


class BudgetLine(AuditedModel):
    """One line of a year's budget, in pounds as the ledger holds them: spending positive, income negative.

    Actuals are the business manager's ledger figures. Totals are computed, never stored (``budget.py``).
    """

    permission_area = Area.GOVERNANCE

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="budget_lines")
    start_year = models.PositiveSmallIntegerField("reporting year", help_text="The year it starts, in April.")
    kind = models.CharField(max_length=20, choices=LineKind.choices)
    name = models.CharField(max_length=200, help_text="As the ledger names it, for example Pay and overheads.")
    budget = models.DecimalField(max_digits=12, decimal_places=2, help_text="In pounds; income as a minus amount.")
    actual = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="From the ledger; income as a minus amount."
    )
    partner = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For a contribution: the partner agency it comes from.",
    )
    invoiced = models.DecimalField(
        "invoiced (£)", max_digits=12, decimal_places=2, null=True, blank=True, help_text="For a contribution."
    )
    paid = models.DecimalField(
        "paid (£)", max_digits=12, decimal_places=2, null=True, blank=True, help_text="For a contribution."
    )
    is_training_income = models.BooleanField(
        "holds training income",
        default=False,
        help_text="The line the training programme's charges are paid into, shown beside what the bookings charged.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["start_year", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=LineKind.CONTRIBUTION) | Q(partner__isnull=False), name="contribution_has_partner"
            ),
            models.UniqueConstraint(
                fields=["partnership", "start_year"],
                condition=Q(kind=LineKind.CARRY_FORWARD),
                name="one_carry_forward_a_year",
            ),
        ]

    def __str__(self):
        return f"{self.name} {year_label(self.start_year)}"

    def audit_name(self) -> str:
        return f"the budget line {self}"

    def get_absolute_url(self):
        return reverse("governance:budget") + f"?year={self.start_year}"

    def clean(self):
        errors = {}
        if self.kind == LineKind.CONTRIBUTION and not self.partner_id:
            errors["partner"] = "Choose the partner agency this contribution comes from."
        if self.kind != LineKind.CONTRIBUTION and (
            self.partner_id or self.invoiced is not None or self.paid is not None
        ):
            errors["partner"] = "Only a partner contribution has a partner, an invoice and a payment."
        if self.kind in (LineKind.CONTRIBUTION, LineKind.OTHER_INCOME):
            for name in ("budget", "actual"):
                value = getattr(self, name)
                if value is not None and value > 0:
                    errors[name] = "Enter income as a minus amount, as the ledger shows it: for example -13540."
        if self.kind == LineKind.EXPENDITURE:
            for name in ("budget", "actual"):
                value = getattr(self, name)
                if value is not None and value < 0:
                    errors[name] = "Enter spending as a positive amount; income goes on its own line."
        for name in ("invoiced", "paid"):
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = "Enter the amount in pounds, without a minus sign."
        if self.invoiced is not None and self.paid is not None and self.paid > self.invoiced:
            errors["paid"] = "The amount paid cannot be more than the amount invoiced."
        if self.is_training_income and self.kind != LineKind.OTHER_INCOME:
            errors["is_training_income"] = "Only an other-income line can hold the training income."
        if errors:
            raise ValidationError(errors)

    @property
    def is_income(self) -> bool:
        return self.kind in INCOME_KINDS

    @property
    def variance(self) -> Decimal | None:
        return None if self.actual is None else self.actual - self.budget

    @property
    def outstanding(self) -> Decimal | None:
        if self.invoiced is None:
            return None
        return self.invoiced - (self.paid or Decimal(0))


class InKindContribution(AuditedModel):
    """Help a partner gives without money (trainers, venues): recorded apart from the budget's totals."""

    permission_area = Area.GOVERNANCE

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="in_kind_contributions")
    start_year = models.PositiveSmallIntegerField("reporting year", help_text="The year it starts, in April.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="partner")
    description = models.CharField("what they gave", max_length=300)
    estimated_value = models.DecimalField("estimated value (£)", max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["start_year", "agency__name", "pk"]
        verbose_name = "in-kind contribution"

    def __str__(self):
        return f"{self.agency}: {self.description}"

    def get_absolute_url(self):
        return reverse("governance:budget") + f"?year={self.start_year}"

    def clean(self):
        if self.estimated_value is not None and self.estimated_value < 0:
            raise ValidationError({"estimated_value": "Enter the value in pounds, without a minus sign."})


# Voice of the child ---------------------------------------------------------------------------------------------


class AgeBand(models.TextChoices):
    UNDER_5 = "under_5", "Under 5"
    FIVE_TO_10 = "5_10", "5 to 10"
    ELEVEN_TO_15 = "11_15", "11 to 15"
    SIXTEEN_PLUS = "16_plus", "16 and over"
    MIXED = "mixed", "Mixed ages"


class Consultation(AuditedModel):
    """Children and young people consulted or giving feedback: what they said, and what changed as a result."""

    permission_area = Area.GOVERNANCE
    # What children said, in their own words when they agreed, is read with care: each page showing it is logged.
    access_logged = True

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="consultations")
    held_on = models.DateField("date")
    activity = models.CharField(
        max_length=200, help_text="For example: focus group on the exploitation screening tool."
    )
    age_band = models.CharField(max_length=10, choices=AgeBand.choices)
    setting = models.CharField(max_length=200, help_text="For example: secondary school, children in care council.")
    children_count = models.PositiveIntegerField("children and young people taking part")
    what_children_said = models.TextField(
        "what they told us", help_text="A summary in your words. Record quotes separately, with their consent."
    )
    what_changed = models.TextField("what changed as a result", blank=True)
    priorities = models.ManyToManyField(Priority, blank=True, related_name="+", help_text="The priorities it informs.")

    class Meta:
        ordering = ["-held_on", "pk"]
        # The LADO's consultations share the name; the record type in history addresses must be unambiguous.
        verbose_name = "consultation with children"
        verbose_name_plural = "consultations with children"

    def __str__(self):
        return f"{self.activity} ({self.held_on:%-d %B %Y})"

    def audit_name(self) -> str:
        return f"the consultation “{self.activity}”"

    def get_absolute_url(self):
        return reverse("governance:consultation-detail", args=[self.pk])

    @property
    def start_year(self) -> int:
        return periods.reporting_year_start(self.held_on)


class ChildQuote(AuditedModel):
    """A child's own words, kept only with their consent to record; shown in public outputs only with consent to
    publish, which is a separate consent."""

    permission_area = Area.GOVERNANCE

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="quotes")
    text = models.TextField("what they said, in their words")
    consent_to_record = models.BooleanField("they agreed we may keep their words")
    consent_to_publish = models.BooleanField("they agreed we may publish their words", default=False)
    consent_recorded_on = models.DateField("consent given on")

    class Meta:
        ordering = ["consultation", "pk"]
        verbose_name = "child's words"
        verbose_name_plural = "children's words"
        constraints = [
            models.CheckConstraint(condition=Q(consent_to_record=True), name="quote_kept_only_with_consent"),
        ]

    def __str__(self):
        return f"Words from {self.consultation}"

    def clean(self):
        if not self.consent_to_record:
            raise ValidationError(
                {
                    "consent_to_record": "Only keep a child's words when they have agreed we may. Otherwise summarise what they said."
                }
            )


class YouSaidWeDid(AuditedModel):
    """The "you said, we did" log: what children asked for, and what the partnership did about it."""

    permission_area = Area.GOVERNANCE

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    you_said = models.TextField("you said")
    we_did = models.TextField("we did")
    recorded_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["consultation", "recorded_on", "pk"]
        verbose_name = "you said, we did"
        verbose_name_plural = "you said, we did"

    def __str__(self):
        return self.you_said[:80]


# Challenge and scrutiny ------------------------------------------------------------------------------------------


class ChallengeStatus(models.TextChoices):
    RAISED = "raised", "Awaiting a response"
    RESPONDED = "responded", "Responded"
    ACCEPTED = "accepted", "Closed: response accepted"
    ESCALATED = "escalated", "Closed: escalated"


CHALLENGE_TAG_COLOURS = {
    ChallengeStatus.RAISED: "blue",
    ChallengeStatus.RESPONDED: "yellow",
    ChallengeStatus.ACCEPTED: "green",
    ChallengeStatus.ESCALATED: "red",
}


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", "Accept the response"
    ESCALATED = "escalated", "Escalate to the lead safeguarding partners"


class Challenge(AuditedModel):
    """A challenge from one partner, or the independent scrutineer, to another partner: raised, responded to by the
    addressed partner, then closed by whoever raised it, the response accepted or the challenge escalated."""

    permission_area = Area.GOVERNANCE
    agency_path = "addressed_to"
    owner_path = "raised_by"
    audit_sentences = (
        Sentence("raised {record}", action="create"),
        Sentence("responded to {record}", field="responded_on"),
        Sentence("closed {record}", field="closed_on"),
    )

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="challenges")
    raised_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField(default=timezone.localdate)
    from_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="challenging partner",
        help_text="Leave empty for the independent scrutineer's own challenge.",
    )
    addressed_to = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="addressed to")
    subject = models.CharField(max_length=200)
    text = models.TextField("the challenge")
    response_due_on = models.DateField("response due by")
    response = models.TextField(blank=True, editable=False)
    responded_on = models.DateField(null=True, blank=True, editable=False)
    responded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, editable=False)
    outcome_note = models.TextField(blank=True, editable=False)
    closed_on = models.DateField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(responded_on__isnull=False),
                name="challenge_closed_after_response",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(outcome=""), name="closed_challenge_has_outcome"
            ),
        ]

    def __str__(self):
        return f"Challenge C{self.pk}: {self.subject}"

    @property
    def reference(self) -> str:
        return f"C{self.pk}"

    def audit_name(self) -> str:
        return f"challenge {self.reference}"

    def get_absolute_url(self):
        return reverse("governance:challenge-detail", args=[self.pk])

    def clean(self):
        if self.raised_on and self.response_due_on and self.response_due_on < self.raised_on:
            raise ValidationError({"response_due_on": "The response cannot be due before the challenge is raised."})
        if self.from_agency_id and self.from_agency_id == self.addressed_to_id:
            raise ValidationError({"addressed_to": "A partner cannot challenge itself: choose another partner."})

    @property
    def status(self) -> ChallengeStatus:
        if self.closed_on:
            return ChallengeStatus(self.outcome)
        return ChallengeStatus.RESPONDED if self.responded_on else ChallengeStatus.RAISED

    @property
    def status_colour(self) -> str:
        return CHALLENGE_TAG_COLOURS[self.status]

    def is_overdue(self, today: date | None = None) -> bool:
        """Waiting for a response past the day it was due."""
        return self.responded_on is None and (today or timezone.localdate()) > self.response_due_on

    @property
    def challenger(self) -> str:
        return str(self.from_agency) if self.from_agency_id else "The independent scrutineer"


class ChallengeStatement(AuditedModel):
    """A challenge the partnership sets all its partners for the year ahead, under a theme, followed up the year
    after (section 7 of the reference report)."""

    permission_area = Area.GOVERNANCE

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="challenge_statements")
    start_year = models.PositiveSmallIntegerField("for the year", help_text="The year it starts, in April.")
    theme = models.CharField(max_length=100, help_text="For example Neglect.")
    text = models.TextField("the challenge to partners")
    order = models.PositiveSmallIntegerField(default=0)
    follow_up = models.TextField("what partners did", blank=True, editable=False)
    followed_up_on = models.DateField(null=True, blank=True, editable=False)
    followed_up_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-start_year", "theme", "order", "pk"]

    def __str__(self):
        return f"{self.theme} {year_label(self.start_year)}: {self.text[:80]}"

    def get_absolute_url(self):
        return reverse("governance:scrutiny") + f"#statement-{self.pk}"


class ScrutinyAssessment(AuditedModel):
    """The independent scrutineer's assessment of the arrangements for a year, with the partners' response."""

    permission_area = Area.GOVERNANCE
    owner_path = "author"
    audit_sentences = (Sentence("recorded the partners' response to {record}", field="responded_on"),)

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="scrutiny_assessments")
    start_year = models.PositiveSmallIntegerField("reporting year", help_text="The year it starts, in April.")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name="independent scrutineer")
    title = models.CharField(max_length=200)
    text = models.TextField("the assessment")
    submitted_on = models.DateField(default=timezone.localdate)
    partners_response = models.TextField("the partners' response", blank=True, editable=False)
    responded_on = models.DateField(null=True, blank=True, editable=False)
    response_recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-start_year", "-submitted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "start_year"], name="one_scrutiny_assessment_a_year")
        ]

    def __str__(self):
        return f"{self.title} ({year_label(self.start_year)})"

    def audit_name(self) -> str:
        return f"the independent scrutineer's assessment {self}"

    def get_absolute_url(self):
        return reverse("governance:assessment-detail", args=[self.pk])
