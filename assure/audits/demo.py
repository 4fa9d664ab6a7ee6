"""Demo audits from Solihull's 2019-20 annual report (sections 3.3.2, 4.2, 4.3 and 4.4.2), in the project's words.

The 2018-19 Section 11 round and its 2019-20 progress update reproduce the report's movement:
8 agencies' returns rated standards Inadequate (11) or Requires improvement (50); of the 11,
3 moved to Good or Outstanding, 6 to Requires improvement and 2 stayed Inadequate (standards
7.5 and 8.6); of the 50, 31 moved to Good or Outstanding, 17 stayed and 2 were found not
relevant. Which agency held which rating is the demo's invention; the totals are the report's.
Moderation of 2018-19 puts each standard needing improvement on the register. In the next round (2021-22, after the
report), one agency has submitted early and waits for moderation; the others have still to submit.
Where a workflow exists (submitting, moderating, recording returns and audits, actions and their progress) the
demo runs it through the services, as of the day it happened. Records are matched on natural keys, so loading
twice changes nothing.
"""

import random
from datetime import date

from assure.actions.selectors import actions_from_source
from assure.actions.services import action_approve_closure, action_progress_record, action_request_closure
from assure.core.models import Agency, Priority, ReportingYear, User
from assure.core.permissions import Role

from . import services
from .models import (
    AuditedCase,
    CaseAgencyAudit,
    CaseAuditFinding,
    CaseAuditProgramme,
    Compliance,
    EducationAudit,
    EducationProvider,
    FindingKind,
    Framework,
    FrameworkKind,
    Grade,
    Inspection,
    InspectionUpdate,
    Inspectorate,
    Rating,
    RatingChange,
    Recommendation,
    Section11Answer,
    Section11ProgressUpdate,
    Section11Round,
    Standard,
    SubJudgement,
    number_sort_key,
)
from .standards import CASE_AUDIT_TOOL, EDUCATION, SECTION_11

S11_AGENCIES = [
    "Solihull Metropolitan Borough Council",
    "West Midlands Police",
    "NHS Birmingham and Solihull Clinical Commissioning Group",
    "University Hospitals Birmingham NHS Foundation Trust",
    "Birmingham Women's and Children's NHS Foundation Trust",
    "Birmingham and Solihull Mental Health NHS Foundation Trust",
    "Coventry and Warwickshire Partnership NHS Trust",
    "Solihull primary care networks",
    "Solihull Community Housing",
    "National Probation Service",
    "Staffordshire and West Midlands Community Rehabilitation Company",
    "UK Visas and Immigration",
    "West Midlands Fire Service",
    "Children and Family Court Advisory and Support Service (CAFCASS)",
]

# The 8 returns with standards needing improvement in 2018-19: (agency, Inadequate standards, number rated RI).
# The first Inadequate standard of housing (8.6) and of the fire service (7.5) stayed Inadequate.
NEEDING_IMPROVEMENT = [
    ("Solihull Community Housing", ["8.6", "9.2"], 8),
    ("West Midlands Fire Service", ["7.5", "8.3"], 7),
    ("UK Visas and Immigration", ["9.1", "7.3"], 6),
    ("Staffordshire and West Midlands Community Rehabilitation Company", ["9.3"], 6),
    ("Solihull primary care networks", ["8.6", "9.4"], 7),
    ("Coventry and Warwickshire Partnership NHS Trust", ["9.1"], 5),
    ("National Probation Service", ["7.3"], 6),
    ("Birmingham and Solihull Mental Health NHS Foundation Trust", [], 5),
]
STAYED_INADEQUATE = {("Solihull Community Housing", "8.6"), ("West Midlands Fire Service", "7.5")}
# Local standards and the child's voice were where the picture was least positive, so RI ratings fall there first.
RI_PREFERENCE = ["9.1", "9.2", "9.3", "9.4", "7.5", "7.3", "8.6", "7.2", "4.2", "8.3", "6.3", "4.3", "5.3", "1.4"]
INADEQUATE_OUTCOMES = [Rating.GOOD, Rating.OUTSTANDING, Rating.GOOD] + [Rating.REQUIRES_IMPROVEMENT] * 6
RI_OUTCOMES = (
    [Rating.GOOD] * 27 + [Rating.OUTSTANDING] * 4 + [Rating.REQUIRES_IMPROVEMENT] * 17 + [Rating.NOT_APPLICABLE] * 2
)

