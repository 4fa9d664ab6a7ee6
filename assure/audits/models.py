"""Quality assurance: standards frameworks, Section 11 and education audits, case file audits, inspections.

A framework version is frozen once a round, audit or programme has used it: the wording an
agency answered against stays as it was. A new version is a new ``Framework`` row.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from assure.core import periods
from assure.core.audit import AuditedModel, Sentence
from assure.core.models import Agency, Partnership, Priority, ReportingYear, User
from assure.core.permissions import Area


class Rating(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


# Ordered best to worst, for the gap between a self-rating and the agreed rating.
GRADE = {Rating.OUTSTANDING: 4, Rating.GOOD: 3, Rating.REQUIRES_IMPROVEMENT: 2, Rating.INADEQUATE: 1}
NEEDS_ACTION = (Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE)
# A standard rated this well needs evidence before the return can be submitted (decisions.md section 4).
NEEDS_EVIDENCE = (Rating.OUTSTANDING, Rating.GOOD)
# Agreed at moderation, these leave nothing for an earlier action on the standard to do.
NO_ACTION_NEEDED = (Rating.OUTSTANDING, Rating.GOOD, Rating.NOT_APPLICABLE)
RATING_TAG_COLOURS = {
    Rating.OUTSTANDING: "green",
    Rating.GOOD: "turquoise",
    Rating.REQUIRES_IMPROVEMENT: "yellow",
    Rating.INADEQUATE: "red",
    Rating.NOT_APPLICABLE: "grey",
}


class FrameworkKind(models.TextChoices):
    SECTION_11 = "section_11", "Section 11 standards"
    EDUCATION = "education", "Education (s175/s157) checklist"
    CASE_AUDIT = "case_audit", "Case file audit tool"


class Framework(AuditedModel):
    permission_area = Area.AUDITS

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="frameworks")
    kind = models.CharField(max_length=20, choices=FrameworkKind.choices)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40, help_text="For example, 2018 or 2.1.")
    introduction = models.TextField(blank=True)
    published_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["kind", "name", "-published_on"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name", "version"], name="framework_version_unique")
        ]

    def __str__(self):
        return f"{self.name} (version {self.version})"

    def get_absolute_url(self):
        return reverse("audits:framework-detail", args=[self.pk])

    @property
    def is_in_use(self) -> bool:
        return self.section11_rounds.exists() or self.education_audits.exists() or self.case_audit_programmes.exists()


def number_sort_key(number: str) -> str:
    """A sortable form of "7.5" or "10.2a": each numeric part zero-padded."""
    return ".".join(part.zfill(4) if part.isdigit() else part for part in re.split(r"[.]", number))


class Standard(AuditedModel):
    """One numbered standard of a framework (or one question of a checklist or audit tool)."""

    permission_area = Area.AUDITS

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="standards")
    number = models.CharField(max_length=10, help_text="For example, 7.5.")
    section = models.CharField(max_length=200, help_text="The heading the standard sits under.")
    wording = models.TextField()
    guidance = models.TextField(blank=True)
    evidence_prompts = models.TextField(blank=True, help_text="One prompt a line: evidence an agency might offer.")
    is_local = models.BooleanField("local standard", default=False, help_text="Added by this partnership.")
    sort_key = models.CharField(max_length=60, editable=False)

    class Meta:
        ordering = ["framework", "sort_key"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="standard_number_unique")]

    def __str__(self):
        return f"{self.number} {self.wording[:80]}"

    def save(self, *args, **kwargs):
        self.sort_key = number_sort_key(self.number)
        super().save(*args, **kwargs)

    def clean(self):
        # Agencies answered against this wording: changing it would rewrite what they were asked.
        if self.framework_id and self.framework.is_in_use:
            raise ValidationError("This version has been used by a round or audit. Make a new version to change it.")

    @property
    def prompts(self) -> list[str]:
        return [line.strip() for line in self.evidence_prompts.splitlines() if line.strip()]


# Section 11


class Section11Round(AuditedModel):
    permission_area = Area.AUDITS

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="section11_rounds")
    name = models.CharField(max_length=200, help_text="For example, Section 11 audit 2018-19.")
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="section11_rounds",
        limit_choices_to={"kind": FrameworkKind.SECTION_11},
    )
    previous_round = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Agencies start from their answers to this round.",
    )
    opens_on = models.DateField()
    deadline = models.DateField()

    class Meta:
        ordering = ["-opens_on"]
        verbose_name = "Section 11 round"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("audits:section11-round", args=[self.pk])

    def clean(self):
        if self.opens_on and self.deadline and self.deadline < self.opens_on:
            raise ValidationError({"deadline": "The deadline must be on or after the day the round opens."})


class ReturnStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class Reminder(models.TextChoices):
    """The reminders an agency with a return still to submit is sent, in the order they fall due."""

    OPENED = "opened", "The round has opened"
    WEEK_BEFORE = "week_before", "7 days before the deadline"
    DAY_BEFORE = "day_before", "1 working day before the deadline"
    DAY_AFTER = "day_after", "The day after the deadline"


class Section11Return(AuditedModel):
    """One agency's answers to one round. Submitted returns are locked until the business unit reopens them.

    The agency submits with a declaration: the senior leader who read the whole return and approved it. The
    business unit then moderates it; moderation ends when the moderator marks it complete.
    """

    permission_area = Area.AUDITS
    access_logged = True
    agency_path = "agency"
    audit_sentences = (
        Sentence("completed the moderation of {record}", field="moderation_completed_on"),
        Sentence("submitted {record}", field="status", to=ReturnStatus.SUBMITTED),
        Sentence("reopened {record}", field="status", to=ReturnStatus.IN_PROGRESS),
    )

    round = models.ForeignKey(Section11Round, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="section11_returns")
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.IN_PROGRESS)
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    senior_leader_name = models.CharField("senior leader who approved it", max_length=200, blank=True)
    senior_leader_job_title = models.CharField("their job title", max_length=200, blank=True)
    approved_on = models.DateField("approved by the senior leader on", null=True, blank=True)
    reopened_reason = models.TextField(blank=True)
    moderation_completed_on = models.DateField("moderation completed on", null=True, blank=True)
    moderation_completed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    last_reminder = models.CharField(max_length=20, choices=Reminder.choices, blank=True, editable=False)

    class Meta:
        ordering = ["round", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["round", "agency"], name="one_section11_return_per_agency")]
        verbose_name = "Section 11 return"

    def __str__(self):
        return f"{self.agency}: {self.round}"

    def audit_name(self) -> str:
        year = periods.reporting_year_label(periods.reporting_year_start(self.round.opens_on))
        return f"{self.agency}'s Section 11 return {year}"

    def get_absolute_url(self):
        return reverse("audits:section11-return", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status == ReturnStatus.SUBMITTED

    @property
    def is_submitted_late(self) -> bool:
        """Submitted after 23:59 Europe/London on the deadline: dates are local, so after the deadline's date."""
        return self.is_locked and self.submitted_on is not None and self.submitted_on > self.round.deadline

    def is_overdue(self, today: date | None = None) -> bool:
        """Still not submitted once the deadline's day is over."""
        return not self.is_locked and (today or timezone.localdate()) > self.round.deadline

    @property
    def moderation_complete(self) -> bool:
        return self.moderation_completed_on is not None


