from django import forms
from django.utils import timezone

from assure.core.evidence_files import ALLOWED_LIST, MAX_EVIDENCE_BYTES, check_evidence_file
from assure.core.forms import DateField
from assure.core.models import Agency
from assure.training.selectors import courses_to_link

from . import selectors
from .models import (
    ChildIdentity,
    Criteria,
    Deferral,
    Draft,
    Harm,
    Incident,
    LearningBriefing,
    LearningTheme,
    Milestone,
    Outcome,
    PanelDecision,
    ReturnedFile,
    Review,
    ReviewKind,
)

RADIOS = forms.RadioSelect
TEXT = forms.Textarea(attrs={"rows": 4})
SHORT_TEXT = forms.Textarea(attrs={"rows": 2})


def _agencies(partnership):
    return Agency.objects.filter(partnership=partnership, active=True)


class IdentityForm(forms.ModelForm):
    """Who the child is, kept in the identity record apart from everything else about the incident."""

    class Meta:
        model = ChildIdentity
        fields = ["full_name", "date_of_birth", "address", "local_identifier"]
        labels = {"full_name": "Child's full name", "date_of_birth": "Child's date of birth"}
        widgets = {"address": SHORT_TEXT}
        field_classes = {"date_of_birth": DateField}


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = [
            "harm",
            "incident_on",
            "la_aware_on",
            "partnership_learned_on",
            "abuse_or_neglect_suspected",
            "looked_after",
            "harmed_outside_area",
            "agencies",
            "summary",
        ]
        widgets = {"harm": RADIOS, "agencies": forms.CheckboxSelectMultiple, "summary": TEXT}
        field_classes = {"incident_on": DateField, "la_aware_on": DateField, "partnership_learned_on": DateField}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["agencies"].queryset = _agencies(partnership)
        self.fields["harm"].choices = Harm.choices


class IncidentWithChildForm(IncidentForm):
    """A new incident and its first child: the identity fields land in the separate identity record."""

    full_name = IdentityForm.base_fields["full_name"]
    date_of_birth = IdentityForm.base_fields["date_of_birth"]
    address = IdentityForm.base_fields["address"]
    local_identifier = IdentityForm.base_fields["local_identifier"]

    def identity(self) -> dict:
        return {name: self.cleaned_data[name] for name in IdentityForm.Meta.fields}


class CriteriaForm(forms.Form):
    criteria = forms.ChoiceField(
        label="Does the incident meet the criteria for notifying the national panel?",
        choices=[(Criteria.MET, Criteria.MET.label), (Criteria.NOT_MET, Criteria.NOT_MET.label)],
        widget=RADIOS,
    )
    reason = forms.CharField(label="Why", widget=TEXT)
    decided_on = DateField(label="Date of the decision")
    meeting_on = DateField(label="Date of the meeting it was decided at", required=False)


class NotificationForm(forms.Form):
    notified_on = DateField(label="Date the notification was submitted")
    notification_reference = forms.CharField(label="National panel's reference", max_length=60, required=False)


class PanelRecommendationForm(forms.Form):
    meeting_on = DateField(label="Date of the rapid review meeting")
    recommendation = forms.ChoiceField(label="What the panel recommends", choices=Outcome.choices, widget=RADIOS)
    rationale = forms.CharField(label="Why the panel recommends it", widget=TEXT)


class DecisionForm(forms.Form):
    """A lead partner's decision: the panel names whose it is; a lead partner records their own."""

    assignment = forms.ModelChoiceField(label="Whose decision", queryset=None, empty_label="Choose a lead partner")
    decided_on = DateField(label="Date of the decision")
    decision = forms.ChoiceField(label="Decision", choices=Outcome.choices, widget=RADIOS)
    rationale = forms.CharField(label="Reasons", widget=TEXT, required=False)
    # Required for every decision, "no review" included; the service says what is missing in the decision's words.
    required_when = {"rationale": ("decision", tuple(Outcome.values))}

    def __init__(self, *args, partnership, own=False, **kwargs):
        super().__init__(*args, **kwargs)
        if own:
            del self.fields["assignment"]
        else:
            self.fields["assignment"].queryset = selectors.deciders(partnership)
            self.fields["assignment"].label_from_instance = selectors.decider_label