ROUND_NAME = "Section 11 audit 2018-19"
UPDATE_NAME = "2019-20 progress update"
CURRENT_ROUND_NAME = "Section 11 audit 2021-22"


def load_for(partnership) -> None:
    agencies = {agency.name: agency for agency in Agency.objects.filter(partnership=partnership)}
    manager = User.objects.filter(role_assignments__role=Role.PARTNERSHIP_ADMIN, is_demo_account=True).first()
    frameworks = _frameworks(partnership)
    _section_11(partnership, frameworks[FrameworkKind.SECTION_11], agencies, manager)
    _education(partnership, frameworks[FrameworkKind.EDUCATION])
    _case_audit(partnership, frameworks[FrameworkKind.CASE_AUDIT], agencies)
    _inspections(partnership, agencies, manager)


def _frameworks(partnership) -> dict:
    specs = {
        FrameworkKind.SECTION_11: (
            "West Midlands Section 11 standards with Solihull local standards",
            "2018",
            SECTION_11,
        ),
        FrameworkKind.EDUCATION: ("Solihull education safeguarding checklist (s175/s157)", "2019", EDUCATION),
        FrameworkKind.CASE_AUDIT: ("Multi-agency case file audit tool", "2019", CASE_AUDIT_TOOL),
    }
    frameworks = {}
    for kind, (name, version, standards) in specs.items():
        framework, created = Framework.objects.get_or_create(
            partnership=partnership,
            name=name,
            version=version,
            defaults={"kind": kind, "published_on": date(int(version), 4, 1)},
        )
        if created:
            Standard.objects.bulk_create(
                [
                    Standard(
                        framework=framework,
                        number=number,
                        section=section,
                        wording=wording,
                        guidance=guidance,
                        evidence_prompts=prompts,
                        is_local=number.startswith("9.") and kind == FrameworkKind.SECTION_11,
                        sort_key=number_sort_key(number),
                    )
                    for number, section, wording, guidance, prompts in standards
                ]
            )
        frameworks[kind] = framework
    return frameworks


def _ratings_2018(agency_name: str, numbers: list[str], rng: random.Random) -> dict[str, str]:
    """Every standard Good or Outstanding, except those the agency rated Inadequate or Requires improvement."""
    ratings = {number: (Rating.OUTSTANDING if rng.random() < 0.15 else Rating.GOOD) for number in numbers}
    plan = next((p for p in NEEDING_IMPROVEMENT if p[0] == agency_name), None)
    if plan:
        _, inadequate, ri_count = plan
        for number in inadequate:
            ratings[number] = Rating.INADEQUATE
        ri = [n for n in RI_PREFERENCE if n not in inadequate][:ri_count]
        for number in ri:
            ratings[number] = Rating.REQUIRES_IMPROVEMENT
    return ratings


def _section_11(partnership, framework, agencies, manager) -> None:
    if Section11Round.objects.filter(partnership=partnership, name=ROUND_NAME).exists():
        return
    rng = random.Random(2018)
    round_ = services.section11_round_open(
        partnership=partnership,
        name=ROUND_NAME,
        framework=framework,
        opens_on=date(2018, 9, 3),
        deadline=date(2018, 12, 14),
        agencies=[agencies[name] for name in S11_AGENCIES],
    )
    numbers = [s.number for s in framework.standards.all()]
    for section11_return in round_.returns.select_related("agency"):
        ratings = _ratings_2018(section11_return.agency.name, numbers, rng)
        for answer in section11_return.answers.select_related("standard"):
            answer.self_rating = ratings[answer.standard.number]
            answer.narrative = _narrative(answer.self_rating, answer.standard)
            if answer.self_rating in (Rating.GOOD, Rating.OUTSTANDING):
                answer.evidence_held = _evidence_held(answer.standard)
            if answer.self_rating in (Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT):
                answer.planned_action = f"Bring standard {answer.standard.number} up to Good: {_plan(answer.standard)}"
            services.section11_answer_save(answer=answer, today=date(2018, 11, 30))
        services.section11_return_submit(
            section11_return=section11_return, by=None, today=date(2018, 12, 10), **_declaration(section11_return)
        )
    _moderate(round_, manager)
    _progress_update(round_, rng, manager)
    current = _current_round(partnership, framework, round_, agencies)
    _submit_early(current)