class AnswerStatus(models.TextChoices):
    """Where an answer stands in the agency's task list (derived, never stored)."""

    NOT_STARTED = "not_started", "Not started"
    NEEDS_EVIDENCE = "needs_evidence", "Needs evidence"
    CHECKED = "checked", "Checked"
    CHANGED = "changed", "Changed"

    @classmethod
    def blocking_submission(cls) -> tuple[str, ...]:
        return (cls.NOT_STARTED, cls.NEEDS_EVIDENCE)


class Section11Answer(AuditedModel):
    """An agency's answer to one standard: its self-rating, and the rating agreed at moderation.

    An answer carried forward from the last round is only a starting point: it counts as not started until the
    agency checks it (``checked_on``). Saving it unchanged confirms it (Checked); saving it with a change makes
    it Changed. A standard rated Good or Outstanding needs evidence: an uploaded file, or where the evidence is
    kept.
    """

    permission_area = Area.AUDITS
    agency_path = "section11_return__agency"
    # One of the action register's source kinds; the register checks it when it adds the action.
    action_source_kind = "section_11"
    audit_sentences = (
        Sentence("responded to the challenge on {record}", field="agency_response"),
        Sentence("moderated {record}", field="agreed_rating"),
    )

    section11_return = models.ForeignKey(Section11Return, on_delete=models.CASCADE, related_name="answers")
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="section11_answers")
    self_rating = models.CharField(max_length=30, choices=Rating.choices, blank=True)
    not_applicable_reason = models.TextField(
        "why the standard does not apply", blank=True, help_text="Needed when the standard is not applicable."
    )
    narrative = models.TextField(
        blank=True, help_text="How your agency meets the standard, and the evidence that shows it."
    )
    evidence_held = models.TextField(
        "evidence held elsewhere",
        blank=True,
        help_text="Where the moderator can see evidence you have not uploaded: a link, or the document and who holds it.",
    )
    planned_action = models.TextField(
        "what you will do to improve",
        blank=True,
        help_text="Needed for Requires improvement or Inadequate: it goes into the partnership's action register.",
    )
    carried_forward = models.BooleanField(default=False, editable=False)
    previous_rating = models.CharField(
        "rating in the last round", max_length=30, choices=Rating.choices, blank=True, editable=False
    )
    checked_on = models.DateField("checked by the agency on", null=True, blank=True, editable=False)
    changed = models.BooleanField("changed from the last round's answer", default=False, editable=False)
    challenge = models.TextField(blank=True, help_text="The partnership's challenge at moderation.")
    agreed_rating = models.CharField(max_length=30, choices=Rating.choices, blank=True)
    agreed_action = models.TextField(
        "action agreed",
        blank=True,
        help_text="Goes on the action register when moderation is complete, for a rating that needs improving.",
    )
    moderated_on = models.DateField(null=True, blank=True)
    moderated_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    agency_response = models.TextField("the agency's response to the challenge", blank=True)

    class Meta:
        ordering = ["section11_return", "standard__sort_key"]
        verbose_name = "Section 11 answer"
        constraints = [
            models.UniqueConstraint(fields=["section11_return", "standard"], name="one_answer_per_standard"),
            models.CheckConstraint(
                condition=~Q(self_rating=Rating.NOT_APPLICABLE) | ~Q(not_applicable_reason=""),
                name="not_applicable_has_reason",
            ),
        ]

    def __str__(self):
        return f"Standard {self.standard.number}, {self.section11_return.agency}"

    def get_absolute_url(self):
        return f"{self.section11_return.get_absolute_url()}#standard-{self.standard.number}"

    def audit_name(self) -> str:
        return f"standard {self.standard.number} of {self.section11_return.audit_name()}"

    @property
    def has_evidence(self) -> bool:
        # Counted from the prefetched files when a page prefetched them.
        return bool(self.evidence_held.strip()) or len(self.evidence_files.all()) > 0

    @property
    def status(self) -> AnswerStatus:
        if not self.self_rating or self.checked_on is None:
            return AnswerStatus.NOT_STARTED
        if self.self_rating in NEEDS_EVIDENCE and not self.has_evidence:
            return AnswerStatus.NEEDS_EVIDENCE
        return AnswerStatus.CHANGED if self.changed else AnswerStatus.CHECKED

    @property
    def rating_changed(self) -> bool:
        """The agency rates the standard differently from the last round."""
        return self.carried_forward and self.self_rating != self.previous_rating

    @property
    def rating(self) -> str:
        """The rating that counts: the agreed one once moderated, otherwise the agency's own."""
        return self.agreed_rating or self.self_rating

    @property
    def gap(self) -> int | None:
        """Grades the agreed rating is above (positive) or below (negative) the self-rating."""
        if self.self_rating in GRADE and self.agreed_rating in GRADE:
            return GRADE[self.agreed_rating] - GRADE[self.self_rating]
        return None

    @property
    def gap_label(self) -> str:
        gap = self.gap
        if gap is None or not self.agreed_rating:
            return ""
        if gap == 0:
            return "Agreed as self-rated"
        grades = "grade" if abs(gap) == 1 else "grades"
        return f"{abs(gap)} {grades} {'higher' if gap > 0 else 'lower'} than self-rated"

    def clean(self):
        errors = {}
        if self.self_rating == Rating.NOT_APPLICABLE and not self.not_applicable_reason.strip():
            errors["not_applicable_reason"] = "Say why the standard does not apply to your agency."
        if self.self_rating in NEEDS_ACTION and not self.planned_action.strip():
            errors["planned_action"] = "Say what your agency will do to improve against this standard."
        if self.agreed_rating in NEEDS_ACTION and not self.agreed_action.strip():
            errors["agreed_action"] = "Enter the action the agency must take on this standard."
        if errors:
            raise ValidationError(errors)

    # The action register asks an action's source whether it still needs the action (actions.services).

    def action_resolved_by(self) -> "Section11Answer | None":
        """The answer, this one or the same agency's to the same standard in a later round, whose agreed rating
        leaves nothing for an action on this standard to do; None while the standard still needs improving."""
        later = Section11Answer.objects.filter(
            section11_return__agency_id=self.section11_return.agency_id,
            section11_return__round__partnership_id=self.section11_return.round.partnership_id,
            section11_return__round__opens_on__gte=self.section11_return.round.opens_on,
            standard__number=self.standard.number,
        ).exclude(agreed_rating="")
        latest = later.order_by("-section11_return__round__opens_on", "-pk").first()
        return latest if latest is not None and latest.agreed_rating in NO_ACTION_NEEDED else None

    @property
    def resolution_summary(self) -> str:
        """How the register names this answer as the reason an action is no longer needed."""
        when = f" on {self.moderated_on:%-d %B %Y}" if self.moderated_on else ""
        return (
            f"{self.section11_return.round}, standard {self.standard.number}: agreed "
            f"{self.get_agreed_rating_display()} at moderation{when}"
        )


