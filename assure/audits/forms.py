from django import forms
from django.db import models

from assure.core.evidence_files import ALLOWED_LIST, MAX_EVIDENCE_BYTES, check_evidence_file
from assure.core.forms import DateField
from assure.core.models import Agency, Priority, ReportingYear

from .models import (
    NEEDS_ACTION,
    AuditedCase,
    CaseAgencyAudit,
    CaseAuditFinding,
    CaseAuditProgramme,
    Compliance,
    EducationAudit,
    EducationProvider,
    Framework,
    FrameworkKind,
    Grade,
    Inspection,
    InspectionUpdate,
    Rating,
    RatingChange,
    Recommendation,
    Section11Answer,
    Section11ProgressUpdate,
    Section11Round,
    Standard,
    SubJudgement,
)
from .selectors import MODERATION_FILTERS
from .services import ACTION_MONTHS, DEFAULT_ACTION_MONTHS

RATED = [choice for choice in Rating.choices if choice[0] != Rating.NOT_APPLICABLE]


class Section11RoundForm(forms.ModelForm):
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Each agency chosen gets a return to complete.",
    )

    class Meta:
        model = Section11Round
        fields = ["name", "framework", "previous_round", "opens_on", "deadline"]
        field_classes = {"opens_on": DateField, "deadline": DateField}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["agencies"].queryset = Agency.objects.filter(partnership=partnership, active=True)
        self.fields["framework"].queryset = Framework.objects.filter(
            partnership=partnership, kind=FrameworkKind.SECTION_11
        )
        self.fields["previous_round"].queryset = Section11Round.objects.filter(partnership=partnership)


