"""The project's one form renderer: GOV.UK Frontend markup for every Django form.

Views never hand-write form markup: ``{{ form }}`` renders the error summary, each
field with its label, hint and error message, in GOV.UK classes.
"""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Agency, Partnership, Priority, ReportingYear, User
from .notify import notify
from .permissions import TWO_FACTOR_ROLES, Role

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


class PersonCreateForm(forms.Form):
    """A new person: whether they can sign in (then they get an invitation) and whether they are a practitioner."""

    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(
        label="Email address",
        help_text="Their work address. If they can sign in, we email them a link to choose a password.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    job_title = forms.CharField(label="Job title", max_length=200, required=False)
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.none(), empty_label="Choose an agency")
    can_sign_in = forms.TypedChoiceField(
        label="Access to Assure",
        choices=[
            ("yes", "They can sign in: email them an invitation"),
            ("no", "They cannot sign in: a record of them only"),
        ],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    practitioner = forms.BooleanField(
        label="Give them the Practitioner role (book training and give evaluations)", required=False, initial=True
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class PersonForm(forms.ModelForm):
    """A person's details. Their email address changes only through a confirmed email change."""

    class Meta:
        model = User
        fields = ["full_name", "job_title", "agency", "is_active"]
        labels = {"is_active": "Can sign in"}
        help_texts = {"is_active": "Untick to stop them signing in; their records stay."}

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["agency"].required = True


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(
        label="New email address",
        help_text="We send a link to this address; the change happens only when it is opened.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class OwnEmailChangeForm(EmailChangeForm):
    """Changing your own address also asks for your password, so an unattended session cannot do it."""

    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your password is wrong. Enter the password you sign in with.")
        return password


class RoleAssignmentForm(forms.Form):
    """The role to give; roles that need a second factor become a request for another person's approval."""

    role = forms.ChoiceField(label="Role", widget=forms.RadioSelect)
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Choose an agency",
        help_text="Only for an agency lead (the agency they answer for) or a lead safeguarding partner (the statutory "
        "partner they head or deputise for).",
    )
    delegate_for = forms.ModelChoiceField(
        label="Delegate of",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not a delegate",
        help_text="Only for a lead safeguarding partner who acts for another: the lead partner they deputise for.",
    )
    started_on = forms.DateField(label="Starts on", widget=DateInput, help_text=DATE_HINT)

    def __init__(self, *args, person: User, roles, agencies, lead_partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["role"].choices = [
            (role.value, f"{role.label} (needs approval)" if role in TWO_FACTOR_ROLES else role.label) for role in roles
        ]
        if any(role in TWO_FACTOR_ROLES for role in roles):
            self.fields["role"].help_text = (
                "A role that needs approval gives no access until another partnership admin or a lead safeguarding "
                "partner approves it."
            )
        self.fields["agency"].queryset = agencies
        self.fields["delegate_for"].queryset = lead_partners.exclude(pk=person.pk)
        if len(roles) == 1:
            del self.fields["agency"], self.fields["delegate_for"]
        self.initial.setdefault("started_on", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role not in (Role.AGENCY_LEAD, Role.LEAD_PARTNER):
            cleaned["agency"] = None
        if role != Role.LEAD_PARTNER:
            cleaned["delegate_for"] = None
        if role == Role.AGENCY_LEAD and not cleaned.get("agency"):
            self.add_error("agency", "Choose the agency this person leads for.")
        if role == Role.LEAD_PARTNER and not (cleaned.get("agency") and cleaned["agency"].is_statutory_partner):
            self.add_error("agency", "Choose the statutory safeguarding partner this person heads or deputises for.")
        return cleaned


class BackupCodeForm(forms.Form):
    code = forms.CharField(
        label="Backup code",
        help_text="One of the codes you saved when you set up two-factor sign-in. Each works once.",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-10"}),
    )

    def __init__(self, *args, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip().lower().replace(" ", "")
        if self.device is not None and not self.device.verify_is_allowed()[0]:
            raise forms.ValidationError("Too many wrong codes. Wait a minute, then try again.")
        if self.device is None or not self.device.verify_token(code):
            raise forms.ValidationError("That backup code is wrong or has been used. Enter another of your codes.")
        return code


class NotifyingPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending its link through Assure's one email path."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        notify(to=[to_email], subject=subject, body=body, path=path)
