"""The project's one form renderer: GOV.UK Frontend markup for every Django form.

Views never hand-write form markup: ``{{ form }}`` renders the error summary, each
field with its label, hint and error message, in GOV.UK classes.
"""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

from .models import Agency, Partnership, Priority, ReportingYear, RoleAssignment, User
from .permissions import Role

_WIDGET_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


class GovukBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget_type = self.widget_type
        if widget_type in ("radioselect", "checkboxselectmultiple", "checkbox"):
            return attrs
        css = _WIDGET_CLASSES.get(widget_type, "govuk-input")
        if self.errors:
            css += f" {css}--error"
        # The widget's own classes (a width such as govuk-input--width-10) stay beside the GOV.UK one.
        existing = " ".join(filter(None, [(widget or self.field.widget).attrs.get("class"), attrs.get("class")]))
        attrs["class"] = f"{css} {existing}".strip()
        return attrs

    @property
    def errors(self):
        # Django's "This field is required." does not say what to do; GOV.UK asks for "Enter …" / "Select …".
        errors = super().errors
        if errors and self.field.error_messages.get("required") in errors:
            verb = "Select" if self.widget_type in ("radioselect", "select", "checkboxselectmultiple") else "Enter"
            specific = f"{verb} {self.label[0].lower()}{self.label[1:]}" if self.label else "Enter a value"
            errors = errors.__class__(
                [specific if e == self.field.error_messages["required"] else e for e in errors],
                error_class=errors.error_class,
            )
        return errors

    @property
    def error_anchor(self) -> str:
        """Where the error summary links: the first option of a radio or checkbox group."""
        if self.widget_type in ("radioselect", "checkboxselectmultiple"):
            return f"{self.auto_id}_0"
        return self.auto_id


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = GovukBoundField


class DateInput(forms.DateInput):
    """A date typed as DD/MM/YYYY (ISO dates are accepted too)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "govuk-input--width-10", "inputmode": "numeric", **(attrs or {})}, format="%d/%m/%Y"
        )


DATE_HINT = "For example, 27/03/2020"


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"})
    )
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": "Enter a correct email address and password. Both are case-sensitive.",
        "inactive": "This account cannot sign in. Ask your partnership's business unit.",
    }


class TwoFactorTokenForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows for Assure.",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}
        ),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("Enter the 6 digits your authenticator app shows, with no spaces.")
        if self.device is not None and not self.device.verify_is_allowed()[0]:
            raise forms.ValidationError("Too many wrong codes. Wait a minute, then enter the code your app shows.")
        if self.device is None or not self.device.verify_token(token):
            raise forms.ValidationError("That code is wrong or has expired. Enter the code your app shows now.")
        return token


class AgencyForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["name", "sector", "is_statutory_partner", "active"]
        widgets = {"sector": forms.RadioSelect}

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Agency.objects.filter(partnership=self.instance.partnership, name__iexact=name).exclude(
            pk=self.instance.pk
        )
        if others.exists():
            raise forms.ValidationError("An agency with this name is already in the partnership.")
        return name


class PriorityForm(forms.ModelForm):
    class Meta:
        model = Priority
        fields = ["name", "slug", "description", "first_year", "last_year"]
        labels = {"slug": "Short name"}
        help_texts = {"slug": "Letters, numbers and hyphens, used in addresses and exports, for example early-help."}

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        years = ReportingYear.objects.filter(partnership=partnership)
        self.fields["first_year"].queryset = years
        self.fields["last_year"].queryset = years

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if (
            Priority.objects.filter(partnership=self.instance.partnership, slug=slug)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError("Another priority already has this short name.")
        return slug


class ReportingYearForm(forms.ModelForm):
    class Meta:
        model = ReportingYear
        fields = ["start_year", "population_0_17", "population_source"]
        labels = {"start_year": "Year the reporting year starts (1 April)"}

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["start_year"].widget.attrs["class"] = "govuk-input--width-4"

    def clean_start_year(self):
        start_year = self.cleaned_data["start_year"]
        years = ReportingYear.objects.filter(partnership=self.instance.partnership, start_year=start_year)
        if years.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"The reporting year starting in April {start_year} is already set up.")
        return start_year


class PersonForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "job_title", "agency", "is_active"]
        labels = {"is_active": "Can sign in"}

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].required = True

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Someone in Assure already has this email address.")
        return email


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ["role", "agency", "started_on"]
        widgets = {"role": forms.RadioSelect, "started_on": DateInput}
        help_texts = {"started_on": DATE_HINT}

    def __init__(self, *args, user: User, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.user = user
        self.fields["agency"].queryset = agencies

    def clean(self):
        cleaned = super().clean()
        role, agency = cleaned.get("role"), cleaned.get("agency")
        if role != Role.AGENCY_LEAD:
            cleaned["agency"] = None
            self.instance.agency = None
        if (
            role
            and RoleAssignment.objects.filter(
                user=self.instance.user, role=role, agency=cleaned.get("agency"), ended_on__isnull=True
            ).exists()
        ):
            raise forms.ValidationError(
                f"{self.instance.user} already holds this role{f' for {agency}' if agency else ''}."
            )
        return cleaned
