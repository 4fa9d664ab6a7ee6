"""The demonstration partnership's LADO work, reproducing section 4.4.1 of Solihull's 2019-20 annual report.

2017-18 and 2018-19 are entered as the LADO's published aggregate figures; 2019-20 is built from allegation records,
run through the LADO's workflows as of their historic dates. Together they give the report's tables exactly: 94 / 79
/ 47 referred; 106 / 91 / 50 concluded with the band counts 32-58-13-3, 33-44-12-2 and 15-26-7-2; the outcomes, with
substantiated and false "not collated" in 2017-18. The LADO confirms each year's figures in May 2020.

Demo assumptions (the report does not say; shared/reference/tables.md):
- Of the 50 cases concluded in 2019-20, 11 were referred in 2018-19: the 2 that took more than 12 months, the 7 that
  took 3 to 12 months, and 2 of the 26 that took 1 to 3 months (referred in March 2019). The other 39 were referred
  in 2019-20: 15 concluded within 1 month (8 of them with no further action after initial consideration) and 24
  within 1 to 3 months.
- The remaining 8 of the 47 referred in 2019-20 were still open on 31 March 2020 (and stay open in the demo).
- Sectors, referrers, categories of abuse, children's age bands and the adults are made up, in fixed rotations.
- The expectation quoted by the report, 90 % of concluded cases within 3 months, is the target for all three years.
- No case notes: notes are append-only in the database, and the demo is reloaded into emptied test databases.
"""

from datetime import date, timedelta
from itertools import cycle

from assure.core.models import Partnership, User
from assure.core.permissions import Role
from assure.core.selectors import holders_of

from . import services
from .models import (
    AbuseCategory,
    AgeBand,
    Allegation,
    Consultation,
    Criterion,
    EmploymentSector,
    EnteredYearFigures,
    InitialDecision,
    Meeting,
    Outcome,
    ReferrerKind,
    TimescaleTarget,
    YearConfirmation,
)

PUBLISHED = "Solihull LSCP annual report 2019-20, section 4.4.1"

ENTERED = {
    2017: {
        "referred": 94,
        "within_1_month": 32,
        "within_3_months": 58,
        "within_12_months": 13,
        "over_12_months": 3,
        "no_further_action": 1,
        "substantiated": None,
        "false": None,
        "unfounded": 12,
        "unsubstantiated": 15,
        "malicious": 1,
    },
    2018: {
        "referred": 79,
        "within_1_month": 33,
        "within_3_months": 44,
        "within_12_months": 12,
        "over_12_months": 2,
        "no_further_action": 3,
        "substantiated": 37,
        "false": 0,
        "unfounded": 5,
        "unsubstantiated": 18,
        "malicious": 2,
    },
}
THREE_MONTH_TARGET = 90
TARGET_SOURCE = (
    "The expectation quoted in the 2019-20 annual report, confirmed by Keeping Children Safe in Education 2019"
)
CONFIRMED_ON = date(2020, 5, 15)

SECTORS = [
    EmploymentSector.EDUCATION,
    EmploymentSector.EDUCATION,
    EmploymentSector.EARLY_YEARS,
    EmploymentSector.SOCIAL_CARE,
    EmploymentSector.FOSTER_CARER,
    EmploymentSector.EDUCATION,
    EmploymentSector.HEALTH,
    EmploymentSector.RESIDENTIAL_CARE,
    EmploymentSector.SPORT,
    EmploymentSector.POLICE,
    EmploymentSector.EDUCATION,
    EmploymentSector.FAITH,
    EmploymentSector.VOLUNTARY,
    EmploymentSector.TRANSPORT,
    EmploymentSector.OTHER,
]
REFERRERS = [
    ReferrerKind.EMPLOYER,
    ReferrerKind.EMPLOYER,
    ReferrerKind.POLICE,
    ReferrerKind.SOCIAL_CARE,
    ReferrerKind.PARENT,
    ReferrerKind.EMPLOYER,
    ReferrerKind.HEALTH,
    ReferrerKind.CHILD,
    ReferrerKind.EDUCATION,
    ReferrerKind.OTHER_AREA,
]
ROLES = {
    EmploymentSector.EDUCATION: ("Teaching assistant", "A Solihull primary school"),
    EmploymentSector.EARLY_YEARS: ("Nursery practitioner", "A day nursery"),
    EmploymentSector.SOCIAL_CARE: ("Family support worker", "Children's services"),
    EmploymentSector.FOSTER_CARER: ("Foster carer", "An independent fostering agency"),
    EmploymentSector.HEALTH: ("Healthcare assistant", "A hospital trust"),
    EmploymentSector.RESIDENTIAL_CARE: ("Residential care worker", "A children's home"),
    EmploymentSector.SPORT: ("Football coach", "A junior football club"),
    EmploymentSector.POLICE: ("Police constable", "West Midlands Police"),
    EmploymentSector.FAITH: ("Youth leader", "A place of worship"),
    EmploymentSector.VOLUNTARY: ("Volunteer mentor", "A youth charity"),
    EmploymentSector.TRANSPORT: ("School transport driver", "A taxi firm"),
    EmploymentSector.OTHER: ("Tutor", "A private tuition centre"),
}
FIRST_NAMES = ["Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Terry", "Jamie", "Morgan", "Casey", "Drew", "Frankie"]
SURNAMES = ["Ashdown", "Birchley", "Coleshill", "Dorridge", "Elmdon", "Fordbridge", "Hockley", "Knowle", "Marston"]


