"""Allegations against people who work with children, and consultations with the LADO: a compartment.

Every record here is in the LADO compartment (``permission_area = Area.LADO``): only the LADO role, and a person a
LADO has shared one allegation with, reach it; everyone else gets a 404, and core's shared pages show nothing of
it. No record belongs to an agency or a person (no ``agency_path``/``owner_path``): the compartment is reached
whole or not at all. A record's ``str`` is a neutral reference ("Allegation L-2019-031"), never a name.

Counting rules are decisions.md section 6: one allegation is one adult named in one referral; referred in the year
the LADO received it; concluded in the year of its outcome date; time taken runs from receipt to the outcome.
Status is derived from the dates, never stored.
"""

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from assure.core.audit import AuditedModel, AuditedQuerySet, Sentence
from assure.core.models import Agency, Partnership, User
from assure.core.periods import add_months, reporting_year_start
from assure.core.permissions import Area
from assure.core.workdays import working_days_between

from .sealing import SealedText, new_secret

# The employer should tell the LADO within one working day of becoming aware (Working Together 2018).
EMPLOYER_SHOULD_TELL_WITHIN_WORKING_DAYS = 1
# Cases open longer than this are flagged on the LADO's list.
LONG_OPEN_MONTHS = 3


class EmploymentSector(models.TextChoices):
    EDUCATION = "education", "Education"
    EARLY_YEARS = "early_years", "Early years"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    SOCIAL_CARE = "social_care", "Social care"
    FOSTER_CARER = "foster_carer", "Foster carer"
    RESIDENTIAL_CARE = "residential_care", "Residential care"
    FAITH = "faith", "Faith"
    SPORT = "sport", "Sport"
    VOLUNTARY = "voluntary", "Voluntary"
    TRANSPORT = "transport", "Transport"
    OTHER = "other", "Other"


class ReferrerKind(models.TextChoices):
    EMPLOYER = "employer", "The employer or volunteer organisation"
    POLICE = "police", "Police"
    SOCIAL_CARE = "social_care", "Children's social care"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education (not the employer)"
    REGULATOR = "regulator", "Ofsted or another regulator"
    PARENT = "parent", "Parent or carer"
    CHILD = "child", "The child or young person"
    OTHER_AREA = "other_area", "Another area's LADO"
    OTHER = "other", "Someone else"