def _declaration(section11_return) -> dict:
    return {
        "senior_leader_name": f"The chief officer of {section11_return.agency}",
        "senior_leader_job_title": "Chief officer",
        "approved": True,
    }


def _evidence_held(standard) -> str:
    return f"{standard.prompts[0] if standard.prompts else 'Safeguarding policy'}: held by the safeguarding lead."


def _narrative(rating: str, standard) -> str:
    if rating in (Rating.GOOD, Rating.OUTSTANDING):
        return f"Met across the organisation. {standard.prompts[0] if standard.prompts else 'Evidence held by the safeguarding lead'} available on request."
    return "Partly in place: practice is inconsistent between teams and we cannot yet evidence it."


def _plan(standard) -> str:
    return standard.wording[0].lower() + standard.wording[1:]


def _moderate(round_, manager) -> None:
    """Moderation of every return on 12 February 2019: each standard rated Requires improvement or Inadequate
    agreed as rated, with the agency's plan as the action; the police's return moderated standard by standard, two
    Outstanding self-ratings agreed as Good. Completing it puts each standard needing improvement on the register."""
    moderated_on = date(2019, 2, 12)
    lowered = 0
    for section11_return in round_.returns.select_related("agency"):
        police = section11_return.agency.name == "West Midlands Police"
        for answer in section11_return.answers.select_related("standard"):
            agreed, challenge = answer.self_rating, "Evidence seen at the moderation panel supports the rating."
            if police and answer.self_rating == Rating.OUTSTANDING and lowered < 2:
                agreed = Rating.GOOD
                challenge = "Good practice, but the evidence does not yet show it across every district."
                lowered += 1
            if police or agreed in (Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT):
                services.section11_answer_moderate(
                    answer=answer,
                    by=manager,
                    agreed_rating=agreed,
                    challenge=challenge,
                    agreed_action=answer.planned_action,
                    today=moderated_on,
                )
        services.section11_moderation_complete(section11_return=section11_return, by=manager, today=moderated_on)


def _progress_update(round_, rng, manager) -> None:
    update = Section11ProgressUpdate.objects.create(
        round=round_, name=UPDATE_NAME, requested_on=date(2019, 10, 1), due_on=date(2020, 1, 31)
    )
    answers = list(
        Section11Answer.objects.filter(section11_return__round=round_)
        .filter(self_rating__in=[Rating.INADEQUATE, Rating.REQUIRES_IMPROVEMENT])
        .select_related("standard", "section11_return__agency")
        .order_by("section11_return__agency__name", "standard__sort_key")
    )
    inadequate_outcomes, ri_outcomes = list(INADEQUATE_OUTCOMES), list(RI_OUTCOMES)
    rng.shuffle(inadequate_outcomes)
    rng.shuffle(ri_outcomes)
    changes = []
    for answer in answers:
        if (answer.section11_return.agency.name, answer.standard.number) in STAYED_INADEQUATE:
            rating = Rating.INADEQUATE
        elif answer.self_rating == Rating.INADEQUATE:
            rating = inadequate_outcomes.pop()
        else:
            rating = ri_outcomes.pop()
        changes.append(
            RatingChange(
                progress_update=update,
                answer=answer,
                rating=rating,
                changed_on=date(2020, 1, 20),
                evidence=_update_evidence(answer, rating),
            )
        )
    RatingChange.objects.bulk_create(changes)
    _record_action_progress(changes, manager)


def _update_evidence(answer, rating) -> str:
    number = answer.standard.number
    if rating == Rating.NOT_APPLICABLE:
        return (
            f"On review, standard {number} does not apply: the agency has no direct contact with children in this area."
        )
    if (answer.section11_return.agency.name, number) == ("Solihull Community Housing", "8.6"):
        return (
            "Staff awareness of the NRM is still inconsistent; guidance on staff's role in referrals is being written."
        )
    if (answer.section11_return.agency.name, number) == ("West Midlands Fire Service", "7.5"):
        return (
            "The service does not supervise children directly, so has no way yet to evaluate outcomes from their view."
        )
    if rating in (Rating.GOOD, Rating.OUTSTANDING):
        return f"Standard {number} now met: policy updated, staff briefed, and an audit in December 2019 confirmed it in practice."
    return f"Work on standard {number} has started but is not complete; the agency expects to meet it during 2020-21."


