from django import forms

from assure.core.forms import DateField
from assure.core.models import Agency, Partnership
from assure.core.permissions import Role
from assure.core.selectors import holders_of

from .imports import HEADERS
from .models import (
    AgeBand,
    Allegation,
    AllegationChild,
    Consultation,
    Criterion,
    EmployerAction,
    EnteredYearFigures,
    InitialDecision,
    Meeting,
    Outcome,
    ParallelProcess,
    RegulatorReferral,
    TimescaleTarget,
    Transfer,
)
from .services import DisposalReason

NARRATIVE = forms.Textarea(attrs={"rows": 5})


def _agencies(partnership: Partnership):
    return Agency.objects.filter(partnership=partnership, active=True)


class AllegationForm(forms.ModelForm):
    """A new allegation, or changes to one. The concern is sealed with the case's key (``sealing.py``)."""

    summary = forms.CharField(
        label="The allegation in brief",
        required=False,
        widget=NARRATIVE,
        help_text="What is alleged to have happened, in a few sentences. Kept encrypted.",
    )
    child_age_band = forms.ChoiceField(
        label="Age band of the child",
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        help_text="Add more children from the allegation's page. Record no more about a child than the work needs.",
    )

    class Meta:
        model = Allegation
        fields = [
            "received_on",
            "referrer_kind",
            "referrer_role",
            "referring_agency",
            "adult_name",
            "adult_date_of_birth",
            "adult_role",
            "employer",
            "employment_sector",
            "works_with_children_elsewhere",
            "other_roles",
            "abuse_category",
            "criteria",
            "employer_aware_on",
            "lead_area",
            "restricted",
            "named_lados",
        ]
        widgets = {
            "referrer_kind": forms.RadioSelect,
            "employment_sector": forms.RadioSelect,
            "abuse_category": forms.RadioSelect,
            "criteria": forms.CheckboxSelectMultiple,
            "named_lados": forms.CheckboxSelectMultiple,
            "other_roles": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"received_on": DateField, "adult_date_of_birth": DateField, "employer_aware_on": DateField}
        help_texts = {
            "employer_aware_on": "The employer should tell the LADO within one working day. Leave empty if not known.",
            "criteria": "Every criterion the allegation meets; the category of abuse is asked separately.",
        }

    required_when = {"other_roles": ("works_with_children_elsewhere", (True,))}

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["referring_agency"].queryset = _agencies(partnership)
        self.fields["referring_agency"].empty_label = "Not one of the partnership's agencies"
        self.fields["criteria"].queryset = Criterion.objects.all()
        # Initial consideration may find that no criterion is met (no further action).
        self.fields["criteria"].required = False
        self.fields["criteria"].label_from_instance = lambda c: f"{c.text} ({c.guidance})"
        self.fields["named_lados"].queryset = holders_of(Role.LADO)
        self.fields[
            "named_lados"
        ].help_text = "Only for a restricted case: the LADOs who may see it (you are always named)."
        if self.instance.pk:
            self.initial.setdefault("summary", self.instance.summary)
            del self.fields["child_age_band"]


class ConsultationForm(forms.ModelForm):
    concern = forms.CharField(label="The concern in brief", widget=NARRATIVE, help_text="Kept encrypted.")
    advice = forms.CharField(label="Advice given", widget=NARRATIVE, help_text="Kept encrypted.")

    class Meta:
        model = Consultation
        fields = [
            "received_on",
            "enquirer_agency",
            "enquirer_sector",
            "enquirer_role",
            "adult_name",
            "adult_date_of_birth",
        ]
        widgets = {"enquirer_sector": forms.RadioSelect}
        field_classes = {"received_on": DateField, "adult_date_of_birth": DateField}

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["enquirer_agency"].queryset = _agencies(partnership)
        self.fields["enquirer_agency"].empty_label = "Not one of the partnership's agencies"
        if self.instance.pk:
            self.initial.setdefault("concern", self.instance.concern)
            self.initial.setdefault("advice", self.instance.advice)


