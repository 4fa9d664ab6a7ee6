import django_filters
from django.utils import timezone

from assure.core.filters import DateFilter, DateRangeFilterSet
from assure.core.models import Agency, Priority

from . import selectors
from .models import Attendance, Booking, BookingStatus, Course, CourseStatus, Module, WaiverStatus


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
    when = django_filters.ChoiceFilter(
        label="Course date",
        choices=[("upcoming", "Today or later"), ("past", "Before today")],
        empty_label="Any date",
        method="filter_when",
    )
    evaluation = django_filters.ChoiceFilter(
        choices=[("to_give", "Waiting to be given")], empty_label="Any", method="filter_evaluation"
    )
    waiver_status = django_filters.ChoiceFilter(
        label="Fee waiver", choices=WaiverStatus.choices[1:], empty_label="Any or none"
    )
    mine = django_filters.ChoiceFilter(
        label="Whose", choices=[("yes", "Only my own")], empty_label="All I can see", method="filter_mine"
    )

    class Meta:
        model = Booking
        fields = ["status", "attendance", "agency", "module", "when", "evaluation", "waiver_status", "mine"]

    def filter_when(self, queryset, name, value):
        today = timezone.localdate()
        return (
            queryset.filter(course__date__gte=today) if value == "upcoming" else queryset.filter(course__date__lt=today)
        )

    def filter_evaluation(self, queryset, name, value):
        return selectors.evaluations_to_give(queryset)

    def filter_mine(self, queryset, name, value):
        return queryset.filter(delegate=self.request.user)