def _record_action_progress(changes, manager) -> None:
    """Each action gets the update's evidence; those now Good, Outstanding or not relevant are asked to close
    with it, and the business manager approves the closure."""
    for change in changes:
        action = actions_from_source(change.answer).get()
        action_progress_record(action=action, by=manager, text=change.evidence, today=change.changed_on)
        if change.rating in (Rating.GOOD, Rating.OUTSTANDING, Rating.NOT_APPLICABLE):
            action_request_closure(action=action, by=None, evidence=change.evidence, today=date(2020, 1, 24))
            action_approve_closure(action=action, by=manager, today=date(2020, 2, 11))


def _current_round(partnership, framework, previous_round, agencies):
    """The next triennial round, open: each agency starts from where its ratings stood after the update."""
    return services.section11_round_open(
        partnership=partnership,
        name=CURRENT_ROUND_NAME,
        framework=framework,
        opens_on=date(2021, 9, 6),
        deadline=date(2021, 12, 17),
        agencies=[agencies[name] for name in S11_AGENCIES],
        previous_round=previous_round,
    )


def _submit_early(current) -> None:
    """One agency submits the current round before its deadline, ready to moderate: the first (in the list's order)
    still holding an open action from 2018-19, apart from housing, whose standard 8.6 stays Inadequate. It has
    improved every standard it still had to: each is now Good, with evidence, which leaves its open actions
    without a purpose once moderation agrees."""
    earlier = Section11Answer.objects.filter(
        section11_return__round=current.previous_round, self_rating__in=[Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE]
    ).select_related("section11_return__agency")
    holders = {
        answer.section11_return.agency.name
        for answer in earlier
        if actions_from_source(answer).filter(closed_on__isnull=True).exists()
    }
    name = next(name for name in S11_AGENCIES if name in holders and name != "Solihull Community Housing")
    section11_return = current.returns.get(agency__name=name)
    checked_on = date(2021, 11, 26)
    for answer in section11_return.answers.select_related("standard"):
        if answer.self_rating in ("", Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE):
            answer.self_rating = Rating.GOOD
            answer.narrative = (
                "Now met: the policy is updated, staff are briefed, and our audit in October 2021 found it in practice."
            )
            answer.evidence_held = f"Safeguarding audit report, October 2021, standard {answer.standard.number}: held by the safeguarding lead."
        elif answer.self_rating in (Rating.GOOD, Rating.OUTSTANDING) and not answer.evidence_held:
            answer.evidence_held = _evidence_held(answer.standard)
        services.section11_answer_save(answer=answer, today=checked_on)
    services.section11_return_submit(
        section11_return=section11_return, by=None, today=date(2021, 12, 10), **_declaration(section11_return)
    )


# Education

PLACES = [
    "Arden",
    "Balsall",
    "Berkswell",
    "Bickenhill",
    "Blossomfield",
    "Castle Bromwich",
    "Chelmsley",
    "Dorridge",
    "Elmdon",
    "Hampton",
    "Hockley Heath",
    "Kingshurst",
    "Knowle",
    "Lyndon",
    "Marston Green",
    "Meriden",
    "Monkspath",
    "Olton",
    "Shirley",
    "Smith's Wood",
    "Sharmans Cross",
    "Tidbury Green",
    "Widney",
    "Yew Tree",
]
# (provider type, phase, how many, name endings): 91 providers in all, as in the report.
PROVIDER_MIX = [
    ("maintained", "primary", 45, ["Primary School", "Junior and Infant School"]),
    ("academy", "primary", 14, ["Primary Academy"]),
    ("maintained", "nursery", 2, ["Nursery School"]),
    ("maintained", "secondary", 2, ["Secondary School"]),
    ("academy", "secondary", 12, ["Academy"]),
    ("maintained", "special", 3, ["Special School"]),
    ("academy", "special", 2, ["Special Academy"]),
    ("maintained", "alternative", 1, ["Pupil Referral Unit"]),
    ("independent", "all_through", 3, ["School (independent)"]),
    ("independent", "primary", 2, ["Preparatory School"]),
    ("independent", "secondary", 1, ["High School (independent)"]),
    ("post_16", "post_16", 4, ["Sixth Form College"]),
]


