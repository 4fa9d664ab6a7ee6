import django_filters

from assure.core.filters import DateFilter, DateRangeFilterSet
from assure.core.models import Agency, Priority

from .models import Attendance, Booking, BookingStatus, Course, CourseStatus, Module


class CourseFilter(DateRangeFilterSet):
    module = django_filters.ModelChoiceFilter(queryset=Module.objects.all(), empty_label="All modules")
    priority = django_filters.ModelChoiceFilter(
        field_name="module__priority", queryset=Priority.objects.all(), empty_label="All priorities"
    )
    status = django_filters.ChoiceFilter(choices=CourseStatus.choices, empty_label="Scheduled and cancelled")
    date_from = DateFilter(field_name="date", lookup_expr="gte", label="Date from")
    date_to = DateFilter(field_name="date", lookup_expr="lte", label="Date to")

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
