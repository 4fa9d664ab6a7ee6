from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assure.core.models import Agency, Priority, Sector
from assure.core.permissions import Role
from assure.training.models import AgencyTrainingProfile, ChargeRule, Course, Module, WorkforceRole
from assure.training.services import course_book


@pytest.fixture
def neglect(partnership):
    return Priority.objects.create(
        partnership=partnership, name="Neglect", slug="neglect", first_year=partnership.reporting_years.get()
    )


@pytest.fixture
def module(partnership, neglect):
    return Module.objects.create(
        partnership=partnership, code="6c", title="Neglect – GCP2", priority=neglect, hours=Decimal("3")
    )


@pytest.fixture
def make_course(module):
    def make(*, days_ahead: int = 30, capacity: int = 10, on: date | None = None, **fields) -> Course:
        day = on or timezone.localdate() + timedelta(days=days_ahead)
        return Course.objects.create(
            module=fields.pop("module", module),
            date=day,
            start_time=time(9, 30),
            end_time=time(12, 30),
            venue="Council House",
            trainer="Training officer",
            capacity=capacity,
            booking_deadline=fields.pop("booking_deadline", day),
            **fields,
        )

    return make


@pytest.fixture
def course(make_course):
    return make_course()


@pytest.fixture
def school(partnership):
    return Agency.objects.create(partnership=partnership, name="Test Academy", sector=Sector.EDUCATION)


@pytest.fixture
def practitioner(make_person, school):
    return make_person(Role.PRACTITIONER, school, full_name="Kim Practitioner")


@pytest.fixture
def book(make_person):
    """Book a new person from ``agency`` onto ``course`` (as if they booked themselves)."""

    def make(course, agency, **options):
        delegate = options.pop("delegate", None) or make_person(Role.PRACTITIONER, agency)
        return course_book(
            course=course, delegate=delegate, booked_by=delegate, workforce_roles=[WorkforceRole.REFERRER], **options
        )

    return make


@pytest.fixture
def charging_policy(partnership, module):
    """Contributing partners train free and pay £50 for an empty place; others pay £40, or £75 for module 6c."""
    rules = [
        (ChargeRule.AgencyType.CONTRIBUTING, None, "0", "50", "25"),
        (ChargeRule.AgencyType.OTHER, None, "40", "40", "30"),
        (ChargeRule.AgencyType.OTHER, module, "75", "75", "60"),
    ]
    for agency_type, for_module, place, missed, late in rules:
        ChargeRule.objects.create(
            partnership=partnership,
            agency_type=agency_type,
            module=for_module,
            place_fee=Decimal(place),
            non_attendance_fee=Decimal(missed),
            late_cancellation_fee=Decimal(late),
        )


@pytest.fixture
def contributing(police):
    AgencyTrainingProfile.objects.create(agency=police, contributes_to_budget=True)
    return police