def _education(partnership, checklist) -> None:
    year = ReportingYear.objects.get(partnership=partnership, start_year=2019)
    if EducationAudit.objects.filter(partnership=partnership, reporting_year=year).exists():
        return
    providers, serial = [], 0
    for provider_type, phase, count, endings in PROVIDER_MIX:
        for index in range(serial, serial + count):
            providers.append(
                EducationProvider(
                    partnership=partnership,
                    name=f"{PLACES[index % len(PLACES)]} {endings[(index // len(PLACES)) % len(endings)]}",
                    provider_type=provider_type,
                    phase=phase,
                    urn=f"1{index:05d}",
                    safeguarding_lead_email=f"dsl{index:03d}@schools.demo.example",
                )
            )
        serial += count
    EducationProvider.objects.bulk_create(providers)
    audit = services.education_audit_open(
        partnership=partnership,
        reporting_year=year,
        checklist=checklist,
        opens_on=date(2019, 9, 16),
        deadline=date(2019, 12, 13),
    )
    items = list(checklist.standards.all())
    rng = random.Random(175)
    for education_return in audit.returns.all():
        returned_on = date(2019, 12, rng.randint(2, 13))
        answers = {}
        for item in items:
            roll = rng.random()
            compliance = (
                Compliance.MET if roll < 0.985 else Compliance.PARTLY_MET if roll < 0.997 else Compliance.NOT_MET
            )
            answers[item] = (compliance, "")
        services.education_return_record(education_return=education_return, answers=answers, returned_on=returned_on)


# Multi-agency case file audit 2019-20

CASE_AUDIT_NAME = "Multi-agency case file audit 2019-20"
# Agencies that audit their own records of every case (schools join for the children they teach).
CASE_AUDITORS = [
    "Solihull Metropolitan Borough Council",
    "West Midlands Police",
    "Birmingham Women's and Children's NHS Foundation Trust",
    "Solihull schools and colleges",
]
STRENGTHS = [
    "Progress since earlier audits, most of all in the response to exploitation.",
    "Agencies know the threshold guidance well and apply it consistently.",
    "Frontline staff go out of their way to build relationships with children, so they speak confidently about each child's daily life and keep the child at the centre.",
    "Some agencies challenge each other well when they are worried about wider exploitation.",
]
IMPROVEMENTS = [
    (
        "exploitation",
        "Exploitation cases are not yet looked at through a contextual safeguarding lens, and practitioners need help to do so.",
    ),
    (
        "exploitation",
        "Practitioners lack confidence in tackling criminal exploitation when a young person's safety is at risk.",
    ),
    ("exploitation", "Language that blames the victim still appears in some exploitation records."),
    ("exploitation", "Not every agency is represented in the MASH."),
    ("exploitation", "Some agencies do not know the operational processes set up to respond to exploitation."),
    ("neglect", "Graded Care Profile 2 and the early help assessment tool are not yet used routinely."),
    (
        "early-help",
        "Where a child is said to be non-verbal, too little is done to understand their wishes and feelings.",
    ),
]
RECOMMENDATIONS = [
    (
        "Review which partners are represented in the MASH, and how.",
        "Solihull Metropolitan Borough Council",
        "exploitation",
    ),
    (
        "Promote the exploitation screening tool, make the operational response to exploitation concerns clear to every agency, and put the partnership's language guidance into practice.",
        "West Midlands Police",
        "exploitation",
    ),
    (
        "Embed Graded Care Profile 2 and the early help assessment tool further.",
        "Solihull Metropolitan Borough Council",
        "neglect",
    ),
    (
        "Train practitioners on what makes a good quality referral to the MASH.",
        "Solihull Metropolitan Borough Council",
        "early-help",
    ),
    (
        "Challenge agencies more when they record that a child is non-verbal, so the child's voice is still heard.",
        "Birmingham Women's and Children's NHS Foundation Trust",
        "early-help",
    ),
]


