"""Case reviews: serious incidents and their notification, rapid reviews, child safeguarding practice reviews (and the
other reviews the partnership learns from), their recommendations and learning, and the standing panel's decisions.

Everything here lives in a compartment (decisions.md section 1): each model's ``permission_area`` is
``Area.REVIEWS``, so nobody outside the review panel and the lead partners reaches a record except through a share
(``core.record_grants``), and ``str()`` of a record is a neutral reference ("Rapid review RR-2020-001"). A child is
known by a random reference (``Child.reference``), never by the performance pseudonymisation key; who the child is
lives apart, in ``ChildIdentity``. Clocks count working days (``clocks.py``); stages and statuses are derived from
dates, never stored.
"""

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from assure.core.audit import AuditedModel, Sentence
from assure.core.models import Agency, Partnership, User
from assure.core.permissions import Area

from .clocks import Deadline, notification_due, rapid_review_due
from .guidance import EDITION_CHOICES

# Agencies' returned files are kept this long after the rapid review went to the national panel, then purged.
RETURNED_FILE_RETENTION_DAYS = 365

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _random_child_reference() -> str:
    # Random, so it cannot be joined to child-level data the way a keyed hash of a child's id could.
    return "C-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


def next_reference(model, partnership, prefix: str, year: int) -> str:
    start = f"{prefix}-{year}-"
    taken = model._base_manager.filter(partnership=partnership, reference__startswith=start).count()
    return f"{start}{taken + 1:03d}"


def _long(day: date) -> str:
    return f"{day:%-d %B %Y}"


class ReviewRecord(AuditedModel):
    """A record of the reviews compartment: seen by the review panel and the lead partners, each view logged."""

    permission_area = Area.REVIEWS
    access_logged = True

    class Meta:
        abstract = True


# Serious incidents and notifications --------------------------------------------------------------------------------


class Harm(models.TextChoices):
    DIED = "died", "A child died"
    SERIOUSLY_HARMED = "seriously_harmed", "A child was seriously harmed"


class Criteria(models.TextChoices):
    UNDECIDED = "undecided", "Not decided yet"
    MET = "met", "Meets the criteria: notify the national panel"
    NOT_MET = "not_met", "Does not meet the criteria"