class Section11AnswerForm(forms.ModelForm):
    # The answers a rating needs (Section11Answer.clean enforces them).
    required_when = {
        "not_applicable_reason": ("self_rating", (Rating.NOT_APPLICABLE,)),
        "planned_action": ("self_rating", NEEDS_ACTION),
    }

    class Meta:
        model = Section11Answer
        fields = ["self_rating", "not_applicable_reason", "narrative", "evidence_held", "planned_action"]
        labels = {"self_rating": "Your agency's rating"}
        widgets = {
            "self_rating": forms.RadioSelect,
            "not_applicable_reason": forms.Textarea(attrs={"rows": 2}),
            "narrative": forms.Textarea(attrs={"rows": 6}),
            "evidence_held": forms.Textarea(attrs={"rows": 2}),
            "planned_action": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["self_rating"].required = True
        self.fields["self_rating"].choices = Rating.choices


class EvidenceUploadForm(forms.Form):
    file = forms.FileField(
        label="Evidence file",
        help_text=f"A {ALLOWED_LIST} file, up to {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB. "
        "Do not upload anything that names a child.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_evidence_file(upload)
        return upload


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why the return is being reopened",
        help_text="The agency sees this, and it is kept in the return's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationForm(forms.Form):
    agreed_rating = forms.ChoiceField(label="Agreed rating", choices=Rating.choices, widget=forms.RadioSelect)
    agreed_action = forms.CharField(
        label="Action agreed with the agency",
        required=False,
        help_text="It goes on the action register when you complete moderation of the return.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    challenge = forms.CharField(
        label="Challenge and reasons",
        help_text="What the partnership asked, what the agency showed, and why the rating was agreed.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    # A rating that needs improving needs its action (Section11Answer.clean enforces it).
    required_when = {"agreed_action": ("agreed_rating", NEEDS_ACTION)}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agreed_rating") in NEEDS_ACTION and not cleaned.get("agreed_action", "").strip():
            self.add_error("agreed_action", "Enter the action the agency must take on this standard")
        return cleaned


class ModerationFilterForm(forms.Form):
    show = forms.MultipleChoiceField(
        label="Show only standards",
        required=False,
        choices=[(key, label) for key, (label, _) in MODERATION_FILTERS.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    def chosen(self) -> list[str]:
        return self.cleaned_data["show"] if self.is_valid() else []


class ModerationCompleteForm(forms.Form):
    months = forms.TypedChoiceField(
        label="When are the actions due?",
        choices=[(months, f"{months} months from today") for months in ACTION_MONTHS],
        coerce=int,
        initial=DEFAULT_ACTION_MONTHS,
        widget=forms.RadioSelect,
    )


class DeclarationForm(forms.Form):
    """The declaration that ends a return: the senior leader who read it whole, and approved it."""

    senior_leader_name = forms.CharField(label="Senior leader's name", max_length=200)
    senior_leader_job_title = forms.CharField(label="Their job title", max_length=200)
    approved = forms.BooleanField(label="They approved this return", required=False)

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved"].label = f"They approved this return on {today:%-d %B %Y}"
        self.fields["approved"].help_text = "After reading the whole return (download it above)."


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="Your response to the challenge",
        help_text="What your agency will do, or anything the moderator did not see. The business unit reads it.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = Section11ProgressUpdate
        fields = ["name", "requested_on", "due_on"]
        field_classes = {"requested_on": DateField, "due_on": DateField}


class RatingChangeForm(forms.ModelForm):
    class Meta:
        model = RatingChange
        fields = ["rating", "changed_on", "evidence"]
        widgets = {"rating": forms.RadioSelect, "evidence": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"changed_on": DateField}


class EducationReturnForm(forms.Form):
    """One question per checklist item: met, partly met or not met, with an optional comment."""

    returned_on = DateField(label="Date returned")

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=f"{item.number} {item.wording}", choices=Compliance.choices, widget=forms.RadioSelect
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(label=f"Comment on {item.number}", required=False)

    def answers(self) -> dict:
        return {
            item: (self.cleaned_data[f"item_{item.pk}"], self.cleaned_data[f"comment_{item.pk}"]) for item in self.items
        }


class AuditedCaseForm(forms.ModelForm):
    class Meta:
        model = AuditedCase
        fields = ["reference", "theme", "deep_dive"]
        help_texts = {"reference": "A code such as CA-2019-07. Never a name, date of birth or case number."}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["theme"].queryset = programme.themes.all()
        self.fields["reference"].widget.attrs["class"] = "govuk-input--width-10"

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip().upper()
        if (
            AuditedCase.objects.filter(programme=self.instance.programme, reference=reference)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError("This programme already has a case with this reference.")
        return reference


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["number", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class RecommendationActionForm(forms.Form):
    text = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 3}))
    agency = forms.ModelChoiceField(label="Owner agency", queryset=Agency.objects.none())
    due_date = DateField(label="Due by")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(partnership=partnership, active=True)


def _https_by_default(model_field, **kwargs):
    # A report link typed without a scheme is an https address (Django 6's default, chosen now).
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = [
            "inspectorate",
            "title",
            "service",
            "agency",
            "started_on",
            "ended_on",
            "published_on",
            "overall_judgement",
            "summary",
            "report_url",
        ]
        field_classes = {"started_on": DateField, "ended_on": DateField, "published_on": DateField}
        formfield_callback = _https_by_default

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["agency"].queryset = Agency.objects.filter(partnership=partnership)
        self.fields["overall_judgement"].choices = [("", "No overall judgement"), *RATED]


class InspectionUpdateForm(forms.ModelForm):
    class Meta:
        model = InspectionUpdate
        fields = ["received_on", "received_by", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"received_on": DateField}


class CaseAgencyAuditForm(forms.Form):
    """The common audit tool: a grade and a comment for each question."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"grade_{question.pk}"] = forms.ChoiceField(
                label=f"{question.number}. {question.wording}",
                choices=Grade.choices,
                widget=forms.RadioSelect,
                help_text=question.guidance,
            )
            self.fields[f"comment_{question.pk}"] = forms.CharField(
                label=f"What the record shows ({question.number})",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def answers(self) -> dict:
        return {
            question: (self.cleaned_data[f"grade_{question.pk}"], self.cleaned_data[f"comment_{question.pk}"])
            for question in self.questions
        }


class CaseAgencyAssignForm(forms.ModelForm):
    class Meta:
        model = CaseAgencyAudit
        fields = ["agency"]

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.case = case
        taken = case.agency_audits.values("agency")
        self.fields["agency"].queryset = Agency.objects.filter(
            partnership=case.programme.partnership, active=True
        ).exclude(pk__in=taken)


class CaseAuditFindingForm(forms.ModelForm):
    class Meta:
        model = CaseAuditFinding
        fields = ["kind", "theme", "text"]
        widgets = {"kind": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        self.fields["theme"].queryset = programme.themes.all()


class SubJudgementForm(forms.ModelForm):
    class Meta:
        model = SubJudgement
        fields = ["area", "judgement"]
        widgets = {"judgement": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judgement"].choices = RATED


class FrameworkVersionForm(forms.Form):
    version = forms.CharField(label="New version", max_length=40, help_text="For example, 2021.")

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework

    def clean_version(self):
        version = self.cleaned_data["version"].strip()
        if Framework.objects.filter(
            partnership=self.framework.partnership, name=self.framework.name, version=version
        ).exists():
            raise forms.ValidationError("This framework already has a version with this name.")
        return version


class StandardForm(forms.ModelForm):
    class Meta:
        model = Standard
        fields = ["number", "section", "wording", "guidance", "evidence_prompts", "is_local"]
        widgets = {
            "wording": forms.Textarea(attrs={"rows": 3}),
            "guidance": forms.Textarea(attrs={"rows": 3}),
            "evidence_prompts": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.framework = framework
        self.fields["number"].widget.attrs["class"] = "govuk-input--width-5"


class EducationProviderForm(forms.ModelForm):
    class Meta:
        model = EducationProvider
        fields = ["name", "urn", "provider_type", "phase", "safeguarding_lead_email", "active"]
        widgets = {"provider_type": forms.RadioSelect, "phase": forms.RadioSelect}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = EducationProvider.objects.filter(partnership=self.instance.partnership, name__iexact=name)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("A provider with this name is already listed.")
        return name


class EducationAuditForm(forms.Form):
    reporting_year = forms.ModelChoiceField(queryset=ReportingYear.objects.none())
    checklist = forms.ModelChoiceField(queryset=Framework.objects.none())
    opens_on = DateField(label="Opens on")
    deadline = DateField()

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.fields["reporting_year"].queryset = ReportingYear.objects.filter(partnership=partnership)
        self.fields["checklist"].queryset = Framework.objects.filter(
            partnership=partnership, kind=FrameworkKind.EDUCATION
        )

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("reporting_year")
        if year and EducationAudit.objects.filter(partnership=self.partnership, reporting_year=year).exists():
            self.add_error("reporting_year", f"The {year} audit is already open.")
        if cleaned.get("opens_on") and cleaned.get("deadline") and cleaned["deadline"] < cleaned["opens_on"]:
            self.add_error("deadline", "The deadline must be on or after the day the audit opens.")
        return cleaned


class CaseAuditProgrammeForm(forms.ModelForm):
    class Meta:
        model = CaseAuditProgramme
        fields = ["name", "reporting_year", "tool", "themes", "learning_event_on", "learning_event_summary"]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "learning_event_summary": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"themes": "The partnership priorities the cases are chosen for."}
        field_classes = {"learning_event_on": DateField}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["reporting_year"].queryset = ReportingYear.objects.filter(partnership=partnership)
        self.fields["tool"].queryset = Framework.objects.filter(partnership=partnership, kind=FrameworkKind.CASE_AUDIT)
        self.fields["themes"].queryset = Priority.objects.filter(partnership=partnership)
