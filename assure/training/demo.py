"""The demonstration training programme, from Solihull LSCP's 2019-20 annual report (sections 3.1-3.3 and 4).

Every figure the report gives is reproduced by records, so the training reports compute it:
Early Help Module 1 (46 practitioners on 5 courses, November 2019 to February 2020, split by
agency 24/10/6/3/1/1/1); the neglect modules' courses and attendance since September 2017 and
in 2019-20, and their before/after self-ratings; 193 ever trained in GCP2 (114 since the Neglect
Strategy, with the quarterly totals 168, 168, 177, 193); modules 5a (252 since 2016, 30 on the
wider exploitation version) and 5b (92, 18); 3 managing-allegations sessions with 47
practitioners; and 493 practitioners trained in 2019-20. Where the report is silent (dates,
agencies outside the Early Help pie, the size of the rest of the programme, prices, headcounts)
the figures are the demo's assumptions, marked as such.

Records are matched on natural keys (module code, course date; delegates by their generated
email address), so loading twice changes nothing.
"""

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from assure.core.models import Agency, Priority, ReportingYear, User
from assure.core.periods import add_months

from .models import (
    AgencyTrainingProfile,
    Attendance,
    Booking,
    BookingStatus,
    BookingWorkforceRole,
    ChargeRule,
    Course,
    CourseStatus,
    Delivery,
    EvaluationResponse,
    Module,
    PersonWorkforceRole,
    Stage,
    WorkforceHeadcount,
    WorkforceRole,
)
from .selectors import ratio_half_up

SCHOOLS = "Solihull schools and colleges"
EARLY_YEARS = "Early years settings (non-maintained)"
VOLUNTARY = "Voluntary and third sector organisations"
COUNCIL = "Solihull Metropolitan Borough Council"
MENTAL_HEALTH = "Birmingham and Solihull Mental Health NHS Foundation Trust"
FIRE = "West Midlands Fire Service"
POLICE = "West Midlands Police"
CHILDRENS_HOSPITAL = "Birmingham Women's and Children's NHS Foundation Trust"
UHB = "University Hospitals Birmingham NHS Foundation Trust"
HOUSING = "Solihull Community Housing"
PROBATION = "National Probation Service"
# The report splits the council's delegates by service; so does Booking.service.
SOCIAL_CARE = (COUNCIL, "Children's social care")
COUNCIL_OTHER = (COUNCIL, "Other staff")

MODULES = [
    # code, title, priority slug, hours, delivery, learning outcomes
    (
        "1",
        "Early help",
        "early-help",
        "3",
        "Apply the partnership's thresholds; use the early help assessment and review tool; signpost families to support.",
    ),
    (
        "2",
        "Safeguarding children: working together",
        None,
        "6",
        "Roles and responsibilities in multi-agency child protection; making a referral; conferences and core groups.",
    ),
    (
        "5a",
        "Child exploitation awareness",
        "exploitation",
        "3",
        "Recognise the signs of sexual and criminal exploitation; know how to share concerns.",
    ),
    (
        "5b",
        "Exploitation: skills for working with those being groomed or exploited",
        "exploitation",
        "6",
        "Engage young people at risk; assess risk with the exploitation screening tool; plan with partners.",
    ),
    (
        "6",
        "Neglect – impact on child development",
        "neglect",
        "3",
        "Understand how neglect harms development at each age; recognise cumulative harm.",
    ),
    ("6b", "Neglect – domestic abuse", "neglect", "3", "Understand how domestic abuse and neglect interact."),
    (
        "6c",
        "Neglect – GCP2",
        "neglect",
        "6",
        "Use the Graded Care Profile 2 in direct work with families (the partnership is a licensed trainer).",
    ),
    ("6d", "Neglect – substance misuse", "neglect", "3", "Recognise the impact of parental substance misuse on care."),
    (
        "6e",
        "Neglect – “Who is he?”",
        "neglect",
        "3",
        "Engage fathers and men in the household in assessment and planning.",
    ),
    (
        "MA",
        "Managing allegations against adults who work with children",
        None,
        "3",
        "Know when and how to refer to the LADO; the managing allegations process and an agency's duties.",
    ),
]