def _planned_cases() -> list[dict]:
    """Each 2019-20 case: received, outcome (or None for the 8 open), how it ended."""
    cases = []
    # Referred in 2018-19, concluded in 2019-20.
    cases += [{"received": date(2018, 12, 3), "days": 378}, {"received": date(2019, 1, 14), "days": 392}]
    cases += [{"received": date(2019, 1, 7) + timedelta(days=7 * i), "days": 150} for i in range(7)]
    cases += [{"received": date(2019, 3, 11), "days": 50}, {"received": date(2019, 3, 18), "days": 50}]
    # Referred and concluded in 2019-20: 15 within 1 month, the first 8 with no further action, then 24 in 1-3 months.
    for i in range(15):
        cases.append({"received": date(2019, 4, 8) + timedelta(days=20 * i), "days": 20, "no_further_action": i < 8})
    cases += [{"received": date(2019, 4, 15) + timedelta(days=11 * i), "days": 60} for i in range(24)]
    # Referred in 2019-20 and open on 31 March 2020.
    cases += [{"received": date(2020, 1, 20) + timedelta(days=7 * i), "days": None} for i in range(8)]
    outcomes = _outcome_rotation({Outcome.SUBSTANTIATED: 19, Outcome.UNSUBSTANTIATED: 20, Outcome.UNFOUNDED: 3})
    for case in cases:
        if case["days"] is not None and not case.get("no_further_action"):
            case["outcome"] = next(outcomes)
    return cases


def _outcome_rotation(counts: dict):
    left = dict(counts)
    while any(left.values()):
        for outcome in counts:
            if left[outcome]:
                left[outcome] -= 1
                yield outcome


def load_for(partnership: Partnership) -> None:
    lado = holders_of(Role.LADO).filter(agency__partnership=partnership).first()
    if lado is None:
        return
    for start_year, figures in ENTERED.items():
        EnteredYearFigures.objects.get_or_create(
            partnership=partnership, start_year=start_year, defaults={**figures, "source": PUBLISHED}
        )
    for start_year in (2017, 2018, 2019):
        TimescaleTarget.objects.get_or_create(
            partnership=partnership,
            start_year=start_year,
            within_months=3,
            defaults={"percent": THREE_MONTH_TARGET, "source": TARGET_SOURCE},
        )
    if not Allegation.objects.filter(partnership=partnership).exists():
        _load_cases(partnership, lado)
    for start_year in (2017, 2018, 2019):
        if not YearConfirmation.objects.filter(partnership=partnership, start_year=start_year).exists():
            services.year_confirm(partnership=partnership, start_year=start_year, by=lado, today=CONFIRMED_ON)


def _load_cases(partnership: Partnership, lado: User) -> None:
    criteria = list(Criterion.objects.filter(applies_from__lte=date(2019, 4, 1)))
    sectors, referrers = cycle(SECTORS), cycle(REFERRERS)
    categories, age_bands = cycle(AbuseCategory.values), cycle(AgeBand.values[:4])
    agencies = list(partnership.agencies.filter(active=True).order_by("name"))
    for number, case in enumerate(_planned_cases(), start=1):
        received = case["received"]
        sector = next(sectors)
        role, employer = ROLES[sector]
        consultation = _consultation(partnership, lado, received, number) if number % 12 == 0 else None
        allegation = services.allegation_save(
            allegation=Allegation(
                partnership=partnership,
                received_on=received,
                referrer_kind=next(referrers),
                adult_name=f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {SURNAMES[number % len(SURNAMES)]}",
                adult_date_of_birth=date(1965 + number % 30, 1 + number % 12, 1 + number % 28),
                adult_role=role,
                employer=employer,
                employment_sector=sector,
                abuse_category=next(categories),
                # Every fifth employer took longer than the working day the guidance allows.
                employer_aware_on=received - timedelta(days=6 if number % 5 == 0 else 0),
            ),
            by=lado,
            criteria=criteria[: 1 + number % len(criteria)],
            summary="A made-up concern for the demonstration.",
            child_age_band=next(age_bands),
            consultation=consultation,
        )
        considered = received + timedelta(days=2)
        if case.get("no_further_action"):
            services.initial_consideration_record(
                allegation=allegation,
                on=received + timedelta(days=case["days"]),
                decision=InitialDecision.NO_FURTHER_ACTION,
                by=lado,
            )
            continue
        services.initial_consideration_record(
            allegation=allegation, on=considered, decision=InitialDecision.MEETING, by=lado
        )
        meeting = Meeting(
            allegation=allegation,
            held_on=considered + timedelta(days=5),
            other_attendees="The employer's designated safeguarding lead",
            follow_up_on=considered + timedelta(days=33),
        )
        meeting.decisions = "Made-up decisions for the demonstration."
        meeting.full_clean()
        meeting.save()
        meeting.agencies.set(agencies[number % len(agencies) : number % len(agencies) + 2])
        if case["days"] is None:
            continue
        outcome_on = received + timedelta(days=case["days"])
        services.outcome_record(allegation=allegation, outcome=case["outcome"], outcome_on=outcome_on, by=lado)
        services.allegation_close(allegation=allegation, closed_on=outcome_on + timedelta(days=7), by=lado)


def _consultation(partnership, lado, received, number) -> Consultation:
    return services.consultation_save(
        consultation=Consultation(
            partnership=partnership,
            received_on=received - timedelta(days=3),
            enquirer_sector=EmploymentSector.EDUCATION,
            enquirer_role="Designated safeguarding lead",
            adult_name=f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {SURNAMES[number % len(SURNAMES)]}",
        ),
        by=lado,
        concern="A made-up concern for the demonstration.",
        advice="Made-up advice: refer to the LADO for initial consideration.",
    )