def evidence_path(instance, filename):
    # A random name: the person's file name is kept in the database, never trusted on disk.
    return f"evidence/section11/{timezone.now():%Y/%m}/{instance.stored_name}"


class EvidenceFile(AuditedModel):
    permission_area = Area.AUDITS
    access_logged = True
    agency_path = "answer__section11_return__agency"

    answer = models.ForeignKey(Section11Answer, on_delete=models.CASCADE, related_name="evidence_files")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    stored_name = models.CharField(max_length=64, editable=False)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("audits:section11-evidence", args=[self.pk])


class Section11ProgressUpdate(AuditedModel):
    """A check between rounds on the standards agencies rated Requires improvement or Inadequate."""

    permission_area = Area.AUDITS

    round = models.ForeignKey(Section11Round, on_delete=models.CASCADE, related_name="progress_updates")
    name = models.CharField(max_length=200, help_text="For example, 2019-20 progress update.")
    requested_on = models.DateField()
    due_on = models.DateField()

    class Meta:
        ordering = ["round", "requested_on"]
        verbose_name = "Section 11 progress update"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("audits:section11-progress-update", args=[self.pk])


class RatingChange(AuditedModel):
    """An agency's rating of one standard at a progress update, with when and on what evidence."""

    permission_area = Area.AUDITS
    agency_path = "answer__section11_return__agency"

    progress_update = models.ForeignKey(Section11ProgressUpdate, on_delete=models.CASCADE, related_name="changes")
    answer = models.ForeignKey(Section11Answer, on_delete=models.CASCADE, related_name="rating_changes")
    rating = models.CharField(
        "rating now",
        max_length=30,
        choices=Rating.choices,
        help_text="Choose Not applicable if the standard has turned out not to be relevant to your agency.",
    )
    changed_on = models.DateField("date of the change", default=timezone.localdate)
    evidence = models.TextField(help_text="What changed, and the evidence for the new rating.")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["progress_update", "answer"]
        constraints = [
            models.UniqueConstraint(fields=["progress_update", "answer"], name="one_change_per_answer_per_update")
        ]

    def __str__(self):
        return f"{self.answer}: {self.get_rating_display()} at {self.progress_update}"

    def get_absolute_url(self):
        return self.progress_update.get_absolute_url()