# Agency mixes for modules without a published split (demo assumption): schools and colleges send
# the most delegates, then children's social care, as the report says of the whole programme.
GENERAL_MIX = (
    [(SCHOOLS, "")] * 9
    + [SOCIAL_CARE] * 5
    + [(EARLY_YEARS, ""), (VOLUNTARY, ""), (POLICE, ""), (CHILDRENS_HOSPITAL, ""), (UHB, "")]
    + [COUNCIL_OTHER, (HOUSING, ""), (MENTAL_HEALTH, ""), (PROBATION, ""), (VOLUNTARY, ""), (SCHOOLS, "")]
)
# Section 3.1's pie: 46 delegates on Early Help Module 1.
EARLY_HELP_SPLIT = (
    [(SCHOOLS, "")] * 24
    + [(EARLY_YEARS, "")] * 10
    + [(VOLUNTARY, "")] * 6
    + [COUNCIL_OTHER] * 3
    + [(FIRE, ""), (MENTAL_HEALTH, ""), SOCIAL_CARE]
)


@dataclass(frozen=True)
class PlannedCourse:
    code: str
    day: date
    attended: int
    edition: str = ""
    did_not_attend: int = 0


def _courses(code, runs, edition="") -> list[PlannedCourse]:
    return [PlannedCourse(code, date.fromisoformat(day), attended, edition, missed) for day, attended, missed in runs]


COURSES = [
    # Early Help Module 1: 46 practitioners on 5 courses, November 2019 - February 2020.
    *_courses(
        "1",
        [("2019-11-19", 10, 1), ("2019-12-10", 9, 0), ("2020-01-14", 9, 1), ("2020-02-04", 9, 0), ("2020-02-25", 9, 0)],
    ),
    # Neglect modules (section 3.2). The table's "number of courses" fits only as courses run in
    # 2019-20 (module 6d's one course cannot hold 35 since 2017 and 13 in 2019-20), so each
    # module runs that many courses in 2019-20 and its other attendance falls in earlier courses.
    *_courses("6", [("2017-10-10", 27, 0), ("2018-02-06", 26, 0), ("2018-06-12", 27, 0), ("2018-11-13", 26, 0)]),
    *_courses("6", [("2019-05-14", 13, 1), ("2019-09-17", 13, 0), ("2019-11-12", 13, 1), ("2020-02-11", 13, 0)]),
    *_courses("6b", [("2018-03-13", 19, 0), ("2018-10-16", 19, 0), ("2019-06-18", 10, 1), ("2020-01-21", 9, 0)]),
    # GCP2: 79 trained before the Neglect Strategy, 73 from September 2017 to March 2019, then
    # 16, 0, 9 and 16 in the quarters of 2019-20 (cumulative 168, 168, 177, 193).
    *_courses("6c", [("2016-05-17", 20, 0), ("2016-09-20", 20, 0), ("2016-11-15", 20, 0), ("2017-02-14", 19, 0)]),
    *_courses("6c", [("2017-11-21", 18, 0), ("2018-03-20", 19, 0), ("2018-07-10", 18, 0), ("2019-01-15", 18, 0)]),
    *_courses("6c", [("2019-06-04", 16, 1), ("2019-11-26", 9, 0), ("2020-02-25", 16, 1)]),
    *_courses("6d", [("2018-09-11", 22, 0), ("2019-10-08", 13, 1)]),
    *_courses("6e", [("2019-07-09", 14, 0), ("2020-01-28", 13, 1)]),
    # Exploitation (section 3.3): about 3 runs a year since 2016; wider exploitation from September 2019.
    *_courses(
        "5a",
        [
            ("2016-06-14", 22, 0),
            ("2016-10-11", 22, 0),
            ("2017-02-07", 22, 0),
            ("2017-06-13", 22, 0),
            ("2017-10-17", 22, 0),
            ("2018-02-13", 22, 0),
            ("2018-06-19", 22, 0),
            ("2018-10-09", 22, 0),
            ("2019-02-12", 21, 0),
            ("2019-06-11", 25, 1),
        ],
    ),
    *_courses("5a", [("2019-10-15", 15, 1), ("2020-02-18", 15, 0)], edition="Wider exploitation"),
    *_courses(
        "5b",
        [
            ("2016-07-12", 7, 0),
            ("2016-11-08", 7, 0),
            ("2017-03-07", 7, 0),
            ("2017-07-11", 7, 0),
            ("2017-11-07", 7, 0),
            ("2018-03-06", 7, 0),
            ("2018-07-17", 7, 0),
            ("2018-11-06", 7, 0),
            ("2019-03-05", 6, 0),
            ("2019-05-21", 12, 0),
        ],
    ),
    *_courses("5b", [("2019-11-05", 9, 1), ("2020-01-07", 9, 0)], edition="Wider exploitation"),
    # Managing allegations (section 4.4.1): three sessions in 2019-20, 47 practitioners.
    *_courses("MA", [("2019-07-02", 16, 0), ("2019-10-22", 16, 1), ("2020-03-03", 15, 0)]),
    # The rest of the 493 trained in 2019-20 (demo assumption: the report does not list them).
    *_courses(
        "2",
        [
            ("2019-04-30", 20, 1),
            ("2019-05-28", 20, 0),
            ("2019-07-16", 20, 1),
            ("2019-09-24", 20, 0),
            ("2019-10-29", 20, 1),
            ("2019-12-03", 20, 0),
            ("2020-01-16", 20, 1),
            ("2020-03-10", 23, 0),
        ],
    ),
]