class Incident(ReviewRecord):
    """A serious incident, and its notification to the national Child Safeguarding Practice Review Panel.

    One incident per child who died; siblings seriously harmed together share one. The notification clock runs from
    the day the local authority became aware the incident met the criteria, which is kept apart from the day the
    partnership learned of it.
    """

    audit_sentences = (
        Sentence("recorded that {record} was notified to the national panel", field="notified_on"),
        Sentence("recorded the criteria decision on {record}", field="criteria"),
    )

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=20, editable=False)
    harm = models.CharField("what happened", max_length=20, choices=Harm.choices)
    incident_on = models.DateField("date of the incident", null=True, blank=True)
    la_aware_on = models.DateField(
        "date the local authority became aware",
        help_text="The day the local authority knew the incident met the notification criteria: the 5-working-day "
        "clock starts here.",
    )
    partnership_learned_on = models.DateField("date the partnership learned of it")
    abuse_or_neglect_suspected = models.BooleanField("abuse or neglect is known or suspected", default=True)
    looked_after = models.BooleanField(
        "the child was looked after",
        default=False,
        help_text="A looked-after child's death is notified whether or not abuse or neglect is suspected.",
    )
    harmed_outside_area = models.BooleanField(
        "the child normally lives here but was harmed elsewhere",
        default=False,
        help_text="The local authority where the child normally lives notifies, wherever the incident happened.",
    )
    summary = models.TextField("what is known", help_text="Kept inside the reviews area.")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="+", verbose_name="agencies involved")
    criteria = models.CharField(
        "notification criteria", max_length=20, choices=Criteria.choices, default=Criteria.UNDECIDED
    )
    criteria_reason = models.TextField("why", blank=True)
    criteria_decided_on = models.DateField("date of the criteria decision", null=True, blank=True)
    notified_on = models.DateField("date the notification was submitted", null=True, blank=True)
    notification_reference = models.CharField("national panel's reference", max_length=60, blank=True)
    created_on = models.DateField(default=timezone.localdate, editable=False)

    class Meta:
        ordering = ["-la_aware_on", "-pk"]
        verbose_name = "serious incident"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="incident_reference_unique"),
            models.CheckConstraint(
                condition=Q(notified_on__isnull=True) | Q(notified_on__gte=models.F("la_aware_on")),
                name="incident_notified_after_awareness",
            ),
        ]

    def __str__(self):
        return f"Serious incident {self.reference}"

    def get_absolute_url(self):
        return reverse("reviews:incident-detail", args=[self.pk])

    @property
    def must_be_notified(self) -> bool:
        return self.criteria == Criteria.MET or (self.harm == Harm.DIED and self.looked_after)

    @property
    def notification_deadline(self) -> Deadline | None:
        """The 5-working-day clock, unless the incident was found not to meet the criteria."""
        if self.criteria == Criteria.NOT_MET and not self.must_be_notified:
            return None
        return Deadline(notification_due(self.la_aware_on), self.notified_on)

    def clean(self):
        errors = {}
        if self.la_aware_on and self.notified_on and self.notified_on < self.la_aware_on:
            errors["notified_on"] = (
                f"The notification date must be on or after the date the local authority became aware "
                f"({_long(self.la_aware_on)})."
            )
        if self.harm == Harm.DIED and self.looked_after and self.criteria == Criteria.NOT_MET:
            errors["criteria"] = (
                "A looked-after child's death is notified whether or not abuse or neglect is suspected."
            )
        if self.criteria != Criteria.UNDECIDED:
            if not self.criteria_reason.strip():
                errors["criteria_reason"] = "Enter why the incident does or does not meet the criteria."
            if not self.criteria_decided_on:
                errors["criteria_decided_on"] = "Enter the date of the criteria decision."
        if self.notified_on and not self.must_be_notified:
            errors["notified_on"] = "Record that the incident meets the criteria before recording its notification."
        if errors:
            raise ValidationError(errors)


class Child(ReviewRecord):
    """A child an incident is about, known inside Assure by a random reference only."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="children")
    reference = models.CharField(max_length=12, unique=True, default=_random_child_reference, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = "child in a review"
        verbose_name_plural = "children in reviews"

    def __str__(self):
        return f"Child {self.reference}"

    def get_absolute_url(self):
        return self.incident.get_absolute_url()


class ChildIdentity(ReviewRecord):
    """Who the child is: shown to the panel, and to an agency while its information request is open."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="identity")
    full_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField("home address", blank=True)
    local_identifier = models.CharField(
        "local authority case number", max_length=60, blank=True, help_text="As the agencies' systems know the child."
    )

    class Meta:
        verbose_name = "child's identity"
        verbose_name_plural = "children's identities"

    def __str__(self):
        return f"Identity of child {self.child.reference}"

    def get_absolute_url(self):
        return reverse("reviews:child-identity", args=[self.child_id])


# Rapid reviews -------------------------------------------------------------------------------------------------------


class Outcome(models.TextChoices):
    """What a rapid review or a referral leads to: the panel recommends it, the lead partners decide it."""

    NATIONAL_REVIEW = "national_review", "Refer to the national panel for a national review"
    LOCAL_CSPR = "local_cspr", "A local child safeguarding practice review"
    ALTERNATIVE_LEARNING = "alternative_learning", "Another learning activity"
    NO_REVIEW = "no_review", "No review"