# Education (s175/s157)


class ProviderType(models.TextChoices):
    MAINTAINED = "maintained", "Local authority maintained"
    ACADEMY = "academy", "Academy or free school"
    INDEPENDENT = "independent", "Independent school"
    POST_16 = "post_16", "Post-16 provider"


class Phase(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"
    ALTERNATIVE = "alternative", "Alternative provision"
    POST_16 = "post_16", "Post-16"


class EducationProvider(AuditedModel):
    permission_area = Area.AUDITS

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="education_providers")
    name = models.CharField(max_length=200)
    urn = models.CharField("unique reference number (URN)", max_length=10, blank=True)
    provider_type = models.CharField("type", max_length=20, choices=ProviderType.choices)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    safeguarding_lead_email = models.EmailField("designated safeguarding lead's email")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="provider_name_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("audits:education-provider-edit", args=[self.pk])


class EducationAudit(AuditedModel):
    """The annual s175/s157 audit: every active provider answers the checklist."""

    permission_area = Area.AUDITS

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="education_audits")
    reporting_year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="+")
    checklist = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="education_audits",
        limit_choices_to={"kind": FrameworkKind.EDUCATION},
    )
    opens_on = models.DateField()
    deadline = models.DateField()

    class Meta:
        ordering = ["-opens_on"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reporting_year"], name="one_education_audit_a_year")
        ]

    def __str__(self):
        return f"Education safeguarding audit {self.reporting_year}"

    def get_absolute_url(self):
        return reverse("audits:education-audit", args=[self.pk])