class CaseRecordForm(forms.ModelForm):
    """A record of one allegation (a child, a meeting, a process…): the allegation is fixed by the page."""

    def __init__(self, *args, allegation: Allegation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.allegation = allegation


class ChildForm(CaseRecordForm):
    class Meta:
        model = AllegationChild
        fields = ["age_band"]
        widgets = {"age_band": forms.RadioSelect}


class MeetingForm(CaseRecordForm):
    decisions = forms.CharField(label="Decisions", required=False, widget=NARRATIVE, help_text="Kept encrypted.")

    class Meta:
        model = Meeting
        fields = ["held_on", "agencies", "other_attendees", "follow_up_on"]
        widgets = {"agencies": forms.CheckboxSelectMultiple}
        field_classes = {"held_on": DateField, "follow_up_on": DateField}
        help_texts = {
            "follow_up_on": "The LADOs are reminded by email when this date passes and no later meeting is recorded."
        }

    def __init__(self, *args, allegation: Allegation, **kwargs):
        super().__init__(*args, allegation=allegation, **kwargs)
        self.fields["agencies"].queryset = _agencies(allegation.partnership)

    def save(self, commit=True):
        self.instance.decisions = self.cleaned_data["decisions"]
        return super().save(commit)


class ParallelProcessForm(CaseRecordForm):
    class Meta:
        model = ParallelProcess
        fields = ["kind", "started_on", "ended_on", "result"]
        widgets = {"kind": forms.RadioSelect}
        field_classes = {"started_on": DateField, "ended_on": DateField}
        help_texts = {"started_on": "It may be before the LADO received the allegation."}


class EmployerActionForm(CaseRecordForm):
    class Meta:
        model = EmployerAction
        fields = ["kind", "taken_on", "review_on"]
        widgets = {"kind": forms.RadioSelect}
        field_classes = {"taken_on": DateField, "review_on": DateField}


class RegulatorReferralForm(CaseRecordForm):
    class Meta:
        model = RegulatorReferral
        fields = ["body", "regulator_name", "referred_by", "referred_on", "result", "result_on"]
        widgets = {"body": forms.RadioSelect, "referred_by": forms.RadioSelect}
        field_classes = {"referred_on": DateField, "result_on": DateField}

    required_when = {"regulator_name": ("body", ("other",))}


class TransferForm(CaseRecordForm):
    class Meta:
        model = Transfer
        fields = ["direction", "area", "transferred_on"]
        widgets = {"direction": forms.RadioSelect}
        field_classes = {"transferred_on": DateField}


class InitialConsiderationForm(forms.Form):
    on = DateField(label="Date of initial consideration")
    decision = forms.ChoiceField(label="Decision", choices=InitialDecision.choices, widget=forms.RadioSelect)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[(value, label) for value, label in Outcome.choices if value != Outcome.NO_FURTHER_ACTION],
        widget=forms.RadioSelect,
        help_text="“No further action after initial consideration” is recorded with the initial consideration.",
    )
    outcome_on = DateField(label="Date the outcome was agreed")


class CloseForm(forms.Form):
    closed_on = DateField(label="Date the case closed")


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=NARRATIVE, help_text="Notes cannot be changed or deleted once added.")


class CorrectionForm(NoteForm):
    text = forms.CharField(label="Corrected note", widget=NARRATIVE)
    reason = forms.CharField(label="Why the note needs correcting", max_length=300)


class DisposalForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why the case is disposed of", choices=DisposalReason.CHOICES, widget=forms.RadioSelect
    )
    confirm = forms.BooleanField(
        label="I understand that the case's narrative and notes can never be read again",
        error_messages={"required": "Tick to confirm you understand the narrative cannot be recovered."},
    )


class ConfirmFiguresForm(forms.Form):
    checked = forms.BooleanField(
        label="I have checked these figures against the records",
        error_messages={"required": "Tick to confirm you have checked the figures."},
    )


class SearchForm(forms.Form):
    name = forms.CharField(label="Adult's name", required=False, help_text="All or part of the name.")
    date_of_birth = DateField(label="Date of birth", required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name", "").strip() and not cleaned.get("date_of_birth") and not self.errors:
            raise forms.ValidationError("Enter a name, a date of birth, or both.")
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(
        label="The LADO's spreadsheet of open cases",
        help_text=f"A CSV or Excel (.xlsx) file whose first row names the columns: {', '.join(HEADERS)}.",
    )


class TimescaleTargetForm(forms.ModelForm):
    class Meta:
        model = TimescaleTarget
        fields = ["start_year", "within_months", "percent", "source"]
        widgets = {"within_months": forms.RadioSelect}
        labels = {"start_year": "Year the reporting year starts (1 April)"}

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership


class EnteredYearFiguresForm(forms.ModelForm):
    class Meta:
        model = EnteredYearFigures
        fields = [
            "referred",
            "within_1_month",
            "within_3_months",
            "within_12_months",
            "over_12_months",
            "no_further_action",
            "substantiated",
            "false",
            "unfounded",
            "unsubstantiated",
            "malicious",
            "source",
        ]
        help_texts = {outcome: "Leave empty if it was not collated that year." for outcome in Outcome.values}

    def __init__(self, *args, partnership: Partnership, start_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.instance.start_year = start_year