class RapidReview(ReviewRecord):
    """The rapid review of a notified incident: 15 working days from the notification to the national panel."""

    audit_sentences = (
        Sentence("recorded the panel's recommendation on {record}", field="recommendation"),
        Sentence("sent {record} to the national panel", field="sent_to_national_panel_on"),
    )

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="rapid_review")
    reference = models.CharField(max_length=20, editable=False)
    meeting_on = models.DateField("date of the rapid review meeting", null=True, blank=True)
    recommendation = models.CharField("panel's recommendation", max_length=30, choices=Outcome.choices, blank=True)
    recommendation_rationale = models.TextField("why the panel recommends it", blank=True)
    sent_to_national_panel_on = models.DateField("date sent to the national panel", null=True, blank=True)
    national_panel_response = models.TextField("national panel's response", blank=True)
    national_panel_responded_on = models.DateField("date of the national panel's response", null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="rapid_review_reference_unique")
        ]

    def __str__(self):
        return f"Rapid review {self.reference}"

    def get_absolute_url(self):
        return reverse("reviews:rapid-review-detail", args=[self.pk])

    @property
    def started_on(self) -> date:
        return self.incident.notified_on

    @property
    def deadline(self) -> Deadline:
        return Deadline(rapid_review_due(self.started_on), self.sent_to_national_panel_on)

    def clean(self):
        errors = {}
        notified = self.incident.notified_on if self.incident_id else None
        for field in ("meeting_on", "sent_to_national_panel_on"):
            day = getattr(self, field)
            if notified and day and day < notified:
                label = self._meta.get_field(field).verbose_name
                errors[field] = f"The {label} must be on or after the notification ({_long(notified)})."
        if self.recommendation and not self.recommendation_rationale.strip():
            errors["recommendation_rationale"] = "Enter why the panel recommends this."
        responded = self.national_panel_responded_on
        if responded and (not self.sent_to_national_panel_on or responded < self.sent_to_national_panel_on):
            errors["national_panel_responded_on"] = (
                "The national panel's response must be on or after the date the rapid review was sent to it."
            )
        if errors:
            raise ValidationError(errors)


class InformationRequest(ReviewRecord):
    """What a rapid review asks one agency for (a chronology, a summary), by when.

    The agency's safeguarding leads read it, the child's identity and what they returned through a share made when
    it is sent and revoked when it is closed.
    """

    rapid_review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="information_requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    asked_for = models.TextField(
        "what is asked for", help_text="For example, a chronology of your agency's involvement and a short summary."
    )
    sent_on = models.DateField("date sent")
    due_on = models.DateField("due by")
    closed_on = models.DateField("date closed", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "agency__name"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("sent_on")), name="information_due_after_sent")
        ]

    def __str__(self):
        return f"Information request {self.pk} for {self.rapid_review}"

    def get_absolute_url(self):
        return reverse("reviews:information-request-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def returned_on(self) -> date | None:
        first = self.files.order_by("uploaded_at").first()
        return timezone.localdate(first.uploaded_at) if first else None

    @property
    def deadline(self) -> Deadline:
        return Deadline(self.due_on, self.returned_on)

    def clean(self):
        if self.sent_on and self.due_on and self.due_on < self.sent_on:
            raise ValidationError({"due_on": "The due date must be on or after the date the request was sent."})


def returned_file_path(instance, filename):
    # A random name: the uploaded file's own name is kept in the database, never trusted on disk.
    return f"reviews/returns/{timezone.now():%Y/%m}/{instance.stored_name}"


class ReturnedFile(ReviewRecord):
    """A file an agency returned (a chronology, a summary), stored under a neutral name and purged after retention."""

    class Kind(models.TextChoices):
        CHRONOLOGY = "chronology", "Chronology"
        SUMMARY = "summary", "Summary"
        OTHER = "other", "Other information"

    information_request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=returned_file_path, max_length=300, blank=True)
    stored_name = models.CharField(max_length=64, editable=False)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    purged_on = models.DateField("date the file was purged", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self):
        return f"Returned file {self.pk} for information request {self.information_request_id}"

    def get_absolute_url(self):
        return reverse("reviews:returned-file", args=[self.pk])


