"""Small training records for core's page tests: one module and courses on it."""

from datetime import time, timedelta
from decimal import Decimal

from django.utils import timezone

from assure.training.models import Course, Module


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