class AbuseCategory(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    EMOTIONAL = "emotional", "Emotional"
    SEXUAL = "sexual", "Sexual"
    NEGLECT = "neglect", "Neglect"


class AgeBand(models.TextChoices):
    UNDER_5 = "under_5", "Under 5"
    FROM_5_TO_10 = "5_to_10", "5 to 10"
    FROM_11_TO_15 = "11_to_15", "11 to 15"
    FROM_16_TO_17 = "16_to_17", "16 or 17"
    NOT_KNOWN = "not_known", "Not known"


class Outcome(models.TextChoices):
    """Keeping Children Safe in Education's five outcomes, and the local "no further action after initial
    consideration"."""

    NO_FURTHER_ACTION = "no_further_action", "No further action after initial consideration (local category)"
    SUBSTANTIATED = "substantiated", "Substantiated"
    FALSE = "false", "False"
    UNFOUNDED = "unfounded", "Unfounded"
    UNSUBSTANTIATED = "unsubstantiated", "Unsubstantiated"
    MALICIOUS = "malicious", "Malicious"


# The order of the reference report's outcomes table.
OUTCOME_ORDER = tuple(Outcome)

OUTCOME_DEFINITIONS = {
    Outcome.SUBSTANTIATED: "There is sufficient evidence to prove the allegation.",
    Outcome.MALICIOUS: "There is sufficient evidence to disprove the allegation, and there has been a deliberate act "
    "to deceive.",
    Outcome.FALSE: "There is sufficient evidence to disprove the allegation.",
    Outcome.UNSUBSTANTIATED: "There is insufficient evidence either to prove or to disprove the allegation. The term "
    "does not imply guilt or innocence.",
    Outcome.UNFOUNDED: "There is no evidence or proper basis which supports the allegation being made.",
    Outcome.NO_FURTHER_ACTION: "A local category, not one of Keeping Children Safe in Education's: the LADO's initial "
    "consideration found that the allegation did not need to go further under the managing allegations procedure.",
}
OUTCOME_SOURCE = "Keeping Children Safe in Education, part 4"


class InitialDecision(models.TextChoices):
    MEETING = "meeting", "Hold an allegation management meeting"
    EMPLOYER = "employer", "The employer looks into it, with the LADO's oversight"
    NO_FURTHER_ACTION = "no_further_action", "No further action after initial consideration"


class Status(models.TextChoices):
    AWAITING_CONSIDERATION = "awaiting", "Awaiting initial consideration"
    OPEN = "open", "Open"
    CONCLUDED = "concluded", "Outcome recorded"
    CLOSED = "closed", "Closed"
    DISPOSED = "disposed", "Disposed of"


STATUS_TAG_COLOURS = {
    Status.AWAITING_CONSIDERATION: "yellow",
    Status.OPEN: "blue",
    Status.CONCLUDED: "green",
    Status.CLOSED: "grey",
    Status.DISPOSED: "grey",
}


class CompartmentRecord(AuditedModel):
    """What every record of the LADO compartment shares: its area, and that every page showing it is logged."""

    permission_area = Area.LADO
    access_logged = True

    class Meta:
        abstract = True


class CaseKey(CompartmentRecord):
    """The key one case's narrative is sealed with (``sealing.py``). Deleting it is the case's disposal."""

    audit_masked = ("secret",)

    secret = models.CharField(max_length=64, default=new_secret, editable=False)

    class Meta:
        verbose_name = "case key"

    def __str__(self):
        return f"Case key {self.pk}"


class Criterion(CompartmentRecord):
    """One of the criteria that make a concern an allegation, with the guidance edition it applies from."""

    code = models.SlugField(max_length=40, unique=True)
    text = models.CharField(max_length=300)
    guidance = models.CharField("guidance edition", max_length=200)
    applies_from = models.DateField(help_text="The first day an allegation received can meet it.")
    sort_key = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_key", "code"]
        verbose_name_plural = "criteria"

    def __str__(self):
        return self.text


def _reference(model, prefix: str, received_on: date) -> str:
    start_year = reporting_year_start(received_on)
    stem = f"{prefix}-{start_year}-"
    taken = model._base_manager.filter(reference__startswith=stem).values_list("reference", flat=True)
    number = max((int(reference.rsplit("-", 1)[1]) for reference in taken), default=0) + 1
    return f"{stem}{number:03d}"


class AllegationQuerySet(AuditedQuerySet):
    def open(self):
        """Cases with no outcome yet, not disposed of."""
        return self.filter(outcome="", disposed_on__isnull=True)

    def open_longer_than_three_months(self, today: date):
        """Open cases whose three-month mark (the same clamped month arithmetic as the bands) is before today."""
        received = self.open().values_list("pk", "received_on")
        return self.filter(pk__in=[pk for pk, day in received if today > add_months(day, LONG_OPEN_MONTHS)])

    def with_meeting_follow_up_due(self, today: date):
        """Open cases whose latest meeting set a follow-up date that has come."""
        latest = Meeting.objects.filter(allegation=models.OuterRef("pk")).order_by("-held_on", "-pk")
        return (
            self.open()
            .annotate(follow_up_on=models.Subquery(latest.values("follow_up_on")[:1]))
            .filter(follow_up_on__lte=today)
        )


class Allegation(CompartmentRecord):
    """An allegation that an adult who works with children has harmed a child or may pose a risk: one adult named in
    one referral."""

    audit_masked = ("adult_name", "adult_date_of_birth", "adult_role", "other_roles", "summary_sealed")
    audit_sentences = (
        Sentence("recorded the initial consideration of {record}", field="initial_consideration_on"),
        Sentence("recorded the outcome of {record}", field="outcome_on"),
        Sentence("closed {record}", field="closed_on"),
        Sentence("disposed of {record}", field="disposed_on"),
    )

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=20, unique=True, editable=False)
    received_on = models.DateField("date the LADO received it")
    referrer_kind = models.CharField("who referred", max_length=20, choices=ReferrerKind.choices)
    referrer_role = models.CharField(
        "referrer's role", max_length=200, blank=True, help_text="For example, headteacher. Not their name."
    )
    referring_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="referring agency"
    )
    adult_name = models.CharField("adult's full name", max_length=200)
    adult_date_of_birth = models.DateField("adult's date of birth", null=True, blank=True)
    adult_role = models.CharField("adult's role", max_length=200, help_text="For example, teaching assistant.")
    employer = models.CharField(max_length=200, help_text="The organisation they work or volunteer for.")
    employment_sector = models.CharField(max_length=20, choices=EmploymentSector.choices)
    works_with_children_elsewhere = models.BooleanField(
        "works or volunteers with children elsewhere",
        default=False,
        help_text="A transferable risk: say where in their other roles.",
    )
    other_roles = models.TextField("other roles with children", blank=True)
    abuse_category = models.CharField("category of abuse", max_length=20, choices=AbuseCategory.choices)
    criteria = models.ManyToManyField(Criterion, related_name="+", verbose_name="criteria met")
    summary_sealed = models.TextField(blank=True, editable=False)
    employer_aware_on = models.DateField("date the employer became aware", null=True, blank=True)
    initial_consideration_on = models.DateField("date of initial consideration", null=True, blank=True)
    initial_decision = models.CharField(
        "initial consideration decision", max_length=20, choices=InitialDecision.choices, blank=True
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_on = models.DateField("date the outcome was agreed", null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    lead_area = models.CharField(
        "lead LADO area",
        max_length=200,
        blank=True,
        help_text="Only when another area's LADO leads the case: the local authority area.",
    )
    restricted = models.BooleanField(
        default=False,
        help_text="The adult is an Assure user, in the LADO team, the business unit or a senior officer: only the "
        "LADOs named can see the case.",
    )
    named_lados = models.ManyToManyField(User, blank=True, related_name="+", verbose_name="LADOs who may see it")
    disposed_on = models.DateField(null=True, blank=True, editable=False)
    disposal_reason = models.CharField(max_length=300, blank=True, editable=False)
    case_key = models.ForeignKey(CaseKey, on_delete=models.SET_NULL, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+", editable=False)

    summary = SealedText()

    objects = AllegationQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="", outcome_on__isnull=True) | (~Q(outcome="") & Q(outcome_on__isnull=False)),
                name="lado_outcome_has_a_date",
            ),
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=models.F("received_on")),
                name="lado_outcome_not_before_receipt",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(outcome_on__isnull=False), name="lado_closed_after_outcome"
            ),
        ]

    def __str__(self):
        return f"Allegation {self.reference}"

    def audit_name(self) -> str:
        return f"allegation {self.reference}"

    def get_absolute_url(self):
        return reverse("lado:allegation-detail", args=[self.pk])

    def sealing_key(self, *, create: bool):
        if self.case_key_id is None and create and self.disposed_on is None:
            self.case_key = CaseKey.objects.create()
        return self.case_key

    def save(self, *args, **kwargs):
        if not self.reference and self.received_on:
            self.reference = _reference(Allegation, "L", self.received_on)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        received = self.received_on
        if received and received > timezone.localdate():
            errors["received_on"] = "The date the LADO received it cannot be in the future."
        if received and self.initial_consideration_on and self.initial_consideration_on < received:
            errors["initial_consideration_on"] = (
                f"The initial consideration must be on or after the date the LADO received the allegation "
                f"({received:%-d %B %Y})."
            )
        if received and self.outcome_on and self.outcome_on < received:
            errors["outcome_on"] = (
                f"The outcome date must be on or after the date the LADO received the allegation ({received:%-d %B %Y})."
            )
        if self.adult_date_of_birth and received and self.adult_date_of_birth >= received:
            errors["adult_date_of_birth"] = "The adult's date of birth must be before the date the LADO received it."
        if self.works_with_children_elsewhere and not self.other_roles.strip():
            errors["other_roles"] = "Enter their other roles with children."
        if self.closed_on and self.outcome_on and self.closed_on < self.outcome_on:
            errors["closed_on"] = "A case closes on or after the date its outcome was agreed."
        if errors:
            raise ValidationError(errors)

    # Derived facts --------------------------------------------------------------------------------------------

    def status_on(self, today: date | None = None) -> Status:
        if self.disposed_on:
            return Status.DISPOSED
        if self.closed_on:
            return Status.CLOSED
        if self.outcome:
            return Status.CONCLUDED
        if self.initial_consideration_on:
            return Status.OPEN
        return Status.AWAITING_CONSIDERATION

    @property
    def status(self) -> Status:
        return self.status_on()

    @property
    def status_colour(self) -> str:
        return STATUS_TAG_COLOURS[self.status]

    @property
    def is_open(self) -> bool:
        return not self.outcome and not self.disposed_on

    def open_longer_than_three_months(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and today > add_months(self.received_on, LONG_OPEN_MONTHS)

    @property
    def working_days_employer_took(self) -> int | None:
        """Working days from the employer becoming aware to the LADO receiving it (negative if the LADO knew first)."""
        if not self.employer_aware_on:
            return None
        return working_days_between(self.employer_aware_on, self.received_on)

    @property
    def referred_late(self) -> bool:
        """The employer knew more than one working day before the LADO received the allegation."""
        taken = self.working_days_employer_took
        return taken is not None and taken > EMPLOYER_SHOULD_TELL_WITHIN_WORKING_DAYS

    @property
    def outcome_definition(self) -> str:
        return OUTCOME_DEFINITIONS.get(self.outcome, "")

    @property
    def is_local_outcome(self) -> bool:
        return self.outcome == Outcome.NO_FURTHER_ACTION


class CaseRecord(CompartmentRecord):
    """A record that belongs to one allegation: shown on the allegation's page, sealed with the case's key."""

    allegation = models.ForeignKey(Allegation, on_delete=models.PROTECT)

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return self.allegation.get_absolute_url()

    def sealing_key(self, *, create: bool):
        return self.allegation.sealing_key(create=create)

    def _not_before_receipt(self, field: str, label: str) -> dict:
        value = getattr(self, field)
        received = self.allegation.received_on if self.allegation_id else None
        if value and received and value < received:
            return {
                field: f"{label} must be on or after the date the LADO received the allegation ({received:%-d %B %Y})."
            }
        return {}


def new_child_reference() -> str:
    """A random reference for a child within the compartment: never the child's identifier, nor the performance
    pseudonym, so it cannot be joined to child-level data."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "CH-" + "".join(secrets.choice(alphabet) for _ in range(6))


class AllegationChild(CaseRecord):
    """A child the allegation is about: a reference of the compartment's own and an age band, no more."""

    reference = models.CharField(max_length=12, default=new_child_reference, editable=False)
    age_band = models.CharField(max_length=20, choices=AgeBand.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = "child in an allegation"
        verbose_name_plural = "children in allegations"

    def __str__(self):
        return f"Child {self.reference}"


class Meeting(CaseRecord):
    """An allegation management meeting: when, which agencies attended, what it decided, when to follow up."""

    audit_masked = ("decisions_sealed",)

    held_on = models.DateField("date of the meeting")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="+", verbose_name="agencies attending")
    other_attendees = models.CharField(
        "other organisations attending",
        max_length=300,
        blank=True,
        help_text="The employer or others not in the list, by organisation and role, not by name.",
    )
    decisions_sealed = models.TextField(blank=True, editable=False)
    follow_up_on = models.DateField("follow up by", null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    decisions = SealedText()

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = "allegation management meeting"

    def __str__(self):
        return f"Meeting on allegation {self.allegation.reference}"

    def clean(self):
        errors = self._not_before_receipt("held_on", "The meeting date")
        if self.follow_up_on and self.held_on and self.follow_up_on < self.held_on:
            errors["follow_up_on"] = "The follow-up date must be on or after the meeting."
        if errors:
            raise ValidationError(errors)


class ProcessKind(models.TextChoices):
    POLICE = "police", "Police investigation"
    EMPLOYER = "employer", "Employer's investigation or disciplinary process"
    SOCIAL_CARE = "social_care", "Children's social care enquiry"


class ParallelProcess(CaseRecord):
    """A police, employer or social care process running beside the LADO's, with its own dates. It may have started
    before the LADO received the allegation."""

    kind = models.CharField(max_length=20, choices=ProcessKind.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    result = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = "parallel process"

    def __str__(self):
        return f"{self.get_kind_display()} on allegation {self.allegation.reference}"

    def clean(self):
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "The end date must be on or after the start date."})


class EmployerActionKind(models.TextChoices):
    SUSPENSION = "suspension", "Suspended"
    REDEPLOYMENT = "redeployment", "Redeployed or duties changed"
    DISMISSAL = "dismissal", "Dismissed"
    RESIGNED = "resigned", "Resigned before the case concluded"
    CEASED = "ceased", "Stopped using their services (volunteer, agency or supply)"


class EmployerAction(CaseRecord):
    kind = models.CharField("action", max_length=20, choices=EmployerActionKind.choices)
    taken_on = models.DateField("date")
    review_on = models.DateField("suspension review date", null=True, blank=True)

    class Meta:
        ordering = ["taken_on", "pk"]
        verbose_name = "employer action"

    def __str__(self):
        return f"Employer action on allegation {self.allegation.reference}"

    def clean(self):
        errors = {}
        if self.review_on and self.kind != EmployerActionKind.SUSPENSION:
            errors["review_on"] = "Only a suspension has a review date."
        elif self.review_on and self.taken_on and self.review_on < self.taken_on:
            errors["review_on"] = "The review date must be on or after the suspension."
        if errors:
            raise ValidationError(errors)


class RegulatorBody(models.TextChoices):
    DBS = "dbs", "Disclosure and Barring Service"
    TRA = "tra", "Teaching Regulation Agency"
    OTHER = "other", "Another regulator"


class ReferredBy(models.TextChoices):
    EMPLOYER = "employer", "The employer"
    LADO = "lado", "The LADO"
    POLICE = "police", "Police"
    OTHER = "other", "Someone else"


class RegulatorReferral(CaseRecord):
    body = models.CharField("referred to", max_length=10, choices=RegulatorBody.choices)
    regulator_name = models.CharField(
        "name of the regulator", max_length=200, blank=True, help_text="Only for another regulator."
    )
    referred_by = models.CharField(max_length=10, choices=ReferredBy.choices, default=ReferredBy.EMPLOYER)
    referred_on = models.DateField("date referred")
    result = models.CharField(max_length=300, blank=True, help_text="For example, barred; no action.")
    result_on = models.DateField("date of the result", null=True, blank=True)

    @property
    def referred_by_words(self) -> str:
        """Who referred, inside a sentence ("referred by the LADO"): lower case except the acronym."""
        label = self.get_referred_by_display()
        return "the LADO" if self.referred_by == ReferredBy.LADO else label.lower()

    class Meta:
        ordering = ["referred_on", "pk"]
        verbose_name = "referral to a regulator"

    def __str__(self):
        return f"Referral to a regulator on allegation {self.allegation.reference}"

    def clean(self):
        errors = {}
        if self.body == RegulatorBody.OTHER and not self.regulator_name.strip():
            errors["regulator_name"] = "Enter the name of the regulator."
        if self.result_on and self.referred_on and self.result_on < self.referred_on:
            errors["result_on"] = "The result must be on or after the date referred."
        if errors:
            raise ValidationError(errors)


class TransferDirection(models.TextChoices):
    IN = "in", "Transferred in from another area"
    OUT = "out", "Transferred out to another area"


class Transfer(CaseRecord):
    """A cross-border case moving between LADO areas."""

    direction = models.CharField(max_length=3, choices=TransferDirection.choices)
    area = models.CharField("local authority area", max_length=200)
    transferred_on = models.DateField("date")

    class Meta:
        ordering = ["transferred_on", "pk"]

    def __str__(self):
        return f"Transfer of allegation {self.allegation.reference}"


class Consultation(CompartmentRecord):
    """An enquiry to the LADO that did not (or not yet) become an allegation. Never counted as a referral."""

    audit_masked = ("adult_name", "adult_date_of_birth", "concern_sealed", "advice_sealed")

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=20, unique=True, editable=False)
    received_on = models.DateField("date of the enquiry")
    enquirer_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="enquirer's agency"
    )
    enquirer_sector = models.CharField("enquirer's sector", max_length=20, choices=EmploymentSector.choices)
    enquirer_role = models.CharField("enquirer's role", max_length=200, help_text="Not their name.")
    adult_name = models.CharField("adult's full name", max_length=200, blank=True, help_text="If known.")
    adult_date_of_birth = models.DateField("adult's date of birth", null=True, blank=True)
    concern_sealed = models.TextField(blank=True, editable=False)
    advice_sealed = models.TextField(blank=True, editable=False)
    referred_as = models.OneToOneField(
        Allegation, on_delete=models.PROTECT, null=True, blank=True, related_name="consultation", editable=False
    )
    disposed_on = models.DateField(null=True, blank=True, editable=False)
    case_key = models.ForeignKey(CaseKey, on_delete=models.SET_NULL, null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+", editable=False)

    concern = SealedText()
    advice = SealedText()

    objects = AuditedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"Consultation {self.reference}"

    def audit_name(self) -> str:
        return f"consultation {self.reference}"

    def get_absolute_url(self):
        return reverse("lado:consultation-detail", args=[self.pk])

    def sealing_key(self, *, create: bool):
        if self.case_key_id is None and create and self.disposed_on is None:
            self.case_key = CaseKey.objects.create()
        return self.case_key

    def save(self, *args, **kwargs):
        if not self.reference and self.received_on:
            self.reference = _reference(Consultation, "C", self.received_on)
        super().save(*args, **kwargs)

    def clean(self):
        if self.received_on and self.received_on > timezone.localdate():
            raise ValidationError({"received_on": "The date of the enquiry cannot be in the future."})


class CaseNoteQuerySet(AuditedQuerySet):
    def update(self, **kwargs):
        raise PermissionError(CaseNote.REFUSAL)

    def delete(self):
        raise PermissionError(CaseNote.REFUSAL)

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise PermissionError(CaseNote.REFUSAL)


class CaseNote(CompartmentRecord):
    """A note on a case. Notes are append-only, here and in the database (triggers): a correction is a new note
    that names the one it corrects and why."""

    REFUSAL = "Case notes cannot be changed or deleted: add a correction instead"
    audit_masked = ("text_sealed",)

    allegation = models.ForeignKey(Allegation, on_delete=models.PROTECT, null=True, blank=True, related_name="notes")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, null=True, blank=True, related_name="notes"
    )
    written_at = models.DateTimeField(db_default=Now(), editable=False)
    author = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+", editable=False)
    text_sealed = models.TextField(editable=False)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections", editable=False
    )
    correction_reason = models.CharField(max_length=300, blank=True, editable=False)

    text = SealedText()

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = "case note"
        constraints = [
            models.CheckConstraint(
                condition=Q(allegation__isnull=False, consultation__isnull=True)
                | Q(allegation__isnull=True, consultation__isnull=False),
                name="lado_note_on_one_case",
            ),
            models.CheckConstraint(
                condition=Q(corrects__isnull=True) | ~Q(correction_reason=""), name="lado_correction_has_a_reason"
            ),
        ]

    def __str__(self):
        return f"Note on {self.case}"

    @property
    def case(self):
        return self.allegation or self.consultation

    def get_absolute_url(self):
        return self.case.get_absolute_url()

    def sealing_key(self, *, create: bool):
        return self.case.sealing_key(create=create)

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(self.REFUSAL)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(self.REFUSAL)


