"""Small governance records for tests: a priority planned for 2019-20, statements with rules, groups and meetings."""

from datetime import date
from decimal import Decimal

from assure.core.models import Priority, ReportingYear, RoleAssignment, User
from assure.core.permissions import Role
from assure.governance.models import (
    AssuranceStatement,
    Challenge,
    CoreArea,
    EvidenceRule,
    Group,
    GroupKind,
    Meeting,
    PriorityYear,
)
from assure.performance.models import DataVersion, IndicatorResult, IndicatorRun, IndicatorTarget, Publication

YEAR = 2019


def priority(partnership, name="Neglect", slug="neglect") -> Priority:
    first = ReportingYear.objects.get(partnership=partnership, start_year=YEAR)
    found, _ = Priority.objects.get_or_create(
        partnership=partnership, slug=slug, defaults={"name": name, "first_year": first}
    )
    return found


def priority_year(partnership, **kwargs) -> PriorityYear:
    return PriorityYear.objects.get_or_create(priority=priority(partnership, **kwargs), start_year=YEAR)[0]


def statement(partnership, *rules, about=None, text="GCP2 has been embedded into practice", start_year=YEAR):
    """A statement on the neglect priority (or a core area, ``about``), with ``rules``: (kind, fields) pairs."""
    made = AssuranceStatement.objects.create(
        partnership=partnership,
        start_year=start_year,
        priority=None if about else priority(partnership),
        core_area=about or "",
        text=text,
    )
    for order, (kind, fields) in enumerate(rules):
        EvidenceRule.objects.create(statement=made, kind=kind, order=order, **fields)
    return made


def core_statement(partnership, *rules, area=CoreArea.SECTION_11):
    return statement(partnership, *rules, about=area, text=f"Assurance on {area}")


def run(partnership, results: dict[tuple[str, int], tuple[int, int | None]], *, published=True) -> IndicatorRun:
    """An indicator run holding year results: {(indicator, start year): (numerator, denominator)}."""
    version = DataVersion.objects.create(partnership=partnership, folder="test")
    made = IndicatorRun.objects.create(data_version=version)
    if published:
        Publication.objects.create(run=made)
    for (indicator_id, start_year), (numerator, denominator) in results.items():
        value = numerator if denominator is None else 100 * numerator / denominator
        IndicatorResult.objects.create(
            run=made,
            indicator_id=indicator_id,
            period_kind=IndicatorResult.PeriodKind.YEAR,
            period_start=date(start_year, 4, 1),
            period_end=date(start_year + 1, 3, 31),
            period_label=f"{start_year}",
            numerator=numerator,
            denominator=denominator,
            value=value,
        )
    return made


def target(partnership, indicator_id, value, start_year=YEAR) -> IndicatorTarget:
    return IndicatorTarget.objects.create(
        partnership=partnership, indicator_id=indicator_id, start_year=start_year, target=value
    )


def threshold(value) -> dict:
    return {"threshold": Decimal(value)}


def lead_partner(agency, *, since=date(2019, 4, 1), delegate_for=None, name=None) -> User:
    """A lead safeguarding partner (or a delegate) of ``agency``, in the role since ``since``."""
    person = User.objects.create(
        email=f"lead.{agency.pk}.{User.objects.count()}@test.example",
        full_name=name or f"Lead partner of {agency}",
        agency=agency,
    )
    RoleAssignment.objects.create(
        user=person, role=Role.LEAD_PARTNER, agency=agency, delegate_for=delegate_for, started_on=since
    )
    return person


def group(partnership, name="Education sub-group", kind=GroupKind.SUB_GROUP, **fields) -> Group:
    return Group.objects.create(partnership=partnership, name=name, kind=kind, **fields)


def meeting(group_, held_on) -> Meeting:
    return Meeting.objects.create(group=group_, held_on=held_on)


def challenge(partnership, *, raised_by, addressed_to, from_agency=None, due=date(2020, 2, 28)) -> Challenge:
    return Challenge.objects.create(
        partnership=partnership,
        raised_by=raised_by,
        raised_on=date(2020, 1, 20),
        from_agency=from_agency,
        addressed_to=addressed_to,
        subject=f"Strategy meetings ({addressed_to})",
        text="How will you attend every strategy meeting?",
        response_due_on=due,
    )


def module(partnership, code="6c", *, priority_=None, hours=3):
    from assure.training.models import Module

    return Module.objects.get_or_create(
        partnership=partnership,
        code=code,
        defaults={"title": f"Module {code}", "priority": priority_, "hours": Decimal(hours)},
    )[0]


def trained(module_, people, *, on=date(2019, 11, 5)):
    """Each of ``people`` attended a course of ``module_`` on ``on``, in a role the workforce strategy covers."""
    from datetime import time

    from assure.training.models import Attendance, Course, WorkforceRole
    from assure.training.services import course_book

    course = Course.objects.create(
        module=module_,
        date=on,
        start_time=time(9, 30),
        end_time=time(12, 30),
        venue="Council House",
        trainer="Training officer",
        capacity=len(people) + 5,
        booking_deadline=on,
    )
    for person in people:
        booking = course_book(
            course=course, delegate=person, booked_by=person, workforce_roles=[WorkforceRole.REFERRER], today=on
        )
        booking.attendance = Attendance.ATTENDED
        booking.save()
    return course
