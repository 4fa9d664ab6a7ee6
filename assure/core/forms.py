"""The project's one form renderer: GOV.UK Frontend markup for every Django form.

Views never hand-write form markup: ``{{ form }}`` renders the error summary, each
field with its label, hint and error message, in GOV.UK classes.
"""

import calendar
from datetime import date, datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import pretty_name
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
    "multiplefile": "govuk-file-upload",
}


class GovukBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget_type = self.widget_type
        if widget_type in ("radioselect", "checkboxselectmultiple", "checkbox"):
            return attrs
        if widget_type == "date":
            attrs["error_parts"] = self.date_error_parts
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
            errors = errors.__class__(
                [self._required_message if e == self.field.error_messages["required"] else e for e in errors],
                error_class=errors.error_class,
            )
        return errors

    @property
    def _required_message(self) -> str:
        if self.widget_type in ("clearablefile", "file", "multiplefile"):
            return "Select a file"
        verb = "Select" if self.widget_type in ("radioselect", "select", "checkboxselectmultiple") else "Enter"
        return f"{verb} {self.label[0].lower()}{self.label[1:]}" if self.label else "Enter a value"

    @property
    def date_error_parts(self) -> tuple[str, ...]:
        """The boxes of a date input to mark: the missing ones when only some were filled in, otherwise all three."""
        if not self.errors:
            return ()
        typed = getattr(self.data, "parts", None) or ()
        missing = tuple(key for (key, _, _), part in zip(DATE_PARTS, typed, strict=False) if not part)
        return missing if any(typed) and missing else tuple(key for key, _, _ in DATE_PARTS)

    @property
    def error_anchor(self) -> str:
        """Where the error summary links: the first option of a radio or checkbox group, the first box in error of a date."""
        if self.widget_type in ("radioselect", "checkboxselectmultiple"):
            return f"{self.auto_id}_0"
        if self.widget_type == "date":
            keys = [key for key, _, _ in DATE_PARTS]
            return f"{self.auto_id}_{keys.index((self.date_error_parts or keys)[0])}"
        return self.auto_id

    # Answers a choice makes necessary (GOV.UK conditional reveal). A form declares them in
    # ``required_when = {field: (choice field, (values…))}``, mirroring the rule its model or clean
    # enforces. Such a field is never labelled "(optional)". One needed by a single option sits
    # under that option, revealed when it is chosen; one several options need stays in view.

    @property
    def can_be_required(self) -> bool:
        return self.field.required or self.name in getattr(self.form, "required_when", {})

    @property
    def revealed_under(self) -> tuple[str, str] | None:
        """The choice field and option this field is revealed under, if it belongs to exactly one."""
        controller, values = getattr(self.form, "required_when", {}).get(self.name, (None, ()))
        if controller not in self.form.fields or len(values) != 1 or self.form[controller].widget_type != "radioselect":
            return None
        return controller, str(values[0])

    @property
    def options(self) -> list[dict]:
        """A radio group's options, each with the fields revealed when it is chosen."""
        revealed: dict[str, list] = {}
        for name in getattr(self.form, "required_when", {}):
            under = self.form[name].revealed_under
            if under and under[0] == self.name:
                revealed.setdefault(under[1], []).append(self.form[name])
        return [
            {"option": option, "revealed": revealed.get(str(option.data["value"]), [])}
            for option in self.subwidgets
            if option.data["value"] not in ("", None)
        ]


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = GovukBoundField


DATE_PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
DATE_HINT = "For example, 27 3 2020"
_MONTHS = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}


def _real_date(day: str, month: str, year: str) -> date:
    """The date the three parts name (a month as a number, a name or its first letters); ValueError if none."""
    month_number = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
    if not (day.isdigit() and year.isdigit() and len(year) == 4 and month_number):
        raise ValueError(f"not a date: {day} {month} {year}")
    return date(int(year), month_number, int(day))