class Compliance(models.TextChoices):
    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"


class EducationReturn(AuditedModel):
    permission_area = Area.AUDITS

    audit = models.ForeignKey(EducationAudit, on_delete=models.CASCADE, related_name="returns")
    provider = models.ForeignKey(EducationProvider, on_delete=models.PROTECT, related_name="returns")
    returned_on = models.DateField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0, editable=False)
    last_reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["audit", "provider__name"]
        constraints = [models.UniqueConstraint(fields=["audit", "provider"], name="one_education_return_per_provider")]

    def __str__(self):
        return f"{self.provider}: {self.audit}"

    def get_absolute_url(self):
        return reverse("audits:education-return", args=[self.pk])


class EducationAnswer(AuditedModel):
    permission_area = Area.AUDITS

    education_return = models.ForeignKey(EducationReturn, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="education_answers")
    compliance = models.CharField(max_length=20, choices=Compliance.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["education_return", "item__sort_key"]
        constraints = [models.UniqueConstraint(fields=["education_return", "item"], name="one_answer_per_item")]

    def __str__(self):
        return f"{self.item.number}: {self.get_compliance_display()}"


# Multi-agency case file audits


class CaseAuditProgramme(AuditedModel):
    permission_area = Area.AUDITS

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="case_audit_programmes")
    reporting_year = models.ForeignKey(ReportingYear, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    tool = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="case_audit_programmes",
        limit_choices_to={"kind": FrameworkKind.CASE_AUDIT},
        help_text="The common audit tool every agency answers.",
    )
    themes = models.ManyToManyField(Priority, related_name="case_audit_programmes")
    learning_event_on = models.DateField("learning event", null=True, blank=True)
    learning_event_summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-reporting_year__start_year", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("audits:case-audit-programme", args=[self.pk])


# A case is known by a code the audit group gives it, never by a child's name or identifiers.
CASE_REFERENCE = re.compile(r"^[A-Z]{2,4}-\d{2,4}-\d{1,4}$")


def validate_case_reference(value: str) -> None:
    if not CASE_REFERENCE.match(value):
        raise ValidationError(
            "Enter a pseudonymous case reference such as CA-2019-07 (capital letters, a year and a number). "
            "Never enter a child's name or identifiers."
        )


class AuditedCase(AuditedModel):
    permission_area = Area.AUDITS
    access_logged = True

    programme = models.ForeignKey(CaseAuditProgramme, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField("pseudonymous case reference", max_length=20, validators=[validate_case_reference])
    theme = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="+")
    deep_dive = models.BooleanField("in the deep dive", default=False)

    class Meta:
        ordering = ["programme", "reference"]
        constraints = [models.UniqueConstraint(fields=["programme", "reference"], name="case_reference_unique")]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("audits:case-audit-case", args=[self.pk])


class CaseAgencyAudit(AuditedModel):
    """One agency's audit of its own records of a case, on the programme's common tool."""

    permission_area = Area.AUDITS
    access_logged = True
    agency_path = "agency"

    case = models.ForeignKey(AuditedCase, on_delete=models.CASCADE, related_name="agency_audits")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="case_audits")
    auditor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "agency__name"]
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="one_agency_audit_per_case")]

    def __str__(self):
        return f"{self.case} audited by {self.agency}"

    def get_absolute_url(self):
        return reverse("audits:case-agency-audit", args=[self.pk])


class Grade(models.TextChoices):
    GOOD = "good", "Good"
    ADEQUATE = "adequate", "Adequate"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"


