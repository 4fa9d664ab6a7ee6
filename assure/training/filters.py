import django_filters

from assure.core.filters import DateRangeFilterSet
from assure.core.forms import DATE_HINT, DateInput
from assure.core.models import Agency, Priority

from .models import Attendance, Booking, BookingStatus, Course, CourseStatus, Module


class CourseFilter(DateRangeFilterSet):
    module = django_filters.ModelChoiceFilter(queryset=Module.objects.all(), empty_label="All modules")
    priority = django_filters.ModelChoiceFilter(
        field_name="module__priority", queryset=Priority.objects.all(), empty_label="All priorities"
    )
    status = django_filters.ChoiceFilter(choices=CourseStatus.choices, empty_label="Scheduled and cancelled")
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label="From", widget=DateInput, help_text=DATE_HINT
    )
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="To", widget=DateInput)

    class Meta:
        model = Course
        fields = ["module", "priority", "status", "date_from", "date_to"]


class BookingFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BookingStatus.choices, empty_label="Any status")
    attendance = django_filters.ChoiceFilter(choices=Attendance.choices, empty_label="Any attendance")
    agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.all(), empty_label="All agencies")
    module = django_filters.ModelChoiceFilter(
        field_name="course__module", queryset=Module.objects.all(), empty_label="All modules"
    )

    class Meta:
        model = Booking
        fields = ["status", "attendance", "agency", "module"]