class DateParts(str):
    """What the three boxes of a date input sent, kept part by part for field-specific messages.

    As a string it is the ISO date when the parts make a real date (so any Django date field
    reads it), empty when nothing was typed, and otherwise the parts as typed.
    """

    parts: tuple[str, str, str]

    def __new__(cls, day: str, month: str, year: str):
        try:
            text = _real_date(day, month, year).isoformat()
        except ValueError:
            text = f"{day}/{month}/{year}" if day or month or year else ""
        parts = super().__new__(cls, text)
        parts.parts = (day, month, year)
        return parts


def _split_date(text: str) -> tuple[str, str, str]:
    """The parts of a date written in one piece, as links and stored values carry it: 2020-03-27 or 27/03/2020."""
    text = text.strip()
    if len(pieces := text.split("-")) == 3 and len(pieces[0]) == 4:
        return pieces[2], pieces[1], pieces[0]
    if len(pieces := text.replace(" ", "/").split("/")) == 3:
        return pieces[0], pieces[1], pieces[2]
    return text, "", ""


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes in a fieldset (the field template draws the fieldset).

    A link may still give the date in one piece (``?date_from=2020-04-01``).
    """

    template_name = "core/forms/widgets/date.html"
    use_fieldset = True

    def __init__(self, attrs=None):
        widgets = {
            key: forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "width": width})
            for key, _, width in DATE_PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, DateParts):
            return list(value.parts)
        if isinstance(value, str) and value:
            return list(_split_date(value))
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        parts = [data.get(f"{name}_{key}", "").strip() for key, _, _ in DATE_PARTS]
        if not any(parts) and data.get(name):
            return DateParts(*(part.strip() for part in _split_date(data[name])))
        return DateParts(*parts)

    def value_omitted_from_data(self, data, files, name):
        return name not in data and all(f"{name}_{key}" not in data for key, _, _ in DATE_PARTS)

    def get_context(self, name, value, attrs):
        attrs = dict(attrs or {})
        error_parts = attrs.pop("error_parts", ())
        attrs.pop("class", None)
        context = super().get_context(name, value, attrs)
        for (key, label, _), part in zip(DATE_PARTS, context["widget"]["subwidgets"], strict=True):
            width = part["attrs"].pop("width")
            error = key in error_parts
            part["label"] = label
            part["attrs"]["class"] = (
                f"govuk-input govuk-date-input__input govuk-input--width-{width}{' govuk-input--error' if error else ''}"
            )
            if not error:
                part["attrs"].pop("aria-invalid", None)
        return context


class DateField(forms.Field):
    """A date typed in the three boxes of the GOV.UK date input, with GOV.UK's messages naming the field.

    "Date to must include a year", "Date to must be a real date". Month names ("April", "Apr")
    are read as well as numbers.
    """

    widget = DateInput

    def __init__(self, *, help_text="", **kwargs):
        super().__init__(help_text=help_text or DATE_HINT, **kwargs)

    def get_bound_field(self, form, field_name):
        # Messages name the field as the page labels it, even where no label was given.
        self.message_label = self.label or pretty_name(field_name)
        return super().get_bound_field(form, field_name)

    def to_python(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if value in self.empty_values:
            return None
        day, month, year = getattr(value, "parts", None) or _split_date(str(value))
        if not (day or month or year):
            return None
        name = getattr(self, "message_label", None) or self.label or "The date"
        missing = [key for key, part in zip(("day", "month", "year"), (day, month, year), strict=True) if not part]
        if missing:
            raise ValidationError(f"{name} must include a {' and '.join(missing)}", code="incomplete")
        if not (year.isdigit() and len(year) == 4):
            raise ValidationError(f"{name} must have a year of 4 numbers, for example 2020", code="year")
        try:
            return _real_date(day, month, year)
        except ValueError:
            raise ValidationError(f"{name} must be a real date", code="invalid") from None


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
    started_on = DateField(label="Starts on")

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