def _case_audit(partnership, tool, agencies) -> None:
    year = ReportingYear.objects.get(partnership=partnership, start_year=2019)
    if CaseAuditProgramme.objects.filter(partnership=partnership, name=CASE_AUDIT_NAME).exists():
        return
    priorities = {p.slug: p for p in Priority.objects.filter(partnership=partnership)}
    programme = CaseAuditProgramme.objects.create(
        partnership=partnership,
        reporting_year=year,
        name=CASE_AUDIT_NAME,
        tool=tool,
        learning_event_on=date(2019, 11, 28),
        learning_event_summary="Auditors and practitioners from each agency met to test the findings and agree the areas for improvement.",
    )
    programme.themes.set(priorities.values())
    themes = ["early-help", "neglect", "exploitation"]
    # 24 cases, 8 per priority; the deep dive took 6 of them, 3 about exploitation.
    deep_dive = {"exploitation": 3, "neglect": 2, "early-help": 1}
    rng = random.Random(2019)
    questions = list(tool.standards.all())
    grades = [Grade.GOOD] * 4 + [Grade.ADEQUATE] * 4 + [Grade.REQUIRES_IMPROVEMENT] * 2 + [Grade.INADEQUATE]
    for number in range(1, 25):
        theme = themes[(number - 1) % 3]
        case = AuditedCase.objects.create(
            programme=programme,
            reference=f"CA-2019-{number:02d}",
            theme=priorities[theme],
            deep_dive=deep_dive[theme] > 0 and number > 15,
        )
        if case.deep_dive:
            deep_dive[theme] -= 1
        for agency_name in CASE_AUDITORS[: 3 + number % 2]:
            agency_audit = CaseAgencyAudit.objects.create(case=case, agency=agencies[agency_name])
            services.case_agency_audit_record(
                agency_audit=agency_audit,
                answers={
                    question: (
                        rng.choice(grades),
                        "The child's own words are recorded at each visit." if question.number == "3" else "",
                    )
                    for question in questions
                },
                by=None,
                today=date(2019, 10, 1 + number),
            )
    CaseAuditFinding.objects.bulk_create(
        [CaseAuditFinding(programme=programme, kind=FindingKind.STRENGTH, text=text) for text in STRENGTHS]
        + [
            CaseAuditFinding(programme=programme, kind=FindingKind.IMPROVEMENT, theme=priorities[slug], text=text)
            for slug, text in IMPROVEMENTS
        ]
    )
    for number, (text, agency_name, slug) in enumerate(RECOMMENDATIONS, start=1):
        recommendation = Recommendation.objects.create(programme=programme, number=number, text=text)
        services.recommendation_to_action(
            recommendation=recommendation,
            text=text,
            agency=agencies[agency_name],
            due_date=date(2021, 3, 31),
            priority=priorities[slug],
            today=programme.learning_event_on,
        )


# Inspections and the peer review


