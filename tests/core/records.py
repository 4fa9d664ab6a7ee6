"""Small records for core's page tests: people who sign in only through the test client, and courses."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from assure.core.models import RoleAssignment, User
from assure.core.permissions import Role
from assure.training.models import Course, Module


def person(role: Role, agency) -> User:
    """A person with one role and no password (hashing one takes most of a second): log them in with force_login."""
    someone = User.objects.create(
        email=f"{role}.{User.objects.count()}@test.example", full_name=f"{role.label} of {agency}", agency=agency
    )
    RoleAssignment.objects.create(
        user=someone, role=role, agency=agency if role in (Role.AGENCY_LEAD, Role.LEAD_PARTNER) else None
    )
    return someone


def course(partnership, *, days_ahead=30, capacity=10) -> Course:
    module, _ = Module.objects.get_or_create(
        partnership=partnership, code="6c", defaults={"title": "Neglect – GCP2", "hours": Decimal("3")}
    )
    day = timezone.localdate() + timedelta(days=days_ahead)
    return Course.objects.create(
        module=module,
        date=day,
        start_time=time(9, 30),
        end_time=time(12, 30),
        venue="Council House",
        trainer="Training officer",
        capacity=capacity,
        booking_deadline=day,
    )