class CaseAuditAnswer(AuditedModel):
    permission_area = Area.AUDITS
    agency_path = "agency_audit__agency"

    agency_audit = models.ForeignKey(CaseAgencyAudit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Standard, on_delete=models.PROTECT, related_name="case_audit_answers")
    grade = models.CharField(max_length=30, choices=Grade.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["agency_audit", "question__sort_key"]
        constraints = [models.UniqueConstraint(fields=["agency_audit", "question"], name="one_answer_per_question")]

    def __str__(self):
        return f"{self.question.number}: {self.get_grade_display()}"


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    IMPROVEMENT = "improvement", "Area for improvement"


class CaseAuditFinding(AuditedModel):
    permission_area = Area.AUDITS

    programme = models.ForeignKey(CaseAuditProgramme, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=20, choices=FindingKind.choices)
    theme = models.ForeignKey(Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField("finding")

    class Meta:
        ordering = ["programme", "kind", "pk"]

    def __str__(self):
        return self.text[:80]


# Inspections and external reviews


class Inspectorate(models.TextChoices):
    OFSTED = "ofsted", "Ofsted"
    CQC = "cqc", "Care Quality Commission (CQC)"
    HMICFRS = "hmicfrs", "HM Inspectorate of Constabulary and Fire & Rescue Services"
    HMIP = "hmip", "HM Inspectorate of Probation"
    JOINT = "joint", "Joint targeted area inspection"
    PEER_REVIEW = "peer_review", "Peer review (Local Government Association)"


class Inspection(AuditedModel):
    permission_area = Area.AUDITS

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="inspections")
    inspectorate = models.CharField(max_length=20, choices=Inspectorate.choices)
    title = models.CharField(
        max_length=200, help_text="For example, Inspection of local authority children's services."
    )
    service = models.CharField("service inspected", max_length=200)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name="agency inspected",
    )
    started_on = models.DateField("first day of the inspection")
    ended_on = models.DateField("last day of the inspection")
    published_on = models.DateField("report published", null=True, blank=True)
    overall_judgement = models.CharField(max_length=30, choices=Rating.choices, blank=True)
    summary = models.TextField(blank=True)
    report_url = models.URLField("link to the report", max_length=500, blank=True)

    class Meta:
        ordering = ["-started_on"]

    def __str__(self):
        return f"{self.get_inspectorate_display()}: {self.title} ({self.started_on:%B %Y})"

    def get_absolute_url(self):
        return reverse("audits:inspection-detail", args=[self.pk])

    def clean(self):
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The last day cannot be before the first day."})


class SubJudgement(AuditedModel):
    permission_area = Area.AUDITS

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="sub_judgements")
    area = models.CharField(max_length=300)
    judgement = models.CharField(max_length=30, choices=Rating.choices)

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = "sub-judgement"

    def __str__(self):
        return f"{self.area}: {self.get_judgement_display()}"


class InspectionUpdate(AuditedModel):
    """A progress report on an inspection's improvement plan, received by the partnership."""

    permission_area = Area.AUDITS

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="updates")
    received_on = models.DateField(default=timezone.localdate)
    received_by = models.CharField("received by", max_length=200, help_text="The board or group that received it.")
    summary = models.TextField()

    class Meta:
        ordering = ["-received_on"]

    def __str__(self):
        return f"Update on {self.inspection} received {self.received_on:%d/%m/%Y}"


class Recommendation(AuditedModel):
    """A recommendation of an inspection, peer review or case audit; it becomes one or more actions."""

    permission_area = Area.AUDITS

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    programme = models.ForeignKey(
        CaseAuditProgramme, on_delete=models.CASCADE, null=True, blank=True, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField()
    text = models.TextField("recommendation")

    class Meta:
        ordering = ["inspection", "programme", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection__isnull=True, programme__isnull=False)
                | Q(inspection__isnull=False, programme__isnull=True),
                name="recommendation_has_one_source",
            )
        ]

    def __str__(self):
        return f"{self.parent}, recommendation {self.number}"

    @property
    def parent(self):
        return self.inspection or self.programme

    def get_absolute_url(self):
        return f"{self.parent.get_absolute_url()}#recommendation-{self.number}"

    @property
    def action_source_kind(self) -> str:
        """One of the action register's source kinds; the register checks it when it adds the action."""
        if self.programme_id:
            return "case_audit"
        if self.inspection.inspectorate == Inspectorate.PEER_REVIEW:
            return "peer_review"
        return "inspection"