# Courses cancelled from March 2020 under the Coronavirus restrictions (section 4).
CANCELLED = [("6", "2020-03-24"), ("5b", "2020-03-31"), ("1", "2020-03-17")]
PANDEMIC = "Cancelled under the Coronavirus (COVID-19) restrictions"

# Section 3.2's before → after averages for 2019-20: (knowledge, skills, confidence) before and after.
NEGLECT_SCORES = {
    "6": (("5", "5", "5.1"), ("7.5", "7", "7.5")),
    "6b": (("4.8", "4.6", "4.5"), ("7.2", "7.5", "7.2")),
    "6c": (("3.8", "3.6", "3.5"), ("8.5", "7.6", "8.1")),
    "6d": (("4.4", "4.4", "4.2"), ("8.3", "8.5", "8.3")),
    "6e": (("5.8", "5.7", "5.6"), ("7.2", "7.1", "7.1")),
}

# What delegates wrote about using their training (sections 3.1, 3.3 and 4.4.1), chosen for the report.
IMPACT_STATEMENTS = {
    "1": [
        "The course has given me the knowledge and confidence to support two families, one experiencing domestic abuse and one with two children with special educational needs.",
        "I feel more confident applying thresholds and signposting families to different support networks, and I have shared what I learned with colleagues in my setting.",
    ],
    "5a": [
        "It gave me a better perspective and taught me to be less naive about the risks of exploitation; it helped me identify two young people at risk and how best to support them.",
    ],
    "5b": [
        "The course helped me recognise the signs of exploitation sooner in a young person, and I felt more confident referring this to the MASH.",
    ],
    "MA": [
        "The course encouraged our agency to introduce a system for dealing with allegations, something we did not have before.",
    ],
}

CHARGE_RULES = [
    # Demo assumption: partners who fund the partnership (Appendix 2) train free but pay for empty places.
    (ChargeRule.AgencyType.CONTRIBUTING, None, "0", "50", "25"),
    (ChargeRule.AgencyType.OTHER, None, "40", "40", "40"),
    (ChargeRule.AgencyType.OTHER, "2", "75", "75", "75"),
    (ChargeRule.AgencyType.OTHER, "5b", "75", "75", "75"),
    (ChargeRule.AgencyType.OTHER, "6c", "75", "75", "75"),
]

# The agencies that contribute to the partnership budget in Appendix 2.
CONTRIBUTING = [
    COUNCIL,
    SCHOOLS,
    "NHS Birmingham and Solihull Clinical Commissioning Group",
    POLICE,
    UHB,
    HOUSING,
    PROBATION,
    "Staffordshire and West Midlands Community Rehabilitation Company",
    "Children and Family Court Advisory and Support Service (CAFCASS)",
]

# Staff in referring or conference roles, 2019-20 (demo assumption).
HEADCOUNTS = {
    SCHOOLS: 420,
    COUNCIL: 260,
    POLICE: 150,
    CHILDRENS_HOSPITAL: 120,
    UHB: 90,
    EARLY_YEARS: 80,
    VOLUNTARY: 70,
    MENTAL_HEALTH: 60,
    HOUSING: 40,
    PROBATION: 30,
    FIRE: 20,
}

FIRST_NAMES = ["Amira", "Ben", "Chloe", "Dev", "Ellie", "Farid", "Grace", "Hamza", "Isla", "Jack", "Kavita", "Liam"]
SURNAMES = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fletcher", "Green", "Hughes", "Iqbal", "Jones", "Khan"]
ROLES = [WorkforceRole.REFERRER, WorkforceRole.CONFERENCE, WorkforceRole.REFERRER, WorkforceRole.SUPERVISOR]
UPCOMING = [("1", 21), ("6c", 28), ("5a", 35), ("MA", 42), ("2", 49)]


