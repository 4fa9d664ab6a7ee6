from django import forms
from django.db import models
from django.utils import timezone

from assure.core import periods
from assure.core.forms import DateField
from assure.core.models import Agency, Partnership, Priority, User
from assure.core.permissions import Role
from assure.core.selectors import holders_of
from assure.performance.selectors import indicator_choices

from . import selectors
from .models import (
    RULE_FIELDS,
    RULE_THRESHOLDS,
    Arrangements,
    AssuranceStatement,
    BudgetLine,
    Capacity,
    ChallengeStatement,
    ChildQuote,
    Consultation,
    CoreArea,
    EvidenceNote,
    EvidenceRule,
    Group,
    GroupKind,
    InKindContribution,
    LineKind,
    Meeting,
    MemberKind,
    Membership,
    Outcome,
    RollOver,
    RuleKind,
    Scale,
    Topic,
    YouSaidWeDid,
    year_label,
)

TEXTAREA = forms.Textarea(attrs={"rows": 4})
SHORT_TEXTAREA = forms.Textarea(attrs={"rows": 2})
MONEY = forms.NumberInput(attrs={"class": "govuk-input--width-10", "step": "0.01"})


def year_field(partnership: Partnership, *, label: str = "Reporting year") -> forms.TypedChoiceField:
    """A reporting year to choose: those governance knows and the one after the latest, this one and the next."""
    this_year = periods.reporting_year_start(timezone.localdate())
    known = set(selectors.year_choices(partnership))
    years = sorted(known | {max(known, default=this_year) + 1, this_year, this_year + 1}, reverse=True)
    return forms.TypedChoiceField(
        label=label, coerce=int, choices=[("", "Choose a year")] + [(year, year_label(year)) for year in years]
    )


def _https_by_default(model_field, **kwargs):
    # A link typed without a scheme is an https address (Django 6's default, chosen now).
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


def people(partnership: Partnership):
    return User.objects.filter(agency__partnership=partnership, is_active=True).order_by("full_name")


# Priorities and judgements ---------------------------------------------------------------------------------------


class PriorityYearStartForm(forms.Form):
    priority = forms.ModelChoiceField(queryset=Priority.objects.none(), empty_label="Choose a priority")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = Priority.objects.filter(partnership=partnership)
        self.fields["start_year"] = year_field(partnership)
        self.fields["priority"].help_text = "Add a new priority under Manage, Years and priorities, first."


class PriorityPlanForm(forms.Form):
    """The priority's plan (kept on the priority) and its year's achievements and points to improve."""

    why_chosen = forms.CharField(label="Why it was chosen", widget=TEXTAREA, required=False)
    lead_partner = forms.ModelChoiceField(
        label="Lead safeguarding partner", queryset=Agency.objects.none(), required=False, empty_label="None yet"
    )
    lead_officer = forms.ModelChoiceField(label="Lead officer", queryset=User.objects.none(), required=False)
    outcomes_sought = forms.CharField(
        label="Outcomes sought", help_text="One outcome on each line.", widget=TEXTAREA, required=False
    )
    achievements = forms.CharField(help_text="One achievement on each line.", widget=TEXTAREA, required=False)
    to_improve = forms.CharField(
        label="What we need to improve", help_text="One point on each line.", widget=TEXTAREA, required=False
    )
    review_learning_themes = forms.CharField(
        label="Learning themes from reviews", help_text="One theme on each line.", widget=SHORT_TEXTAREA, required=False
    )

    def __init__(self, *args, priority_year, **kwargs):
        priority = priority_year.priority
        initial = {
            "why_chosen": priority.why_chosen,
            "lead_partner": priority.lead_partner_id,
            "lead_officer": priority.lead_officer_id,
            "outcomes_sought": priority.outcomes_sought,
            "achievements": priority_year.achievements,
            "to_improve": priority_year.to_improve,
            "review_learning_themes": priority_year.review_learning_themes,
        }
        super().__init__(*args, initial=initial, **kwargs)
        if priority_year.decision:
            # A year rolled over keeps its plan as it stood; only its record of the year can still be completed.
            for name in ("why_chosen", "lead_partner", "lead_officer", "outcomes_sought"):
                del self.fields[name]
            return
        partnership = priority.partnership
        self.fields["lead_partner"].queryset = Agency.objects.filter(partnership=partnership, is_statutory_partner=True)
        self.fields["lead_officer"].queryset = people(partnership)


class PriorityIndicatorForm(forms.Form):
    indicator_id = forms.ChoiceField(label="Indicator")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator_id"].choices = [("", "Choose an indicator")] + indicator_choices()


