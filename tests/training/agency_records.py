"""Training records that belong to an agency, and the pages that show or change them."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from assure.core.models import ReportingYear
from assure.core.permissions import Role
from assure.training.models import (
    AgencyTrainingProfile,
    Booking,
    Course,
    EvaluationLink,
    EvaluationResponse,
    Module,
    Stage,
    WorkforceHeadcount,
)
from assure.training.services import course_book, evaluation_link_issue
from tests.agency_scoped import register


def _booking(agency, make_person):
    delegate = make_person(Role.PRACTITIONER, agency)
    module, _ = Module.objects.get_or_create(
        partnership=agency.partnership, code="6c", defaults={"title": "Neglect – GCP2", "hours": 3}
    )
    day = timezone.localdate() + timedelta(days=30)
    course, _ = Course.objects.get_or_create(
        module=module,
        date=day,
        defaults={"venue": "Council House", "trainer": "Trainer", "capacity": 20, "booking_deadline": day},
    )
    return course_book(course=course, delegate=delegate, booked_by=delegate)


def _response(agency, make_person):
    booking = _booking(agency, make_person)
    return EvaluationResponse.objects.create(booking=booking, stage=Stage.PRE, knowledge=4, skills=4, confidence=4)


def _headcount(agency, make_person):
    year = ReportingYear.objects.get(partnership=agency.partnership, start_year=2019)
    return WorkforceHeadcount.objects.create(agency=agency, reporting_year=year, headcount=40)


register(
    Booking,
    make=_booking,
    urls=lambda booking: [
        reverse("training:booking-detail", args=[booking.pk]),
        reverse("training:waiver-request", args=[booking.pk]),
    ],
)
register(
    EvaluationResponse,
    make=_response,
    urls=lambda response: [reverse("training:booking-detail", args=[response.booking_id])],
)
register(
    EvaluationLink,
    make=lambda agency, make_person: evaluation_link_issue(booking=_booking(agency, make_person), stage=Stage.PRE),
    urls=lambda link: [reverse("training:booking-detail", args=[link.booking_id])],
)
register(
    AgencyTrainingProfile,
    make=lambda agency, make_person: AgencyTrainingProfile.objects.create(
        agency=agency, requires_manager_approval=True
    ),
    urls=lambda profile: [reverse("training:agency-detail", args=[profile.agency_id])],
)
register(
    WorkforceHeadcount,
    make=_headcount,
    urls=lambda headcount: [
        reverse("training:agency-detail", args=[headcount.agency_id]),
        reverse("training:headcount-edit", args=[headcount.agency_id, headcount.pk]),
        reverse("training:invoice", args=[headcount.agency_id, 2019, 1, "csv"]),
    ],
)
