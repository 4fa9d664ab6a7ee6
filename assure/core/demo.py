"""The demonstration partnership, from Solihull's 2019-20 annual report (section 2).

Records are matched on natural keys, so loading twice changes nothing.
"""

from dataclasses import dataclass

from .models import Agency, Partnership, Priority, ReportingYear, RoleAssignment, Sector, User
from .permissions import Role

PARTNERSHIP_NAME = "Solihull Safeguarding Children Partnership"

REPORTING_YEARS = [
    # The report gives 46,950 for 2019-20 (3,061 referrals = 652 per 10,000); earlier years are the
    # demo's assumptions, chosen to give the report's published rates.
    (2017, 46_400, "Demo assumption: gives Appendix 3's 661 referrals per 10,000"),
    (2018, 46_700, "Demo assumption: gives Appendix 3's 711 referrals per 10,000"),
    (2019, 46_950, "ONS mid-2019 estimate, as used in the 2019-20 annual report"),
]

AGENCIES = [
    ("Solihull Metropolitan Borough Council", Sector.LOCAL_AUTHORITY, True),
    ("West Midlands Police", Sector.POLICE, True),
    ("NHS Birmingham and Solihull Clinical Commissioning Group", Sector.HEALTH, True),
    ("University Hospitals Birmingham NHS Foundation Trust", Sector.HEALTH, False),
    ("Birmingham Women's and Children's NHS Foundation Trust", Sector.HEALTH, False),
    ("Birmingham and Solihull Mental Health NHS Foundation Trust", Sector.HEALTH, False),
    ("Coventry and Warwickshire Partnership NHS Trust", Sector.HEALTH, False),
    ("Solihull primary care networks", Sector.HEALTH, False),
    ("Solihull Community Housing", Sector.HOUSING, False),
    ("National Probation Service", Sector.PROBATION, False),
    ("Staffordshire and West Midlands Community Rehabilitation Company", Sector.PROBATION, False),
    ("UK Visas and Immigration", Sector.OTHER, False),
    ("West Midlands Fire Service", Sector.OTHER, False),
    ("Children and Family Court Advisory and Support Service (CAFCASS)", Sector.OTHER, False),
    ("Solihull schools and colleges", Sector.EDUCATION, False),
    ("Early years settings (non-maintained)", Sector.EDUCATION, False),
    ("Voluntary and third sector organisations", Sector.VOLUNTARY, False),
]

PRIORITIES = [
    (
        "Early help",
        "early-help",
        "Embed the early help assessment tool and make sure families get the right help at the right time.",
    ),
    (
        "Neglect",
        "neglect",
        "Improve outcomes for neglected children, promote the Graded Care Profile 2 and multi-agency training.",
    ),
    (
        "Exploitation",
        "exploitation",
        "Assure the multi-agency response to children at risk of sexual and criminal exploitation.",
    ),
]


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    full_name: str
    job_title: str
    agency: str


DEMO_ACCOUNTS = [
    DemoAccount(
        Role.PARTNERSHIP_ADMIN,
        "business.manager@demo.example",
        "Bea Manager",
        "LSCP business manager",
        "Solihull Metropolitan Borough Council",
    ),
    DemoAccount(
        Role.ANALYST,
        "analyst@demo.example",
        "Ade Analyst",
        "Performance analyst",
        "Solihull Metropolitan Borough Council",
    ),
    DemoAccount(Role.AGENCY_LEAD, "police.lead@demo.example", "Pat Lead", "Safeguarding lead", "West Midlands Police"),
    DemoAccount(
        Role.LADO,
        "lado@demo.example",
        "Lee Officer",
        "Local authority designated officer",
        "Solihull Metropolitan Borough Council",
    ),
    DemoAccount(
        Role.REVIEW_PANEL,
        "review.panel@demo.example",
        "Robin Panel",
        "Deputy director of nursing and quality",
        "NHS Birmingham and Solihull Clinical Commissioning Group",
    ),
    DemoAccount(
        Role.LEAD_PARTNER,
        "lead.council@demo.example",
        "Cal Chief",
        "Chief executive",
        "Solihull Metropolitan Borough Council",
    ),
    DemoAccount(
        Role.LEAD_PARTNER,
        "lead.police@demo.example",
        "Pam Commander",
        "Chief superintendent, delegate of the chief constable",
        "West Midlands Police",
    ),
    DemoAccount(
        Role.LEAD_PARTNER,
        "lead.health@demo.example",
        "Hal Nurse",
        "Chief nurse",
        "NHS Birmingham and Solihull Clinical Commissioning Group",
    ),
    DemoAccount(
        Role.SCRUTINEER,
        "scrutineer@demo.example",
        "Sam Scrutineer",
        "Independent scrutineer",
        "Solihull Metropolitan Borough Council",
    ),
    DemoAccount(
        Role.PRACTITIONER,
        "practitioner@demo.example",
        "Kim Practitioner",
        "Designated safeguarding lead (school)",
        "Solihull schools and colleges",
    ),
]


def load(*, password: str) -> Partnership:
    partnership, _ = Partnership.objects.get_or_create(name=PARTNERSHIP_NAME, defaults={"area": "Solihull"})
    years = {}
    for start_year, population, source in REPORTING_YEARS:
        years[start_year], _ = ReportingYear.objects.get_or_create(
            partnership=partnership,
            start_year=start_year,
            defaults={"population_0_17": population, "population_source": source},
        )
    agencies = {}
    for name, sector, statutory in AGENCIES:
        agencies[name], _ = Agency.objects.get_or_create(
            partnership=partnership, name=name, defaults={"sector": sector, "is_statutory_partner": statutory}
        )
    for name, slug, description in PRIORITIES:
        Priority.objects.get_or_create(
            partnership=partnership,
            slug=slug,
            defaults={"name": name, "description": description, "first_year": years[2017]},
        )
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                account.email,
                password,
                full_name=account.full_name,
                job_title=account.job_title,
                agency=agencies[account.agency],
                is_demo_account=True,
            )
        RoleAssignment.objects.get_or_create(
            user=user,
            role=account.role,
            ended_on=None,
            agency=agencies[account.agency] if account.role in (Role.AGENCY_LEAD, Role.LEAD_PARTNER) else None,
        )
    return partnership