class SignOffForm(forms.Form):
    assignment = forms.ModelChoiceField(label="Who signed it off", queryset=None, empty_label="Choose a lead partner")
    signed_on = DateField(label="Date signed off")

    def __init__(self, *args, partnership, own=False, **kwargs):
        super().__init__(*args, **kwargs)
        if own:
            del self.fields["assignment"]
        else:
            self.fields["assignment"].queryset = selectors.deciders(partnership)
            self.fields["assignment"].label_from_instance = selectors.decider_label


class SentForm(forms.Form):
    sent_on = DateField(label="Date sent to the national panel")


class ResponseForm(forms.Form):
    response = forms.CharField(label="The national panel's response", widget=TEXT)
    responded_on = DateField(label="Date of the response")


class InformationRequestForm(forms.Form):
    agency = forms.ModelChoiceField(label="Agency", queryset=None, empty_label="Choose an agency")
    asked_for = forms.CharField(
        label="What is asked for",
        widget=TEXT,
        help_text="For example, a chronology of your agency's involvement with the family and a short summary.",
    )
    sent_on = DateField(label="Date sent")
    due_on = DateField(label="Due by")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies(partnership)


class ReturnForm(forms.Form):
    kind = forms.ChoiceField(label="What the file is", choices=ReturnedFile.Kind.choices, widget=RADIOS)
    file = forms.FileField(
        label="File",
        help_text=f"A {ALLOWED_LIST} file, up to {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB. It is stored under a "
        "neutral name and deleted after the retention period.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_evidence_file(upload)
        return upload


class ReviewForm(forms.ModelForm):
    """A referral for a review, or a review carried out before or elsewhere, with what it is called."""

    required_when = {
        "other_partnership": ("kind", (ReviewKind.OTHER_PARTNERSHIP,)),
        "referred_on": ("kind", (ReviewKind.LOCAL_CSPR,)),
    }

    class Meta:
        model = Review
        fields = [
            "kind",
            "other_partnership",
            "referred_on",
            "referred_by",
            "referral_reason",
            "initiated_on",
            "published_name",
            "pseudonym",
            "themes",
        ]
        widgets = {"kind": RADIOS, "referral_reason": TEXT, "themes": forms.CheckboxSelectMultiple}
        field_classes = {"referred_on": DateField, "initiated_on": DateField}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["kind"].choices = ReviewKind.choices
        self.fields["referred_by"].queryset = _agencies(partnership)
        self.fields["referred_by"].empty_label = "Not referred by an agency"
        self.fields["themes"].queryset = LearningTheme.objects.filter(partnership=partnership)


class ReviewDetailsForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = [
            "published_name",
            "pseudonym",
            "other_partnership",
            "referral_reason",
            "family_involvement",
            "learning",
            "themes",
        ]
        widgets = {
            "referral_reason": TEXT,
            "family_involvement": TEXT,
            "learning": TEXT,
            "themes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = LearningTheme.objects.filter(partnership=self.instance.partnership)


class ScopingForm(forms.Form):
    agreed_on = DateField(label="Date scoping was agreed")
    meeting_on = DateField(label="Date of the meeting it was agreed at", required=False)


class DeferralForm(forms.Form):
    stage = forms.ChoiceField(label="What is deferred", choices=Deferral.Stage.choices, widget=RADIOS)
    deferred_on = DateField(label="Date deferred")
    reason = forms.CharField(label="Why", widget=TEXT)
    review_on = DateField(label="Date to look at it again")
    meeting_on = DateField(label="Date of the meeting it was deferred at", required=False)


class DeferralEndForm(forms.Form):
    ended_on = DateField(label="Date the deferral ended")
    note = forms.CharField(label="What happens now", widget=SHORT_TEXT)


class CommissionForm(forms.Form):
    commissioned_on = DateField(label="Date commissioned")
    reviewer = forms.CharField(label="Lead reviewer", max_length=200)
    terms_of_reference = forms.CharField(label="Terms of reference", widget=TEXT)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "target_on", "achieved_on"]
        field_classes = {"target_on": DateField, "achieved_on": DateField}


class DraftForm(forms.ModelForm):
    class Meta:
        model = Draft
        fields = ["version", "received_on", "note"]
        widgets = {"note": TEXT, "version": forms.NumberInput(attrs={"class": "govuk-input--width-3"})}
        field_classes = {"received_on": DateField}


class PublicationForm(forms.ModelForm):
    publication_url = forms.URLField(
        label="Where it is published", max_length=500, required=False, assume_scheme="https"
    )

    class Meta:
        model = Review
        fields = [
            "family_told_on",
            "planned_publication_on",
            "copy_to_national_panel_on",
            "copy_to_secretary_of_state_on",
            "published_on",
            "publication_url",
            "not_published_reason",
            "improvements_published_on",
        ]
        widgets = {"not_published_reason": TEXT}
        field_classes = {
            name: DateField
            for name in (
                "family_told_on",
                "planned_publication_on",
                "copy_to_national_panel_on",
                "copy_to_secretary_of_state_on",
                "published_on",
                "improvements_published_on",
            )
        }


class RecommendationForm(forms.Form):
    text = forms.CharField(
        label="Recommendation",
        widget=TEXT,
        help_text="Name the child by the review's pseudonym (Child B), never by their reference or name. The text "
        "becomes the action on the register.",
    )
    agency = forms.ModelChoiceField(
        label="For which agency", queryset=None, required=False, empty_label="All agencies (one action each)"
    )
    made_on = DateField(label="Date made")
    due_on = DateField(label="Action due by")

    def __init__(self, *args, partnership, **kwargs):
        kwargs.setdefault("initial", {"made_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agencies(partnership)


class BriefingForm(forms.ModelForm):
    class Meta:
        model = LearningBriefing
        fields = ["title", "reviews", "issued_on", "sent_to"]
        widgets = {"reviews": forms.CheckboxSelectMultiple, "sent_to": forms.CheckboxSelectMultiple}
        field_classes = {"issued_on": DateField}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["reviews"].queryset = Review.objects.filter(partnership=partnership)
        self.fields["reviews"].label_from_instance = lambda review: review.name
        self.fields["sent_to"].queryset = _agencies(partnership)


class LearningEventForm(forms.Form):
    course = forms.ModelChoiceField(
        label="Training course",
        queryset=None,
        empty_label="Choose a course",
        help_text="Set the course up in Training first; its attendance register shows who received the learning.",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses_to_link(partnership)


class ThemeForm(forms.ModelForm):
    class Meta:
        model = LearningTheme
        fields = ["name"]
        labels = {"name": "Theme"}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = LearningTheme.objects.filter(partnership=self.instance.partnership, name__iexact=name)
        if taken.exists():
            raise forms.ValidationError(f"{name} is already on the list.")
        return name


class PanelDecisionForm(forms.ModelForm):
    class Meta:
        model = PanelDecision
        fields = ["decided_on", "meeting_on", "summary"]
        widgets = {"summary": TEXT}
        field_classes = {"decided_on": DateField, "meeting_on": DateField}

    def __init__(self, *args, partnership, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.instance.kind = PanelDecision.Kind.PANEL
        self.instance.recorded_by = by


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="Reporting year", coerce=int, choices=())

    def __init__(self, data=None, *, years, default=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [(year, f"{year}-{(year + 1) % 100:02d}") for year in years]
        self.years = years
        self.default = default if default in years else years[0]
        self.fields["year"].initial = self.default

    def chosen(self) -> int:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"]
        return self.default