class LeadPartnerDecision(ReviewRecord):
    """One lead safeguarding partner's (or their delegate's) dated decision on a rapid review or a referral.

    The panel recommends; the lead partners decide. The decision stands when every statutory partner has decided
    alike (``selectors.standing_decision``).
    """

    rapid_review = models.ForeignKey(
        RapidReview, on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    review = models.ForeignKey("Review", on_delete=models.CASCADE, null=True, blank=True, related_name="decisions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="statutory partner")
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("date of the decision")
    decision = models.CharField(max_length=30, choices=Outcome.choices)
    rationale = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rapid_review__isnull=True, review__isnull=False)
                | Q(rapid_review__isnull=False, review__isnull=True),
                name="decision_on_a_rapid_review_or_a_review",
            ),
            models.UniqueConstraint(
                fields=["rapid_review", "agency"], name="one_decision_per_partner_per_rapid_review"
            ),
            models.UniqueConstraint(fields=["review", "agency"], name="one_decision_per_partner_per_review"),
        ]

    def __str__(self):
        return f"Lead partner decision {self.pk} on {self.rapid_review or self.review}"

    def get_absolute_url(self):
        return (self.rapid_review or self.review).get_absolute_url()


# Reviews -------------------------------------------------------------------------------------------------------------


class ReviewKind(models.TextChoices):
    LOCAL_CSPR = "local_cspr", "Local child safeguarding practice review"
    SERIOUS_CASE_REVIEW = "serious_case_review", "Serious case review (before the 2019 arrangements)"
    OTHER_PARTNERSHIP = "other_partnership", "Another partnership's review"
    NATIONAL_REVIEW = "national_review", "National panel review"
    NATIONAL_THEMATIC = "national_thematic", "National panel thematic report"


# The partnership's own reviews: counted as open, deferred and published in its yearly figures.
LOCAL_KINDS = (ReviewKind.LOCAL_CSPR, ReviewKind.SERIOUS_CASE_REVIEW)