class RollOverForm(forms.Form):
    decision = forms.ChoiceField(
        label="The partners' decision for next year", choices=RollOver.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Why", widget=TEXTAREA, help_text="This is kept with the year's history.")


class StatementForm(forms.ModelForm):
    about = forms.ChoiceField(label="What it is about", widget=forms.RadioSelect)

    class Meta:
        model = AssuranceStatement
        fields = ["text", "order"]
        widgets = {"text": SHORT_TEXTAREA, "order": forms.NumberInput(attrs={"class": "govuk-input--width-4"})}
        labels = {"order": "Position in the list"}

    def __init__(self, *args, partnership, start_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.instance.start_year = self.instance.start_year or start_year
        priorities = Priority.objects.filter(
            partnership=partnership, years__start_year=self.instance.start_year
        ).distinct()
        self.fields["about"].choices = [(f"priority-{p.pk}", f"Priority: {p.name}") for p in priorities] + [
            (f"core-{value}", f"Core business: {label}") for value, label in CoreArea.choices
        ]
        self.fields["about"].help_text = "Plan a priority for the year first to make statements about it."
        self.order_fields(["about", "text", "order"])
        if self.instance.pk:
            self.initial["about"] = (
                f"priority-{self.instance.priority_id}"
                if self.instance.priority_id
                else f"core-{self.instance.core_area}"
            )

    def clean(self):
        cleaned = super().clean()
        kind, _, value = cleaned.get("about", "").partition("-")
        self.instance.priority_id = int(value) if kind == "priority" else None
        self.instance.core_area = value if kind == "core" else ""
        return cleaned


class EvidenceRuleForm(forms.ModelForm):
    # What each kind of rule reads (EvidenceRule.clean enforces them).
    required_when = {
        **{name: ("kind", (kind,)) for kind, names in RULE_FIELDS.items() for name in names},
        "threshold": ("kind", tuple(RULE_THRESHOLDS)),
    }

    class Meta:
        model = EvidenceRule
        fields = [
            "kind",
            "indicator_id",
            "dataset_code",
            "measure_code",
            "base_measure_code",
            "module_codes",
            "threshold",
            "evidence_kind",
            "order",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "threshold": forms.NumberInput(attrs={"class": "govuk-input--width-5", "step": "0.1"}),
            "order": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        }
        labels = {"order": "Position in the list"}
        help_texts = {
            "threshold": "; ".join(
                f"{RuleKind(kind).label}: {meaning.lower()}" for kind, meaning in RULE_THRESHOLDS.items()
            )
            + "."
        }

    def __init__(self, *args, statement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.statement = statement
        self.fields["kind"].choices = RuleKind.choices
        self.fields["indicator_id"] = forms.ChoiceField(
            label="Indicator", required=False, choices=[("", "Choose an indicator")] + indicator_choices()
        )
        self.order_fields(self.Meta.fields)
        self.fields["evidence_kind"].choices = [("", "The rule's usual kind")] + list(
            self.fields["evidence_kind"].choices
        )[1:]


class EvidenceNoteForm(forms.ModelForm):
    class Meta:
        model = EvidenceNote
        fields = ["kind", "text", "url"]
        widgets = {"kind": forms.RadioSelect, "text": TEXTAREA}
        formfield_callback = _https_by_default

    def __init__(self, *args, statement, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.statement = statement
        self.instance.added_by = by
        self.fields["kind"].choices = self.fields["kind"].choices[1:]


class JudgementForm(forms.Form):
    judgement = forms.ChoiceField(choices=Scale.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(
        required=False,
        widget=TEXTAREA,
        help_text="Needed when your judgement differs from Assure's draft: say what evidence you weighed, and how.",
    )

    def __init__(self, *args, draft: Scale, **kwargs):
        super().__init__(*args, initial={"judgement": draft.value}, **kwargs)
        self.fields["rationale"].label = f"Rationale (Assure's draft is {draft.label.lower()})"


# Structure, groups and meetings ----------------------------------------------------------------------------------


class ArrangementsForm(forms.ModelForm):
    class Meta:
        model = Arrangements
        fields = ["version", "published_on", "review_on", "url", "summary", "chair", "relevant_agencies"]
        field_classes = {"published_on": DateField, "review_on": DateField}
        formfield_callback = _https_by_default
        widgets = {
            "summary": TEXTAREA,
            "relevant_agencies": forms.CheckboxSelectMultiple,
            "version": forms.TextInput(attrs={"class": "govuk-input--width-5"}),
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["relevant_agencies"].queryset = Agency.objects.filter(
            partnership=partnership, is_statutory_partner=False, active=True
        )
        self.fields["chair"].queryset = people(partnership)


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = [
            "name",
            "kind",
            "terms_of_reference",
            "chair",
            "chair_description",
            "quorum",
            "reports_to",
            "started_on",
            "ended_on",
        ]
        field_classes = {"started_on": DateField, "ended_on": DateField}
        widgets = {
            "kind": forms.RadioSelect,
            "terms_of_reference": forms.Textarea(attrs={"rows": 6}),
            "reports_to": forms.CheckboxSelectMultiple,
            "quorum": forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["kind"].choices = GroupKind.choices
        self.fields["chair"].queryset = people(partnership)
        others = Group.objects.filter(partnership=partnership)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = others

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = Group.objects.filter(partnership=self.instance.partnership, name__iexact=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another group already has this name.")
        return name

    def clean_reports_to(self):
        chosen = self.cleaned_data["reports_to"]
        if self.instance.pk:
            below = _reporting_to(self.instance)
            looping = [group.name for group in chosen if group.pk in below]
            if looping:
                raise forms.ValidationError(
                    f"{self.instance.name} cannot report to {', '.join(looping)}, which reports to it already."
                )
        return chosen


def _reporting_to(group: Group) -> set[int]:
    """The groups that report to ``group``, directly or through others."""
    found, waiting = set(), [group]
    while waiting:
        for child in waiting.pop().reported_by.all():
            if child.pk not in found:
                found.add(child.pk)
                waiting.append(child)
    return found


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["agency", "person", "kind", "role", "started_on", "ended_on"]
        field_classes = {"started_on": DateField, "ended_on": DateField}
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.group = group
        self.fields["agency"].queryset = Agency.objects.filter(partnership=group.partnership, active=True)
        self.fields["person"].queryset = people(group.partnership)
        self.fields["kind"].choices = MemberKind.choices


class MembershipEndForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["ended_on"]
        field_classes = {"ended_on": DateField}
        labels = {"ended_on": "Last day of membership"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_on"].required = True


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "agenda", "papers", "minutes"]
        field_classes = {"held_on": DateField}
        widgets = {"agenda": TEXTAREA, "papers": TEXTAREA, "minutes": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.group = group


class AttendanceForm(forms.Form):
    capacity = forms.ChoiceField(label="Attended as", choices=Capacity.choices, widget=forms.RadioSelect)
    person = forms.ModelChoiceField(queryset=User.objects.none(), required=False, empty_label="Someone not in Assure")
    name = forms.CharField(label="Name, for someone not in Assure", required=False)
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        help_text="The agency a member or deputy sits for. Leave empty to use the person's own agency.",
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        partnership = meeting.group.partnership
        self.fields["person"].queryset = people(partnership)
        self.fields["agency"].queryset = Agency.objects.filter(partnership=partnership, active=True)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not cleaned.get("name", "").strip():
            self.add_error("person", "Choose the person, or enter the name of someone not in Assure.")
        return cleaned


class DecisionForm(forms.Form):
    text = forms.CharField(label="Decision", widget=TEXTAREA)


class DecisionActionForm(forms.Form):
    text = forms.CharField(
        label="Action", widget=SHORT_TEXTAREA, help_text="What will be done, in one or two sentences."
    )
    agency = forms.ModelChoiceField(label="Owner agency", queryset=Agency.objects.none())
    due_date = DateField(label="Due by")
    priority = forms.ModelChoiceField(queryset=Priority.objects.none(), required=False, empty_label="None")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(partnership=partnership, active=True)
        self.fields["priority"].queryset = Priority.objects.filter(partnership=partnership)


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "detail", "reports_into", "interested", "order"]
        widgets = {"order": forms.NumberInput(attrs={"class": "govuk-input--width-4"})}
        labels = {"order": "Position in the matrix"}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership


# Budget ----------------------------------------------------------------------------------------------------------


class BudgetLineForm(forms.ModelForm):
    # A contribution needs its partner (BudgetLine.clean enforces it).
    required_when = {"partner": ("kind", (LineKind.CONTRIBUTION,))}

    class Meta:
        model = BudgetLine
        fields = ["kind", "name", "budget", "actual", "partner", "invoiced", "paid", "is_training_income", "order"]
        widgets = {
            "kind": forms.RadioSelect,
            "budget": MONEY,
            "actual": MONEY,
            "invoiced": MONEY,
            "paid": MONEY,
            "order": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        }
        labels = {"budget": "Budget (£)", "actual": "Actual (£)", "order": "Position in the statement"}

    def __init__(self, *args, partnership, start_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.instance.start_year = self.instance.start_year or start_year
        self.fields["kind"].choices = LineKind.choices
        self.fields["partner"].queryset = Agency.objects.filter(partnership=partnership)


class InKindForm(forms.ModelForm):
    class Meta:
        model = InKindContribution
        fields = ["agency", "description", "estimated_value"]
        widgets = {"estimated_value": MONEY}

    def __init__(self, *args, partnership, start_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.instance.start_year = start_year
        self.fields["agency"].queryset = Agency.objects.filter(partnership=partnership)


# Voice of the child ----------------------------------------------------------------------------------------------


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = [
            "held_on",
            "activity",
            "age_band",
            "setting",
            "children_count",
            "what_children_said",
            "what_changed",
            "priorities",
        ]
        field_classes = {"held_on": DateField}
        widgets = {
            "age_band": forms.RadioSelect,
            "children_count": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
            "what_children_said": TEXTAREA,
            "what_changed": TEXTAREA,
            "priorities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["age_band"].choices = self.fields["age_band"].choices[1:]
        self.fields["priorities"].queryset = Priority.objects.filter(partnership=partnership)


class ChildQuoteForm(forms.ModelForm):
    class Meta:
        model = ChildQuote
        fields = ["text", "consent_to_record", "consent_to_publish", "consent_recorded_on"]
        field_classes = {"consent_recorded_on": DateField}
        widgets = {"text": SHORT_TEXTAREA}
        help_texts = {
            "consent_to_record": "Without this, do not keep their words: summarise what they said instead.",
            "consent_to_publish": "A separate consent: only words with it appear in published reports.",
        }

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.consultation = consultation
        self.fields["consent_to_record"].required = False


class YouSaidWeDidForm(forms.ModelForm):
    class Meta:
        model = YouSaidWeDid
        fields = ["you_said", "we_did"]
        widgets = {"you_said": SHORT_TEXTAREA, "we_did": SHORT_TEXTAREA}

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.consultation = consultation


# Challenge and scrutiny ----------------------------------------------------------------------------------------


class ChallengeForm(forms.Form):
    from_agency = forms.ModelChoiceField(label="Challenging partner", queryset=Agency.objects.none())
    addressed_to = forms.ModelChoiceField(label="Addressed to", queryset=Agency.objects.none())
    subject = forms.CharField(max_length=200)
    text = forms.CharField(label="The challenge", widget=forms.Textarea(attrs={"rows": 6}))
    response_due_on = DateField(label="Response due by")

    def __init__(self, *args, partnership, challengers, for_anyone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressed_to"].queryset = Agency.objects.filter(partnership=partnership, active=True)
        if challengers is None:
            # The independent scrutineer challenges in their own name.
            del self.fields["from_agency"]
            return
        self.fields["from_agency"].queryset = challengers
        if for_anyone:
            # The business unit records challenges for any partner, or for the scrutineer.
            self.fields["from_agency"].required = False
            self.fields["from_agency"].empty_label = "The independent scrutineer"


class ResponseForm(forms.Form):
    response = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))


class ChallengeCloseForm(forms.Form):
    outcome = forms.ChoiceField(label="What happens now", choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Note",
        required=False,
        widget=SHORT_TEXTAREA,
        help_text="Needed to escalate: why the response is not enough.",
    )
    required_when = {"note": ("outcome", (Outcome.ESCALATED,))}


class ChallengeStatementForm(forms.ModelForm):
    class Meta:
        model = ChallengeStatement
        fields = ["theme", "text", "order"]
        widgets = {"text": SHORT_TEXTAREA, "order": forms.NumberInput(attrs={"class": "govuk-input--width-4"})}
        labels = {"order": "Position under its theme"}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["start_year"] = year_field(partnership, label="The year it is for")
        self.order_fields(["start_year", "theme", "text", "order"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start_year"):
            self.instance.start_year = cleaned["start_year"]
        return cleaned


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(label="What partners did", widget=TEXTAREA)


class AssessmentForm(forms.Form):
    title = forms.CharField(max_length=200)
    text = forms.CharField(label="The assessment", widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, partnership, for_someone_else: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start_year"] = year_field(partnership, label="The year it assesses")
        if for_someone_else:
            self.fields["author"] = forms.ModelChoiceField(
                label="Independent scrutineer",
                queryset=holders_of(Role.SCRUTINEER),
                empty_label="Choose the scrutineer",
            )
        self.order_fields(["start_year", "author", "title", "text"])