def scores_averaging(target: Decimal, count: int) -> list[int]:
    """``count`` whole scores (0-10) whose mean rounds half up to ``target`` at one decimal."""
    total = int((target * count).to_integral_value(rounding="ROUND_HALF_UP"))
    base, extra = divmod(total, count)
    scores = [base + 1] * extra + [base] * (count - extra)
    # Spread the answers a little, keeping the total: raise one, lower the next.
    for i in range(0, count - 1, 2):
        if scores[i] < 10 and scores[i + 1] > 0:
            scores[i], scores[i + 1] = scores[i] + 1, scores[i + 1] - 1
    assert ratio_half_up(sum(scores), count) == target, (target, count)
    return scores


def responses_for(attendees: int, share: float) -> int:
    """A response count near ``share`` of attendees whose averages can hit every one-decimal target.

    Over 10 answers, every one-decimal mean is within reach of whole-number totals; at 10 exactly,
    each tenth is a whole total.
    """
    assert attendees >= 10, attendees
    return max(round(attendees * share), 10)


def load_for(partnership) -> None:
    agencies = {a.name: a for a in Agency.objects.filter(partnership=partnership)}
    priorities = {p.slug: p for p in Priority.objects.filter(partnership=partnership)}
    modules = {}
    for code, title, priority, hours, outcomes in MODULES:
        modules[code], _ = Module.objects.get_or_create(
            partnership=partnership,
            code=code,
            defaults={
                "title": title,
                "priority": priorities.get(priority),
                "hours": Decimal(hours),
                "learning_outcomes": outcomes,
                "delivery": Delivery.FACE_TO_FACE,
                # Module 6c teaches the Graded Care Profile 2, whose use agencies return each quarter.
                "tool_return": "gcp2" if code == "6c" else "",
            },
        )
    _load_terms(partnership, agencies, modules)
    sequence = itertools.count(1)
    mixes = {"1": itertools.cycle(EARLY_HELP_SPLIT)}
    absentees = itertools.cycle(GENERAL_MIX)
    for planned in COURSES:
        mix = mixes.setdefault(planned.code, itertools.cycle(GENERAL_MIX))
        # Those who did not attend come from the general mix, so a published split counts attendees only.
        people = [next(mix) for _ in range(planned.attended)] + [next(absentees) for _ in range(planned.did_not_attend)]
        numbers = [next(sequence) for _ in people]
        course = Course.objects.filter(module=modules[planned.code], date=planned.day).first()
        if course is None:
            _create_course(modules[planned.code], planned, agencies, people, numbers)
    for code in NEGLECT_SCORES:
        _evaluate_neglect_module(modules[code])
    for code, statements in IMPACT_STATEMENTS.items():
        _add_impact_statements(modules[code], statements)
    for code, day in CANCELLED:
        _course(modules[code], date.fromisoformat(day), capacity=20, status=CourseStatus.CANCELLED)
    today = timezone.localdate()
    for code, days_ahead in UPCOMING:
        if not modules[code].courses.filter(date__gte=today, status=CourseStatus.SCHEDULED).exists():
            _course(modules[code], today + timedelta(days=days_ahead), capacity=20)


def _load_terms(partnership, agencies, modules) -> None:
    for agency_type, code, place, missed, late in CHARGE_RULES:
        ChargeRule.objects.get_or_create(
            partnership=partnership,
            agency_type=agency_type,
            module=modules[code] if code else None,
            defaults={
                "place_fee": Decimal(place),
                "non_attendance_fee": Decimal(missed),
                "late_cancellation_fee": Decimal(late),
            },
        )
    for name in CONTRIBUTING:
        if name in agencies:
            AgencyTrainingProfile.objects.get_or_create(agency=agencies[name], defaults={"contributes_to_budget": True})
    year = ReportingYear.objects.filter(partnership=partnership, start_year=2019).first()
    if year is not None:
        for name, headcount in HEADCOUNTS.items():
            WorkforceHeadcount.objects.get_or_create(
                agency=agencies[name], reporting_year=year, defaults={"headcount": headcount}
            )


def _course(module, day, *, capacity, status=CourseStatus.SCHEDULED, edition="") -> Course:
    course, _ = Course.objects.get_or_create(
        module=module,
        date=day,
        defaults={
            "edition": edition,
            "start_time": time(9, 30),
            "end_time": time(16, 0) if module.hours >= 6 else time(12, 30),
            "venue": "Solihull Council House, Manor Square, Solihull B91 3QB",
            "trainer": "LSCP training officer",
            "capacity": capacity,
            "booking_deadline": day - timedelta(days=7),
            "status": status,
            "cancellation_reason": PANDEMIC if status == CourseStatus.CANCELLED else "",
        },
    )
    return course