class LearningTheme(ReviewRecord):
    """A theme reviews are tagged with (disguised compliance, substance misuse…): a list the panel extends."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="learning_theme_unique")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reviews:theme-list")


class Review(ReviewRecord):
    """A child safeguarding practice review from referral to published learning; or a legacy serious case review,
    another partnership's review or a national one the partnership responds to.

    A local review may start from a referral without a notification (the reference's police referral); deferral can
    happen at referral, scoping or decision, with its history kept (``Deferral``).
    """

    audit_sentences = (
        Sentence("recorded the publication of {record}", field="published_on"),
        Sentence("recorded that scoping was agreed for {record}", field="scoping_agreed_on"),
        Sentence("recorded the commissioning of {record}", field="commissioned_on"),
    )

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=20, editable=False)
    kind = models.CharField(max_length=30, choices=ReviewKind.choices)
    published_name = models.CharField(
        "published name",
        max_length=200,
        blank=True,
        help_text="The name the review is or will be published under, for example SC17 or Child B. Actions from its "
        "recommendations are labelled with it.",
    )
    pseudonym = models.CharField(
        max_length=60,
        blank=True,
        help_text="How the review names the child, for example Child B. Used in action text instead of any "
        "reference to the child.",
    )
    rapid_review = models.OneToOneField(
        RapidReview, on_delete=models.PROTECT, null=True, blank=True, related_name="review", editable=False
    )
    other_partnership = models.CharField(
        "partnership that carried it out", max_length=200, blank=True, help_text="For another partnership's review."
    )
    referred_on = models.DateField("date of the referral", null=True, blank=True)
    referred_by = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="referred by"
    )
    referral_reason = models.TextField("why it was referred", blank=True)
    initiated_on = models.DateField(
        "date the review was started",
        null=True,
        blank=True,
        help_text="Only for a review whose start was decided outside Assure (a serious case review, or another "
        "partnership's or the national panel's review).",
    )
    scoping_agreed_on = models.DateField("date scoping was agreed", null=True, blank=True)
    guidance_edition = models.CharField(max_length=20, choices=EDITION_CHOICES, blank=True)
    reviewer = models.CharField("lead reviewer", max_length=200, blank=True)
    terms_of_reference = models.TextField("terms of reference", blank=True)
    commissioned_on = models.DateField("date commissioned", null=True, blank=True)
    family_involvement = models.TextField("how the family is involved", blank=True)
    family_told_on = models.DateField("date the family was told before publication", null=True, blank=True)
    planned_publication_on = models.DateField("planned publication date", null=True, blank=True)
    copy_to_national_panel_on = models.DateField("date a copy went to the national panel", null=True, blank=True)
    copy_to_secretary_of_state_on = models.DateField(
        "date a copy went to the Secretary of State", null=True, blank=True
    )
    published_on = models.DateField("publication date", null=True, blank=True)
    publication_url = models.URLField("where it is published", max_length=500, blank=True)
    not_published_reason = models.TextField(
        "why the report is not published", blank=True, help_text="Only where the report will not be published."
    )
    improvements_published_on = models.DateField(
        "date the improvements information was published", null=True, blank=True
    )
    learning = models.TextField("what was learned", blank=True)
    themes = models.ManyToManyField(LearningTheme, blank=True, related_name="reviews", verbose_name="learning themes")

    class Meta:
        ordering = ["-pk"]
        verbose_name = "case review"
        constraints = [models.UniqueConstraint(fields=["partnership", "reference"], name="review_reference_unique")]

    def __str__(self):
        return f"Case review {self.reference}"

    def get_absolute_url(self):
        return reverse("reviews:review-detail", args=[self.pk])

    @property
    def is_local(self) -> bool:
        return self.kind in LOCAL_KINDS

    @property
    def name(self) -> str:
        """How the review is named on the register and in figures: its published name, else its reference."""
        return self.published_name or str(self)

    @property
    def decision_to_start_on(self) -> date | None:
        """When the review was decided on: the standing lead partners' decision, or the date it was started."""
        from .selectors import standing_decision

        for subject in filter(None, (self, self.rapid_review)):
            decision = standing_decision(subject)
            if decision is not None and decision.outcome == Outcome.LOCAL_CSPR:
                return decision.decided_on
        return self.initiated_on

    def clean(self):
        errors = {}
        if self.published_on and self.commissioned_on and self.published_on < self.commissioned_on:
            errors["published_on"] = (
                f"The publication date must be on or after the date the review was commissioned "
                f"({_long(self.commissioned_on)})."
            )
        if self.is_local and self.published_on and not self.commissioned_on and self.kind == ReviewKind.LOCAL_CSPR:
            errors["published_on"] = "Record when the review was commissioned before recording its publication."
        if self.published_on and self.not_published_reason.strip():
            errors["not_published_reason"] = "A published review has no reason for not being published."
        if self.improvements_published_on and not self.not_published_reason.strip():
            errors["not_published_reason"] = "Enter why the report is not published."
        if self.kind == ReviewKind.OTHER_PARTNERSHIP and not self.other_partnership.strip():
            errors["other_partnership"] = "Enter the partnership that carried out the review."
        if self.referred_on and self.scoping_agreed_on and self.scoping_agreed_on < self.referred_on:
            errors["scoping_agreed_on"] = "Scoping must be agreed on or after the referral."
        if self.family_told_on and self.published_on and self.family_told_on > self.published_on:
            errors["family_told_on"] = "The family is told before publication: enter a date on or before it."
        if errors:
            raise ValidationError(errors)

    def stage(self, today: date | None = None) -> str:
        """Where the review stands, from its dates (never stored)."""
        from .selectors import standing_decision

        if self.published_on:
            return "Published"
        if self.improvements_published_on:
            return "Improvements information published"
        if self.deferrals.filter(ended_on__isnull=True).exists():
            return "Deferred"
        if self.signoffs.exists():
            return "Signed off"
        if self.commissioned_on:
            return "Under way"
        decision = standing_decision(self)
        if decision is not None and decision.outcome != Outcome.LOCAL_CSPR:
            label = Outcome(decision.outcome).label
            return f"Decided: {label[0].lower()}{label[1:]}"
        if self.decision_to_start_on:
            return "Decided: review to be commissioned"
        if self.scoping_agreed_on:
            return "Scoping"
        if self.referred_on:
            return "Referred"
        return "Recorded"


class Deferral(ReviewRecord):
    """A review's referral, scoping or decision put off, with the reason and when to look at it again."""

    class Stage(models.TextChoices):
        REFERRAL = "referral", "Referral"
        SCOPING = "scoping", "Scoping"
        DECISION = "decision", "Decision"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="deferrals")
    stage = models.CharField("stage deferred", max_length=20, choices=Stage.choices)
    deferred_on = models.DateField("date deferred")
    reason = models.TextField()
    review_on = models.DateField("date to look at it again")
    ended_on = models.DateField("date the deferral ended", null=True, blank=True)
    ended_note = models.TextField("what happened next", blank=True)

    class Meta:
        ordering = ["deferred_on", "pk"]
        verbose_name = "review deferral"
        constraints = [
            models.UniqueConstraint(
                fields=["review"], condition=Q(ended_on__isnull=True), name="one_open_deferral_per_review"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("deferred_on")),
                name="deferral_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return f"Deferral {self.pk} of {self.review}"

    def get_absolute_url(self):
        return f"{self.review.get_absolute_url()}#deferrals"

    def clean(self):
        errors = {}
        if self.deferred_on and self.review_on and self.review_on < self.deferred_on:
            errors["review_on"] = "The date to look at it again must be on or after the date it was deferred."
        if self.deferred_on and self.ended_on and self.ended_on < self.deferred_on:
            errors["ended_on"] = f"The deferral cannot end before it started ({_long(self.deferred_on)})."
        if errors:
            raise ValidationError(errors)

    def open_on(self, day: date) -> bool:
        return self.deferred_on <= day and (self.ended_on is None or self.ended_on > day)


class Milestone(ReviewRecord):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200, help_text="For example, first draft to the panel.")
    target_on = models.DateField("target date")
    achieved_on = models.DateField("date achieved", null=True, blank=True)

    class Meta:
        ordering = ["target_on", "pk"]
        verbose_name = "review milestone"

    def __str__(self):
        return f"Milestone {self.pk} of {self.review}"

    def get_absolute_url(self):
        return f"{self.review.get_absolute_url()}#milestones"

    @property
    def deadline(self) -> Deadline:
        return Deadline(self.target_on, self.achieved_on)


