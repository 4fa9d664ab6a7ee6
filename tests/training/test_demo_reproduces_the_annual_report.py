"""The demo partnership's training records give the 2019-20 annual report's figures (tables.md, sections 3.1-3.3)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from assure.core import demo as core_demo
from assure.core.models import AuditEntry, ReportingYear, User
from assure.core.periods import reporting_year
from assure.training import demo
from assure.training.models import Attendance, Booking, Course, EvaluationResponse, Module
from assure.training.selectors import (
    attendance_by_agency,
    before_after,
    module_summaries,
    tool_take_up,
    trained_count,
)

YEAR = reporting_year(2019)


@pytest.fixture(scope="module")
def solihull(django_db_setup, django_db_blocker):
    """Load the demo once for this module, and roll it back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        partnership = core_demo.load(password="a-long-test-password-2020")
        demo.load_for(partnership)
        yield partnership
        transaction.set_rollback(True)


def _modules(partnership, *codes):
    found = {m.code: m for m in Module.objects.filter(partnership=partnership, code__in=codes)}
    return [found[code] for code in codes]


def test_the_early_help_module_1_split_by_agency(db, solihull):
    (early_help,) = _modules(solihull, "1")
    shares = attendance_by_agency(solihull, module=early_help)
    assert [(s.label, s.count, s.percent) for s in shares] == [
        ("Solihull schools and colleges", 24, 52),
        ("Early years settings (non-maintained)", 10, 22),
        ("Voluntary and third sector organisations", 6, 13),
        ("Solihull Metropolitan Borough Council – Other staff", 3, 7),
        ("Birmingham and Solihull Mental Health NHS Foundation Trust", 1, 2),
        ("Solihull Metropolitan Borough Council – Children's social care", 1, 2),
        ("West Midlands Fire Service", 1, 2),
    ]
    held = early_help.courses.filter(date__lte=date(2020, 3, 1), status="scheduled")
    assert held.count() == 5
    assert (min(c.date for c in held), max(c.date for c in held)) == (date(2019, 11, 19), date(2020, 2, 25))


def test_the_neglect_modules_courses_and_attendance(db, solihull):
    neglect = _modules(solihull, "6", "6b", "6c", "6d", "6e")
    rows = module_summaries(solihull, neglect, since=date(2017, 9, 1), year=YEAR)
    assert [(r.module.code, r.courses_in_year, r.attended_since, r.attended_in_year) for r in rows] == [
        ("6", 4, 158, 52),
        ("6b", 2, 57, 19),
        ("6c", 3, 114, 41),
        ("6d", 1, 35, 13),
        ("6e", 2, 27, 27),
    ]


def test_the_neglect_modules_before_and_after_scores(db, solihull):
    expected = {
        "6": (("5", "5", "5.1"), ("7.5", "7", "7.5")),
        "6b": (("4.8", "4.6", "4.5"), ("7.2", "7.5", "7.2")),
        "6c": (("3.8", "3.6", "3.5"), ("8.5", "7.6", "8.1")),
        "6d": (("4.4", "4.4", "4.2"), ("8.3", "8.5", "8.3")),
        "6e": (("5.8", "5.7", "5.6"), ("7.2", "7.1", "7.1")),
    }
    for row in before_after(_modules(solihull, *expected), period=YEAR):
        before = tuple(row.before[m].value for m in ("knowledge", "skills", "confidence"))
        after = tuple(row.after[m].value for m in ("knowledge", "skills", "confidence"))
        assert (before, after) == tuple(tuple(Decimal(v) for v in stage) for stage in expected[row.module.code])
        assert 0 < row.after["knowledge"].responses < row.before["knowledge"].responses <= row.attendees


def test_gcp2_exploitation_allegations_and_the_years_total(db, solihull):
    gcp2, module_5a, module_5b, allegations = _modules(solihull, "6c", "5a", "5b", "MA")
    attended = Booking.objects.filter(attendance=Attendance.ATTENDED)

    _, take_up = tool_take_up(gcp2, year=ReportingYear.objects.get(partnership=solihull, start_year=2019))
    assert [row.trained_to_date for row in take_up] == [168, 168, 177, 193]  # the GCP2 return's "total people trained"
    assert attended.filter(course__module=gcp2, course__date__gte=date(2017, 9, 1)).count() == 114
    for module, total, wider in ((module_5a, 252, 30), (module_5b, 92, 18)):
        assert attended.filter(course__module=module).count() == total
        assert attended.filter(course__module=module, course__edition="Wider exploitation").count() == wider
    sessions = Course.objects.filter(module=allegations, date__range=(YEAR.start, YEAR.end))
    assert (sessions.count(), attended.filter(course__in=sessions).count()) == (3, 47)
    assert trained_count(solihull, YEAR) == 493


def test_loading_again_changes_nothing(db, solihull):
    counts = (
        User.objects.count(),
        Booking.objects.count(),
        EvaluationResponse.objects.count(),
        AuditEntry.objects.count(),
    )
    demo.load_for(solihull)
    assert (
        User.objects.count(),
        Booking.objects.count(),
        EvaluationResponse.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