def _create_course(module, planned: PlannedCourse, agencies, people, numbers) -> None:
    course = _course(
        module, planned.day, capacity=max(20, planned.attended + planned.did_not_attend), edition=planned.edition
    )
    booked_at = timezone.make_aware(datetime.combine(planned.day - timedelta(days=30), time(10)))
    delegates = []
    for (agency_name, service), number in zip(people, numbers, strict=True):
        delegate = User(
            email=f"delegate{number:04d}@demo.example",
            full_name=f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {SURNAMES[number // len(FIRST_NAMES) % len(SURNAMES)]}",
            job_title="Designated safeguarding lead" if agency_name == SCHOOLS else "Practitioner",
            agency=agencies[agency_name],
            is_demo_account=True,
        )
        delegate.set_unusable_password()
        delegates.append((delegate, service))
    User.objects.bulk_create([delegate for delegate, _ in delegates])
    bookings = Booking.objects.bulk_create(
        [
            Booking(
                course=course,
                delegate=delegate,
                agency=delegate.agency,
                service=service,
                job_title=delegate.job_title,
                status=BookingStatus.BOOKED,
                booked_at=booked_at + timedelta(minutes=index),
                booked_by=delegate,
                attendance=Attendance.ATTENDED if index < planned.attended else Attendance.DID_NOT_ATTEND,
            )
            for index, (delegate, service) in enumerate(delegates)
        ]
    )
    roles = [_roles(index) for index in range(len(bookings))]
    PersonWorkforceRole.objects.bulk_create(
        [
            PersonWorkforceRole(person=b.delegate, role=role)
            for b, held in zip(bookings, roles, strict=True)
            for role in held
        ]
    )
    BookingWorkforceRole.objects.bulk_create(
        [BookingWorkforceRole(booking=b, role=role) for b, held in zip(bookings, roles, strict=True) for role in held]
    )


def _roles(index: int) -> list[str]:
    """A delegate's roles in safeguarding (demo assumption): every other supervisor also makes referrals."""
    role = ROLES[index % len(ROLES)]
    return [role, WorkforceRole.REFERRER] if role == WorkforceRole.SUPERVISOR and index % 8 == 3 else [role]


YEAR_2019_20 = (date(2019, 4, 1), date(2020, 3, 31))


def _evaluate_neglect_module(module) -> None:
    """Section 3.2's before/after scores, over every 2019-20 attendee of the module."""
    responses = EvaluationResponse.objects.filter(
        booking__course__module=module, booking__course__date__range=YEAR_2019_20
    )
    if responses.exists():
        return
    attendees = list(
        Booking.objects.filter(course__module=module, course__date__range=YEAR_2019_20, attendance=Attendance.ATTENDED)
        .select_related("course")
        .order_by("course__date", "pk")
    )
    before, after = NEGLECT_SCORES[module.code]
    new = []
    for stage, targets, share in ((Stage.PRE, before, 0.9), (Stage.FOLLOW_UP, after, 0.6)):
        count = responses_for(len(attendees), share)
        columns = [scores_averaging(Decimal(target), count) for target in targets]
        # Spread the answers over the module's courses rather than taking the first course's delegates.
        answering = attendees[::2] + attendees[1::2]
        for i, booking in enumerate(answering[:count]):
            day = booking.course.date - timedelta(days=7) if stage == Stage.PRE else add_months(booking.course.date, 3)
            new.append(
                EvaluationResponse(
                    booking=booking,
                    stage=stage,
                    knowledge=columns[0][i],
                    skills=columns[1][i],
                    confidence=columns[2][i],
                    submitted_at=_moment(day),
                )
            )
    EvaluationResponse.objects.bulk_create(new)


def _add_impact_statements(module, statements) -> None:
    """The accounts of practice the report quotes, as three-month answers chosen for the annual report."""
    chosen = EvaluationResponse.objects.filter(booking__course__module=module, chosen_for_annual_report=True)
    if chosen.exists():
        return
    attendees = Booking.objects.filter(
        course__module=module, course__date__range=YEAR_2019_20, attendance=Attendance.ATTENDED
    ).select_related("course")
    EvaluationResponse.objects.bulk_create(
        EvaluationResponse(
            booking=booking,
            stage=Stage.FOLLOW_UP,
            knowledge=8,
            skills=8,
            confidence=9,
            used_in_practice=statement,
            submitted_at=_moment(add_months(booking.course.date, 3)),
            chosen_for_annual_report=True,
        )
        for booking, statement in zip(attendees.order_by("course__date", "pk"), statements, strict=False)
    )


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))