class Draft(ReviewRecord):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="drafts")
    version = models.PositiveSmallIntegerField()
    received_on = models.DateField("date received")
    note = models.TextField("what changed, and what the panel asked for", blank=True)

    class Meta:
        ordering = ["version"]
        verbose_name = "review draft"
        constraints = [models.UniqueConstraint(fields=["review", "version"], name="review_draft_version_unique")]

    def __str__(self):
        return f"Draft {self.version} of {self.review}"

    def get_absolute_url(self):
        return f"{self.review.get_absolute_url()}#drafts"


class SignOff(ReviewRecord):
    """A lead partner's (or delegate's) sign-off of the final report, one per statutory partner."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="signoffs")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="statutory partner")
    signed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField("date signed off")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["signed_on", "pk"]
        verbose_name = "review sign-off"
        constraints = [models.UniqueConstraint(fields=["review", "agency"], name="one_sign_off_per_partner")]

    def __str__(self):
        return f"Sign-off {self.pk} of {self.review}"

    def get_absolute_url(self):
        return f"{self.review.get_absolute_url()}#sign-off"


class Recommendation(ReviewRecord):
    """A review's recommendation; each becomes an action on the register (one per agency for all agencies)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField("recommendation")
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for a recommendation to all agencies.",
    )
    made_on = models.DateField("date made")
    due_on = models.DateField("action due by")

    class Meta:
        ordering = ["review", "number"]
        verbose_name = "review recommendation"
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="review_recommendation_unique")]

    # The register's one source kind for every kind of review.
    action_source_kind = "case_review"

    def __str__(self):
        return f"Recommendation {self.number} of {self.review}"

    def get_absolute_url(self):
        return f"{self.review.get_absolute_url()}#recommendation-{self.number}"

    def clean(self):
        if self.made_on and self.due_on and self.due_on < self.made_on:
            raise ValidationError({"due_on": "The action must be due on or after the date of the recommendation."})


