from django import forms
from django.db.models import Q
from django.utils import timezone

from assure.core.forms import DATE_HINT, DateField
from assure.core.models import Priority, ReportingYear, User
from assure.core.selectors import people_of_agency

from .models import (
    AgencyTrainingProfile,
    Attendance,
    ChargeRule,
    Course,
    CourseStatus,
    Module,
    WorkforceHeadcount,
    WorkforceRole,
)
from .services import CALENDAR_FIELDS, course_cancelled, course_changed

TIME_HINT = "24-hour clock, for example 09:30"


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = ["code", "title", "priority", "hours", "delivery", "learning_outcomes", "tool_return", "active"]
        widgets = {"delivery": forms.RadioSelect, "hours": forms.NumberInput(attrs={"class": "govuk-input--width-4"})}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["priority"].queryset = Priority.objects.filter(partnership=partnership)
        self.fields["code"].widget.attrs["class"] = "govuk-input--width-5"

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        others = Module.objects.filter(partnership=self.instance.partnership, code__iexact=code)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"The programme already has a module {code}.")
        return code


class CourseForm(forms.ModelForm):
    # A cancelled course needs its reason (Course.clean enforces it), asked for under "Cancelled".
    required_when = {"cancellation_reason": ("status", (CourseStatus.CANCELLED,))}
    online_link = forms.URLField(label="Online joining link", required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Course
        fields = [
            "module",
            "edition",
            "date",
            "start_time",
            "end_time",
            "venue",
            "online_link",
            "trainer",
            "capacity",
            "booking_deadline",
            "late_cancellation_working_days",
            "status",
            "cancellation_reason",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"class": "govuk-input--width-5"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"class": "govuk-input--width-5"}, format="%H:%M"),
            "capacity": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
            "late_cancellation_working_days": forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
            "status": forms.RadioSelect,
        }
        field_classes = {"date": DateField, "booking_deadline": DateField}
        help_texts = {
            "start_time": TIME_HINT,
            "end_time": TIME_HINT,
            "cancellation_reason": "For example: Coronavirus restrictions.",
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        # Retired modules take no new courses, but a course of one can still be changed.
        modules = Module.objects.filter(partnership=partnership)
        self.fields["module"].queryset = modules.filter(Q(active=True) | Q(pk=self.instance.module_id))
        self.fields["booking_deadline"].help_text = f"The last day people can book. {DATE_HINT}"

    def clean_date(self):
        day = self.cleaned_data["date"]
        changed = self.instance.pk is None or "date" in self.changed_data
        if changed and day < timezone.localdate():
            raise forms.ValidationError("The course date must be today or in the future")
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == CourseStatus.SCHEDULED:
            cleaned["cancellation_reason"] = ""
            self.instance.cancellation_reason = ""
        return cleaned

    def save(self, commit=True):
        newly_cancelled = "status" in self.changed_data and self.cleaned_data["status"] == CourseStatus.CANCELLED
        moved = self.instance.pk is not None and any(name in self.changed_data for name in CALENDAR_FIELDS)
        course = super().save(commit)
        if commit and newly_cancelled:
            course_cancelled(course=course)
        elif commit and moved and course.status == CourseStatus.SCHEDULED:
            course_changed(course=course)
        return course


class BookingForm(forms.Form):
    """What the delegate tells the coordinator about themselves when booking."""

    workforce_roles = forms.MultipleChoiceField(
        label="Your roles in safeguarding",
        choices=WorkforceRole.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. The workforce development strategy asks these roles to train every year.",
    )
    job_title = forms.CharField(label="Job title", max_length=200)
    service = forms.CharField(
        label="Service or team",
        max_length=100,
        required=False,
        help_text="If you work for a large agency, for example Children's social care at the council.",
    )
    manager = forms.ModelChoiceField(
        label="Your line manager",
        queryset=None,
        required=False,
        empty_label="Nobody to ask",
        help_text="We ask your manager, three months after the course, what difference it has made. If they are not "
        "listed, they are not in Assure yet.",
    )

    def __init__(self, *args, delegate=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Picked from the delegate's own agency, never typed: a typed address let delegates rate themselves.
        self.fields["manager"].queryset = (
            people_of_agency(delegate.agency).exclude(pk=delegate.pk)
            if delegate is not None and delegate.agency_id
            else User.objects.none()
        )
        if delegate is not None and not self.is_bound:
            self.initial.setdefault("job_title", delegate.job_title)
            self.initial.setdefault("workforce_roles", list(delegate.workforce_roles.values_list("role", flat=True)))


class StaffBookingForm(BookingForm):
    """An agency lead (or the coordinator) booking a member of staff."""

    delegate = forms.ModelChoiceField(label="Member of staff", queryset=None, empty_label="Choose a person")

    field_order = ["delegate", "workforce_roles", "job_title", "service", "manager"]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegate"].queryset = people
        self.fields["manager"].queryset = User.objects.filter(
            is_active=True, agency__in=people.values("agency")
        ).order_by("full_name")
        self.fields["workforce_roles"].label = "Their roles in safeguarding"
        self.fields["job_title"].label = "Their job title"
        self.fields["manager"].label = "Their line manager"
        self.fields[
            "manager"
        ].help_text = "Someone from the same agency, asked three months after the course what difference it has made."

    def clean(self):
        cleaned = super().clean()
        delegate, manager = cleaned.get("delegate"), cleaned.get("manager")
        if delegate and manager and (manager == delegate or manager.agency_id != delegate.agency_id):
            self.add_error("manager", f"Choose a line manager from {delegate.agency}, other than {delegate}.")
        return cleaned


class RegisterForm(forms.Form):
    """The attendance register: one question per person with a confirmed place."""

    def __init__(self, *args, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.bookings = list(bookings)
        for booking in self.bookings:
            self.fields[f"booking_{booking.pk}"] = forms.ChoiceField(
                label=f"{booking.delegate.full_name}, {booking.agency}",
                choices=Attendance.choices,
                widget=forms.RadioSelect,
                initial=booking.attendance or None,
            )

    def marks(self) -> dict[int, str]:
        return {booking.pk: self.cleaned_data[f"booking_{booking.pk}"] for booking in self.bookings}


def _score(label: str, help_text: str = "") -> forms.TypedChoiceField:
    # A score is one of eleven answers, chosen rather than typed: radios, never a number box.
    return forms.TypedChoiceField(
        label=label,
        choices=[(score, str(score)) for score in range(11)],
        coerce=int,
        error_messages={"invalid_choice": "Select a score from 0 to 10"},
        help_text=help_text,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
    )


class EvaluationForm(forms.Form):
    knowledge = _score("Your knowledge of the subject, out of 10", "0 is none at all and 10 is expert.")
    skills = _score("Your skills in this area of practice, out of 10")
    confidence = _score("Your confidence in applying it, out of 10")
    used_in_practice = forms.CharField(
        label="How have you used this in practice?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example, a family you supported differently. Do not name children or families.",
    )

    def __init__(self, *args, stage, **kwargs):
        super().__init__(*args, **kwargs)
        if stage == "pre":
            self.fields["used_in_practice"].label = "What do you hope to learn?"
            self.fields["used_in_practice"].help_text = ""
        if stage == "manager":
            self.fields["knowledge"].label = "Their knowledge of the subject now, out of 10"
            self.fields["skills"].label = "Their skills in this area of practice now, out of 10"
            self.fields["confidence"].label = "Their confidence in applying it now, out of 10"
            self.fields["used_in_practice"].label = "How have they used this in practice?"


class WaiverRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why should the fee be waived?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the course was moved at short notice, or the delegate was ill.",
    )


class ChargeRuleForm(forms.ModelForm):
    class Meta:
        model = ChargeRule
        fields = ["agency_type", "module", "place_fee", "non_attendance_fee", "late_cancellation_fee"]
        widgets = {
            "agency_type": forms.RadioSelect,
            "place_fee": forms.NumberInput(attrs={"class": "govuk-input--width-5", "step": "0.01"}),
            "non_attendance_fee": forms.NumberInput(attrs={"class": "govuk-input--width-5", "step": "0.01"}),
            "late_cancellation_fee": forms.NumberInput(attrs={"class": "govuk-input--width-5", "step": "0.01"}),
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["module"].queryset = Module.objects.filter(partnership=partnership)
        self.fields["module"].empty_label = "Every module"

    def clean(self):
        cleaned = super().clean()
        others = ChargeRule.objects.filter(
            partnership=self.instance.partnership, agency_type=cleaned.get("agency_type"), module=cleaned.get("module")
        ).exclude(pk=self.instance.pk)
        if cleaned.get("agency_type") and others.exists():
            raise forms.ValidationError("The charging policy already has a rule for these agencies and this module.")
        return cleaned


class AgencyTrainingProfileForm(forms.ModelForm):
    class Meta:
        model = AgencyTrainingProfile
        fields = ["contributes_to_budget", "requires_manager_approval"]


class WorkforceHeadcountForm(forms.ModelForm):
    class Meta:
        model = WorkforceHeadcount
        fields = ["reporting_year", "headcount"]
        widgets = {"headcount": forms.NumberInput(attrs={"class": "govuk-input--width-5"})}

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agency = agency
        self.fields["reporting_year"].queryset = ReportingYear.objects.filter(partnership=agency.partnership)

    def clean_reporting_year(self):
        year = self.cleaned_data["reporting_year"]
        others = WorkforceHeadcount.objects.filter(agency=self.instance.agency, reporting_year=year)
        if others.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                f"{self.instance.agency}'s headcount for {year} is already recorded; change it instead."
            )
        return year


class YearForm(forms.Form):
    """The reporting year a report covers: the latest unless another is chosen."""

    year = forms.ModelChoiceField(label="Reporting year", queryset=None, empty_label=None)

    def __init__(self, data=None, *, partnership, **kwargs):
        years = ReportingYear.objects.filter(partnership=partnership)
        if data is not None and not data.get("year") and years.exists():
            data = data.copy()
            data["year"] = years.first().pk
        super().__init__(data, **kwargs)
        self.fields["year"].queryset = years

    def chosen(self):
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"]
        return self.fields["year"].queryset.first()


class ConfirmCancellationForm(forms.Form):
    """Cancelling asks "Are you sure?": the page says what it will cost, the button does it."""