class TimescaleTarget(CompartmentRecord):
    """An expectation for a year: ``percent`` of concluded cases within ``within_months`` (rolling)."""

    class Within(models.IntegerChoices):
        ONE_MONTH = 1, "Within 1 month"
        THREE_MONTHS = 3, "Within 3 months"
        TWELVE_MONTHS = 12, "Within 12 months"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    start_year = models.PositiveSmallIntegerField("reporting year")
    within_months = models.PositiveSmallIntegerField("concluded", choices=Within.choices)
    percent = models.PositiveSmallIntegerField("target (%)")
    source = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the expectation comes from, for example Keeping Children Safe in Education 2019.",
    )

    class Meta:
        ordering = ["-start_year", "within_months"]
        verbose_name = "timescale target"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "start_year", "within_months"], name="lado_one_target_per_band_and_year"
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="lado_target_at_most_100"),
        ]

    def __str__(self):
        return f"Timescale target {self.pk}"

    def get_absolute_url(self):
        return reverse("lado:target-edit", args=[self.pk])


class EnteredYearFigures(CompartmentRecord):
    """A year before the records began, entered as the LADO's published aggregate figures. An outcome left empty was
    not collated that year."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    start_year = models.PositiveSmallIntegerField("reporting year")
    referred = models.PositiveIntegerField("allegations referred")
    within_1_month = models.PositiveIntegerField("concluded within 1 month")
    within_3_months = models.PositiveIntegerField("concluded within 1 to 3 months")
    within_12_months = models.PositiveIntegerField("concluded within 3 to 12 months")
    over_12_months = models.PositiveIntegerField("concluded in more than 12 months")
    no_further_action = models.PositiveIntegerField(
        "no further action after initial consideration", null=True, blank=True
    )
    substantiated = models.PositiveIntegerField(null=True, blank=True)
    false = models.PositiveIntegerField(null=True, blank=True)
    unfounded = models.PositiveIntegerField(null=True, blank=True)
    unsubstantiated = models.PositiveIntegerField(null=True, blank=True)
    malicious = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300, help_text="Where the figures were published.")

    class Meta:
        ordering = ["-start_year"]
        verbose_name = "entered year figures"
        verbose_name_plural = "entered year figures"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "start_year"], name="lado_entered_figures_once_per_year")
        ]

    def __str__(self):
        return f"Entered LADO figures {self.pk}"

    def get_absolute_url(self):
        return reverse("lado:year-entered", args=[self.start_year])


class YearConfirmation(CompartmentRecord):
    """The LADO's confirmation of a year's figures, with the figures as confirmed: what the LADO figures area and
    the yearly report read."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    start_year = models.PositiveSmallIntegerField("reporting year")
    confirmed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    confirmed_on = models.DateField()
    figures = models.JSONField(editable=False)

    class Meta:
        ordering = ["-start_year", "-confirmed_on", "-pk"]
        verbose_name = "confirmation of LADO figures"
        verbose_name_plural = "confirmations of LADO figures"

    def __str__(self):
        return f"Confirmation of LADO figures {self.pk}"

    def get_absolute_url(self):
        return reverse("lado:year-list")


class AllegationImport(CompartmentRecord):
    """One upload of the LADO's spreadsheet of open cases: what landed, and every row refused with why."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    imported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    row_errors = models.JSONField(default=list)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = "import of LADO cases"
        verbose_name_plural = "imports of LADO cases"

    def __str__(self):
        return f"Import of LADO cases {self.pk}"

    def get_absolute_url(self):
        return reverse("lado:import-detail", args=[self.pk])