class LearningBriefing(ReviewRecord):
    """A learning briefing summarising one or more reviews, and the agencies it went to."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    reviews = models.ManyToManyField(Review, related_name="briefings", verbose_name="reviews it summarises")
    issued_on = models.DateField("date issued", null=True, blank=True, help_text="Leave empty while it is written.")
    sent_to = models.ManyToManyField(Agency, blank=True, related_name="+", verbose_name="agencies it went to")

    class Meta:
        ordering = ["-issued_on", "title"]

    def __str__(self):
        return f"Learning briefing {self.pk}"

    def get_absolute_url(self):
        return reverse("reviews:briefing-detail", args=[self.pk])


class LearningEvent(ReviewRecord):
    """A training course that shares a review's learning: the course lives in training, linked here by id."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="learning_events")
    course = models.ForeignKey("training.Course", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["review", "course"], name="learning_event_once_per_review")]

    def __str__(self):
        return f"Learning event {self.pk} of {self.review}"

    def get_absolute_url(self):
        return f"{self.review.get_absolute_url()}#learning-events"


# The standing panel ----------------------------------------------------------------------------------------------


class PanelDecision(ReviewRecord):
    """An entry in the standing panel's decisions log, with the date of the meeting it was made at.

    The panel's meetings are governance's; the log keeps the meeting's date, and the record it is about by id.
    """

    class Kind(models.TextChoices):
        CRITERIA = "criteria", "Notification criteria"
        RECOMMENDATION = "recommendation", "Panel's recommendation"
        LEAD_PARTNERS = "lead_partners", "Lead partner's decision"
        SCOPING = "scoping", "Scoping agreed"
        DEFERRAL = "deferral", "Deferral"
        SIGN_OFF = "sign_off", "Sign-off"
        PUBLICATION = "publication", "Publication"
        PANEL = "panel", "Standing panel business"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("date of the decision")
    meeting_on = models.DateField("date of the meeting", null=True, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    summary = models.TextField("decision")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    rapid_review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = "panel decision"

    def __str__(self):
        return f"Panel decision {self.pk}"

    def get_absolute_url(self):
        return reverse("reviews:decision-list")

    @property
    def subject(self):
        return self.review or self.rapid_review or self.incident

    def subject_name(self) -> str:
        """What the decision is about, with no child's details: a review by its published name once published,
        anything else by its neutral reference."""
        subject = self.subject
        if subject is None:
            return ""
        if isinstance(subject, Review) and subject.published_on:
            return subject.name
        return str(subject)


class ClockReminder(ReviewRecord):
    """A reminder sent about one clock (before its deadline, or on the day it was missed), so none goes twice."""

    class Stage(models.TextChoices):
        BEFORE = "before", "Before the deadline"
        MISSED = "missed", "Deadline missed"

    clock = models.CharField(max_length=60)
    due_on = models.DateField()
    stage = models.CharField(max_length=10, choices=Stage.choices)
    sent_on = models.DateField()

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = "review clock reminder"
        constraints = [
            models.UniqueConstraint(fields=["clock", "due_on", "stage"], name="one_reminder_per_clock_stage")
        ]

    def __str__(self):
        return f"Reminder {self.pk}"


class ConfirmedYearFigures(AuditedModel):
    """A reporting year's review figures as the panel confirmed them: counts, decisions, timeliness, themes and
    published reviews only, never the outline of an unpublished case. The yearly report reads these."""

    permission_area = Area.REVIEW_FIGURES

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    start_year = models.PositiveSmallIntegerField()
    figures = models.JSONField()
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    confirmed_on = models.DateField("date confirmed")

    class Meta:
        ordering = ["-start_year", "-confirmed_on", "-pk"]
        verbose_name = "confirmed review figures"
        verbose_name_plural = "confirmed review figures"

    def __str__(self):
        return f"Review figures {self.figures.get('year', self.start_year)} confirmed {_long(self.confirmed_on)}"
