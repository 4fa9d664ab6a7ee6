from django import forms
from django.utils import timezone

from assure.core.forms import DateField
from assure.core.models import Priority, User

from .models import Action, ActionUpdate, SourceKind


class ActionForm(forms.ModelForm):
    """An action added by hand (peer review, strategic plan…); audits add theirs through the services."""

    class Meta:
        model = Action
        fields = ["text", "source_kind", "source_label", "agency", "owner", "priority", "due_date"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"due_date": DateField}

    def __init__(self, *args, partnership, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["agency"].queryset = agencies
        self.fields["owner"].queryset = User.objects.filter(agency__in=agencies, is_active=True)
        self.fields["priority"].queryset = Priority.objects.filter(partnership=partnership)
        self.fields["priority"].required = False
        if self.instance.source_id:
            # The source of an action an audit created is fixed: it links back to that record.
            del self.fields["source_kind"]
            del self.fields["source_label"]
        else:
            self.fields["source_kind"].choices = [("", "Choose a source")] + SourceKind.choices

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        today = timezone.localdate()
        # A new action never starts overdue (actions.services holds every workflow to the same rule).
        if self.instance.pk is None and due_date < today:
            raise forms.ValidationError(f"Due by must be today or later, {today:%-d %B %Y} at the earliest")
        return due_date


class ActionUpdateForm(forms.ModelForm):
    class Meta:
        model = ActionUpdate
        fields = ["date", "text", "evidence_of_impact"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        labels = {"date": "Date of the progress"}
        field_classes = {"date": DateField}

    def __init__(self, *args, action, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.action = action
        self.instance.by = by

    def clean(self):
        cleaned = super().clean()
        if self.instance.action.closed_on:
            raise forms.ValidationError("This action is closed: progress can no longer be added.")
        return cleaned


class ClosureRequestForm(forms.Form):
    evidence = forms.CharField(
        label="Evidence that the action is complete",
        help_text="What was done, what difference it made, and where the evidence can be seen.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class EscalationForm(forms.Form):
    note = forms.CharField(
        label="Why this action is escalated, and to whom",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConfirmForm(forms.Form):
    """A confirmation step with nothing to type: the page says what will happen, the button does it."""