def _inspections(partnership, agencies, manager) -> None:
    if Inspection.objects.filter(partnership=partnership).exists():
        return
    council = agencies["Solihull Metropolitan Borough Council"]
    ofsted = Inspection.objects.create(
        partnership=partnership,
        inspectorate=Inspectorate.OFSTED,
        title="Inspection of local authority children's services (ILACS)",
        service="Children's social care",
        agency=council,
        # The report gives November 2019 and publication in January 2020; the exact days are the demo's.
        started_on=date(2019, 11, 11),
        ended_on=date(2019, 11, 22),
        published_on=date(2020, 1, 14),
        overall_judgement=Rating.REQUIRES_IMPROVEMENT,
        report_url="https://files.ofsted.gov.uk/v1/file/50141244",
        summary=(
            "A strengthened multi-agency front door and a reshaped early help offer are making a difference early for "
            "many families, and children at immediate risk get a quick response. Some plans move too slowly, with drift "
            "and delay in a few cases. Adoption services were judged good. For the partnership: strategy meetings are "
            "delayed, mostly because police are not available, and too few children who go missing are interviewed when "
            "they return, so too little is known to protect them."
        ),
    )
    SubJudgement.objects.bulk_create(
        [
            SubJudgement(
                inspection=ofsted,
                area="The impact of leaders on social work practice with children and families",
                judgement=Rating.REQUIRES_IMPROVEMENT,
            ),
            SubJudgement(
                inspection=ofsted,
                area="The experiences and progress of children who need help and protection",
                judgement=Rating.REQUIRES_IMPROVEMENT,
            ),
            SubJudgement(
                inspection=ofsted,
                area="The experiences and progress of children in care and care leavers",
                judgement=Rating.GOOD,
            ),
        ]
    )
    for number, (text, agency_name, action_text) in enumerate(
        [
            (
                "Make sure child protection strategy meetings happen without delay, with police present.",
                "West Midlands Police",
                "Agree police attendance at strategy meetings, and report delays to the partnership each quarter.",
            ),
            (
                "Make sure children who go missing are offered and receive a return home interview, and that what they say informs plans.",
                "Solihull Metropolitan Borough Council",
                "Raise the take-up of return home interviews and share what children say with the exploitation group.",
            ),
        ],
        start=1,
    ):
        recommendation = Recommendation.objects.create(inspection=ofsted, number=number, text=text)
        services.recommendation_to_action(
            recommendation=recommendation,
            text=action_text,
            agency=agencies[agency_name],
            due_date=date(2020, 9, 30),
            today=ofsted.published_on,
        )
    InspectionUpdate.objects.create(
        inspection=ofsted,
        received_on=date(2020, 3, 5),
        received_by="Safeguarding partners' executive",
        summary="The executive was sighted on the children's services improvement plan and will receive progress updates through 2020-21.",
    )
    Inspection.objects.create(
        partnership=partnership,
        inspectorate=Inspectorate.CQC,
        title="Inspection of Birmingham Women's and Children's NHS Foundation Trust",
        service="Acute and specialist children's hospital services",
        agency=agencies["Birmingham Women's and Children's NHS Foundation Trust"],
        started_on=date(2019, 4, 2),
        ended_on=date(2019, 5, 23),
        overall_judgement=Rating.GOOD,
        report_url="https://api.cqc.org.uk/public/v1/reports/6e64e0ee-57a8-46cc-8575-7c2aa4561daa?20200309120709",
        summary="Rated Good overall, with outstanding practice in parts of Birmingham Children's Hospital, which Solihull children may use.",
    )
    _peer_review(partnership, council, manager)


PEER_REVIEW_RECOMMENDATIONS = [
    (
        "Finalise a robust multi-agency performance framework so the partnership understands the system's strengths and issues.",
        "Agree the partnership dataset and publish a multi-agency dashboard each quarter.",
    ),
    (
        "Focus more on evidencing impact and outcomes: what difference the partnership has made.",
        "Add impact measures to each priority's plan and report them to the executive.",
    ),
    (
        "Simplify how the structures are explained, especially the diagram of the model.",
        "Publish a one-page explanation of the arrangements and test it with practitioners.",
    ),
    (
        "Invest time and resources in communications, so partners know the partnership's role, priorities and impact.",
        "Write and deliver a communications plan, including a newsletter and a refreshed website.",
    ),
]


def _peer_review(partnership, council, manager) -> None:
    review = Inspection.objects.create(
        partnership=partnership,
        inspectorate=Inspectorate.PEER_REVIEW,
        title="Peer challenge of the new safeguarding arrangements",
        service="Safeguarding children partnership",
        started_on=date(2019, 10, 8),
        ended_on=date(2019, 10, 10),
        report_url="https://solihulllscp.co.uk/media/upload/fck/SolihullLSCPPeerChallenge.pdf",
        summary="Engagement from all partners and at every level is good, a strong platform for the new arrangements.",
    )
    for number, (text, action_text) in enumerate(PEER_REVIEW_RECOMMENDATIONS, start=1):
        recommendation = Recommendation.objects.create(inspection=review, number=number, text=text)
        action = services.recommendation_to_action(
            recommendation=recommendation,
            text=action_text,
            agency=council,
            due_date=date(2021, 3, 31),
            today=review.ended_on,
        )
        action_progress_record(
            action=action,
            by=manager,
            text="Action plan agreed by the safeguarding partners; delivery planned through 2020-21.",
            today=date(2020, 3, 10),
        )
    # The simpler explanation of the arrangements was published within the year.
    simpler = actions_from_source(review.recommendations.get(number=3)).get()
    action_request_closure(
        action=simpler,
        by=None,
        evidence="One-page explanation published on the website and used in induction; practitioners tested it.",
        today=date(2020, 3, 16),
    )
    action_approve_closure(action=simpler, by=manager, today=date(2020, 3, 25))
