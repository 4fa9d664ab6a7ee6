"""The demo partnership's governance, from Solihull LSCP's 2019-20 annual report.

Sections 3.1 to 3.3 give the priorities with their achievements, what needs to improve and the assurance they could
or could not give; section 4.4 the core business; section 1.4 the topic matrix; section 6 the children's words;
section 7 the challenge to partners for 2020-21; Appendix 2 the budget, to the pound. Appendix 1 (the structure) is
an image lost from the text: the groups are those decisions.md section 8 names. Where the report is silent (dates of
meetings, who attended, invoices and payments, the consultations' sizes and settings, the challenges between
partners, the scrutineer's assessment) the records are the demo's assumptions.

The judgements are drafted from the other apps' demo records and confirmed by the business manager as the report
did, LADO timeliness with a rationale. Workflows run through the services as of their historic dates. Records are
matched on natural keys, so loading twice changes nothing.
"""

from datetime import date
from decimal import Decimal

from assure.actions.services import action_approve_closure, action_request_closure
from assure.core.models import Agency, Priority, RoleAssignment, User
from assure.core.permissions import Role

from . import rules, services
from .models import (
    Arrangements,
    AssuranceStatement,
    BudgetLine,
    Capacity,
    ChallengeStatement,
    ChildQuote,
    Consultation,
    CoreArea,
    EvidenceRule,
    Group,
    GroupKind,
    InKindContribution,
    LineKind,
    Meeting,
    MemberKind,
    Membership,
    Outcome,
    PriorityIndicator,
    PriorityYear,
    RollOver,
    RuleKind,
    ScrutinyAssessment,
    Topic,
    YouSaidWeDid,
)

YEAR = 2019
COUNCIL = "Solihull Metropolitan Borough Council"
POLICE = "West Midlands Police"
CCG = "NHS Birmingham and Solihull Clinical Commissioning Group"

PLANS = {
    "early-help": {
        "why_chosen": "Working Together 2018 requires an early help assessment process; the LSCB's 2018-19 report "
        "found early help tools were needed to assess need, share information and evidence outcomes.",
        "lead_partner": COUNCIL,
        "outcomes_sought": "The early help assessment tool is embedded in frontline practice\n"
        "Children and families get the right help at the right time, before needs escalate",
        "achievements": "Early help module 1 delivered since November 2019: 46 practitioners on 5 courses\n"
        "A single front door in the MASH responds to families at Levels 2, 3 and 4\n"
        "Two new family support teams; Ofsted found the reorganised early help provision a strength\n"
        "Rigorous screening at the front door reduced referrals for social work assessment",
        "to_improve": "17% of children with a family support plan were later escalated to Level 4: monitor "
        "outcomes after early help\n"
        "Promote the early help process and embed the assessment tools (case audit, November 2019)",
        "indicators": [
            "referrals_to_assessment_or_s47_pct",
            "referrals_with_prior_early_help_pct",
            "re_referrals_12m_pct",
        ],
        "decision": (
            RollOver.CORE_BUSINESS,
            "Assurance is given on thresholds and the Level 3 family support service; early help will be monitored "
            "as core business through performance information and the case audit process.",
        ),
    },
    "neglect": {
        "why_chosen": "Nearly half of all child protection plans in Solihull are due to neglect, the most significant "
        "risk to children here as nationally.",
        "lead_partner": COUNCIL,
        "outcomes_sought": "Better outcomes for children where there are concerns about neglect\n"
        "The Graded Care Profile 2 (GCP2) used routinely in direct work with families\n"
        "Professionals attend multi-agency neglect training",
        "achievements": "Repeat child protection plans for neglect fell steadily from 13% (Q2 2018-19) to 3%\n"
        "Plans lasting 18 months or more stayed low\n"
        "114 practitioners trained in GCP2 since the Neglect Strategy; training rated highly\n"
        "From October 2019 conference chairs set a GCP2 action for children at risk of neglect",
        "to_improve": "Use of GCP2 is low compared with the number trained\n"
        "Target neglect training at the practitioners who will use the tool\n"
        "Actions from child protection conferences to be prioritised and linked to the danger statement",
        "indicators": ["cpp_started_neglect_pct", "cpp_open_18m_pct", "cpp_repeat_within_2y_neglect_pct"],
        "decision": (
            RollOver.KEEP,
            "Neglect remains the greatest risk for children in Solihull: review the Neglect Strategy 2017, take a "
            "more strategic approach to embedding GCP2, and develop a neglect scorecard.",
        ),
    },
    "exploitation": {
        "why_chosen": "The LGA's 2017 peer diagnostic recommended broadening learning beyond sexual exploitation; "
        "the 2019 safeguarding adult review called for a joint strategic approach to wider exploitation.",
        "lead_partner": POLICE,
        "outcomes_sought": "A robust multi-agency response to children at risk of sexual and criminal exploitation\n"
        "An all-age exploitation strategy in place and working",
        "achievements": "An all-age West Midlands definition of exploitation and screening tool agreed\n"
        "The Exploitation Reduction Board and its delivery group established\n"
        "Modules 5a and 5b adapted to wider exploitation from September 2019\n"
        "‘Language Matters’ guidance produced with the adults board",
        "to_improve": "Consider exploitation cases from a contextual safeguarding perspective\n"
        "Build practitioners' confidence in addressing criminal exploitation\n"
        "Stop victim-blaming language in exploitation records\n"
        "Agree a dataset to profile victims, offenders and locations",
        "review_learning_themes": "Criminal exploitation of young people",
        "indicators": [],
        "decision": (
            RollOver.KEEP,
            "The LSCP must be assured of the multi-agency response to exploitation and support the all-age "
            "strategy's launch in 2020-21.",
        ),
    },
}

# (priority slug or core area, statement, rules: (kind, fields)); section 3 and 4.4 of the report.
STATEMENTS = [
    (
        "neglect",
        "GCP2 has been embedded into practice across the partnership",
        [
            (
                RuleKind.TOOL_USE,
                {
                    "dataset_code": "gcp2",
                    "measure_code": "practitioners_using",
                    "base_measure_code": "people_trained",
                    "threshold": Decimal(25),
                },
            )
        ],
    ),
    (
        "exploitation",
        "The multi-agency response to children at risk of exploitation is robust",
        [(RuleKind.CASE_AUDIT_FINDINGS, {"threshold": Decimal(0)})],
    ),
    (
        "early-help",
        "Thresholds are applied well at the front door, and the Level 3 early help service is effective",
        [
            (RuleKind.TRAINING_REACH, {"module_codes": "1", "threshold": Decimal(40)}),
            (RuleKind.CASE_AUDIT_FINDINGS, {"threshold": Decimal(1)}),
        ],
    ),
    (
        "early-help",
        "Early help at threshold Level 2 is effective",
        [(RuleKind.INDICATOR, {"indicator_id": "referrals_with_prior_early_help_pct"})],
    ),
    (
        CoreArea.LADO,
        "Allegations against adults who work with children are managed well and in good time",
        [
            (RuleKind.LADO_TIMELINESS, {"threshold": Decimal(90)}),
            (RuleKind.TRAINING_REACH, {"module_codes": "MA", "threshold": Decimal(40)}),
        ],
    ),
    (
        CoreArea.SECTION_11,
        "Partners are fulfilling their responsibilities to safeguard children and promote their welfare",
        [(RuleKind.SECTION_11_MOVEMENT, {"threshold": Decimal(50)})],
    ),
    (
        CoreArea.EDUCATION,
        "Education providers meet the statutory safeguarding requirements",
        [(RuleKind.EDUCATION_RETURNS, {"threshold": Decimal(100)})],
    ),
    (
        CoreArea.OVERALL,
        "Children needing targeted support at Level 3 and statutory intervention at Level 4 are identified and get "
        "the right services in good time",
        [],
    ),
]
LADO_RATIONALE = (
    "82% of allegations concluded within 3 months against the 90% expected, but agencies consult the LADO "
    "appropriately, matters progress in good time, training reached 47 practitioners, and Ofsted found the "
    "designated officer service effective. The LSCP gives assurance."
)
JUDGED_ON = date(2020, 6, 30)

# The groups of decisions.md section 8: (name, kind, reports to, first met, terms of reference).
GROUPS = [
    (
        "Health and Wellbeing Board",
        GroupKind.BOARD,
        [],
        None,
        "Identifies the borough's priorities and assures the system.",
    ),
    (
        "Solihull Together",
        GroupKind.BOARD,
        ["Health and Wellbeing Board"],
        None,
        "Partnership working mandated by the Health and Wellbeing Board.",
    ),
    ("Solihull Safeguarding Adults Board", GroupKind.BOARD, ["Health and Wellbeing Board"], None, ""),
    ("Safer Solihull (Community Safety Partnership)", GroupKind.BOARD, [], None, ""),
    (
        "Executive",
        GroupKind.EXECUTIVE,
        ["Health and Wellbeing Board"],
        date(2019, 5, 1),
        "The three safeguarding partners decide the partnership's priorities, budget and arrangements, hold partners "
        "to account and sign off the annual report.",
    ),
    (
        "Standing panel",
        GroupKind.PANEL,
        ["Executive"],
        date(2020, 4, 1),
        "Recommends to the safeguarding partners on child safeguarding practice review referrals, completes rapid "
        "reviews after serious incidents, and monitors review action plans.",
    ),
    (
        "Education sub-group",
        GroupKind.SUB_GROUP,
        ["Executive"],
        date(2019, 5, 1),
        "Carries safeguarding in education to and from the partnership.",
    ),
    (
        "Case audit group",
        GroupKind.SUB_GROUP,
        ["Executive"],
        date(2019, 5, 1),
        "Runs the annual multi-agency case file audit and its deep dive.",
    ),
    (
        "Exploitation Reduction Board",
        GroupKind.BOARD,
        [
            "Solihull Together",
            "Solihull Safeguarding Adults Board",
            "Executive",
            "Safer Solihull (Community Safety Partnership)",
        ],
        date(2019, 5, 1),
        "Sets the all-age exploitation strategy; accountable to the Health and Wellbeing Board through Solihull Together.",
    ),
    (
        "Exploitation Reduction Delivery Group",
        GroupKind.SUB_GROUP,
        ["Exploitation Reduction Board"],
        date(2019, 5, 1),
        "Delivers the priorities the Exploitation Reduction Board sets.",
    ),
    ("Solihull Exploitation Panel", GroupKind.PANEL, ["Exploitation Reduction Delivery Group"], date(2019, 9, 1), ""),
    (
        "Child Death Overview Panel",
        GroupKind.PANEL,
        ["Executive"],
        date(2019, 5, 1),
        "Reviews the deaths of children in the area.",
    ),
]
EXECUTIVE_MEETINGS = [date(2019, 6, 12), date(2019, 9, 11), date(2019, 12, 11), date(2020, 2, 12)]
STANDING_PANEL_DECISION = (
    "Set up a standing panel to recommend on child safeguarding practice review referrals, complete rapid reviews "
    "and monitor review action plans, chaired by the CCG's Deputy Director of Nursing and Quality and reporting to "
    "the Executive from 2020-21."
)

# Section 1.4: (topic, detail, board reporting into, boards with an interest).
TOPICS = [
    (
        "Joint commissioning",
        "Arrangements between the council and CCG",
        "Integrated Commissioning Board",
        "Integrated Commissioning Development Group",
    ),
    (
        "Domestic abuse",
        "Including forced marriage, HBV and FGM",
        "CSP (through the Domestic Abuse Priority Group)",
        "SSAB, LSCP",
    ),
    ("Missing people", "", "LSCP (missing children); no oversight for missing adults", ""),
    ("Radicalisation", "", "CSP; 3Ps (Prepare, Prevent and Protect)", "LSCP"),
    ("Anti-social behaviour", "", "CSP & Solihull Together", ""),
    ("Harm – road safety", "Killed or seriously injured in road traffic collisions", "CSP", ""),
    ("Serious acquisitive crime", "Vehicle crime, burglary, personal robbery", "CSP", ""),
    ("Environmental", "Unauthorised encampments", "CSP", ""),
    ("Rough sleepers", "Does not include beggars", "H&WBB", "SSAB"),
    ("Substance misuse", "", "CSP", "H&WBB"),
    ("Modern slavery and trafficking", "", "CSP", "SSAB, LSCP"),
    ("Hate crime", "", "CSP", "SSAB"),
    ("Loneliness and isolation", "", "H&WBB", "SSAB"),
    (
        "Exploitation",
        "Including sexual and criminal",
        "Exploitation Reduction Board (reports to Solihull Together)",
        "SSAB, LSCP, CSP",
    ),
    ("Violent crime", "Gang violence, gun crime, knife crime, youth violence", "CSP", ""),
    (
        "Cyber and hidden crimes",
        "Sextortion, revenge porn, identity theft, fraud, phishing, malicious communication, online grooming",
        "CSP",
        "SSAB, LSCP",
    ),
    ("Rape and sexual violence", "", "Violence Alliance group (led by WMP, reports to the CSP)", "LSCP, H&WBB"),
    ("Unaccompanied asylum seekers", "", "LSCP", ""),
    ("Self-neglect", "", "To be agreed", "SSAB"),
]

# Appendix 2: (kind, line, budget, actual, partner agency for a contribution).
BUDGET = [
    (LineKind.EXPENDITURE, "Pay and overheads", 193_831, 176_423, None),
    (LineKind.EXPENDITURE, "Training", 2_000, 169, None),
    (LineKind.EXPENDITURE, "Car allowances", 1_500, 1_735, None),
    (LineKind.EXPENDITURE, "Telephones", 500, 392, None),
    (LineKind.EXPENDITURE, "IT equipment and related", 9_700, 6_810, None),
    (LineKind.EXPENDITURE, "General office expenses", 3_000, 6_049, None),
    (LineKind.EXPENDITURE, "Professional fees – CSPR/other", 4_000, 3_962, None),
    (LineKind.EXPENDITURE, "Other fees – CDOP", 13_000, 13_000, None),
    (LineKind.EXPENDITURE, "Other fees – independent chair", 18_000, 21_319, None),
    (LineKind.EXPENDITURE, "Grants and subscriptions", 900, 704, None),
    (LineKind.EXPENDITURE, "Internal room hire", 3_000, 3_647, None),
    (LineKind.EXPENDITURE, "Internal ICT", 2_000, 2_166, None),
    (LineKind.CONTRIBUTION, "Schools Forum", -13_540, -13_540, "Solihull schools and colleges"),
    (LineKind.CONTRIBUTION, "Children's Services", -118_640, -118_640, COUNCIL),
    (LineKind.CONTRIBUTION, "CCG", -60_300, -60_300, CCG),
    (LineKind.CONTRIBUTION, "Police", -12_650, -12_879, POLICE),
    (LineKind.CONTRIBUTION, "UHB", -12_400, -6_200, "University Hospitals Birmingham NHS Foundation Trust"),
    (LineKind.CONTRIBUTION, "SCH", -10_000, -10_000, "Solihull Community Housing"),
    (LineKind.CONTRIBUTION, "National Probation Service", -480, -477, "National Probation Service"),
    (
        LineKind.CONTRIBUTION,
        "Community Rehabilitation grant",
        0,
        -1_500,
        "Staffordshire and West Midlands Community Rehabilitation Company",
    ),
    (LineKind.CONTRIBUTION, "CAFCASS", -550, -550, "Children and Family Court Advisory and Support Service (CAFCASS)"),
    (LineKind.OTHER_INCOME, "External/other income (e.g. training charging policy)", -9_000, -6_580, None),
    (LineKind.CARRY_FORWARD, "Carry forward", -29_430, -29_426, None),
]
# Demo assumption: every partner was invoiced its budgeted share (the police and the CRC what they paid) and paid
# what the ledger shows, so University Hospitals Birmingham still owes half.
INVOICED = {"Police": 12_879, "Community Rehabilitation grant": 1_500, "National Probation Service": 477}

YOUNG_PEOPLE_SAID = [
    "If I've shut down and stopped talking ask yourself why? Don't just carry on in the same way – it makes me angry",
    "You need to make sense of what we are saying, especially if for any reason we can't talk properly",
    "I want the chance to speak for myself before others speak for me",
    "Think of different ways you can communicate with us and help us",
    "When I'm telling you something needs urgent attention, that isn't the time to tell me how I could have "
    "prevented it",
]

# Section 7: the challenge to partners for 2020-21, by theme.
CHALLENGES_TO_PARTNERS = [
    (
        "Diversity",
        "Partners to ensure that assessments fully consider all aspects of diversity and the different forms of discrimination which might impact on family functioning as a result.",
    ),
    (
        "Diversity",
        "Partners to keep under consideration the need to ensure that all interventions in family life are proportionate and appropriate.",
    ),
    (
        "Exploitation",
        "Partners are asked to actively support the development and delivery of the all-age exploitation strategy.",
    ),
    ("Exploitation", "Strategic leads to endorse the strategy and support its implementation across Solihull."),
    ("Neglect", "Partners are asked to support and actively participate in the review of Solihull's Neglect Strategy."),
    (
        "Neglect",
        "Strategic leads to endorse the refreshed strategy by embedding the neglect tools into their pathways and ensuring staff receive appropriate training.",
    ),
]


def _demo_account(role: Role, agency: Agency | None = None) -> User:
    people = User.objects.filter(is_demo_account=True, role_assignments__role=role)
    if agency is not None:
        people = people.filter(role_assignments__agency=agency)
    return people.order_by("pk").first()


def load_for(partnership) -> None:
    agencies = {agency.name: agency for agency in Agency.objects.filter(partnership=partnership)}
    priorities = {priority.slug: priority for priority in Priority.objects.filter(partnership=partnership)}
    manager = _demo_account(Role.PARTNERSHIP_ADMIN)
    _priorities(priorities, agencies)
    _statements(partnership, priorities, manager)
    _roll_over(priorities, manager)
    _structure(partnership, agencies, manager)
    _topics(partnership)
    _budget(partnership, agencies)
    _voice(partnership, priorities)
    _challenge(partnership, agencies, manager)


def _priorities(priorities, agencies) -> None:
    for slug, plan in PLANS.items():
        priority = priorities[slug]
        priority_year, created = PriorityYear.objects.get_or_create(priority=priority, start_year=YEAR)
        if not created:
            continue
        services.priority_plan_save(
            priority_year=priority_year,
            why_chosen=plan["why_chosen"],
            lead_partner=agencies[plan["lead_partner"]],
            lead_officer=None,
            outcomes_sought=plan["outcomes_sought"],
            achievements=plan["achievements"],
            to_improve=plan["to_improve"],
            review_learning_themes=plan.get("review_learning_themes", ""),
        )
        PriorityIndicator.objects.bulk_create(
            [PriorityIndicator(priority_year=priority_year, indicator_id=indicator) for indicator in plan["indicators"]]
        )


def _statements(partnership, priorities, manager) -> None:
    for order, (about, text, evidence_rules) in enumerate(STATEMENTS):
        if AssuranceStatement.objects.filter(partnership=partnership, start_year=YEAR, text=text).exists():
            continue
        statement = AssuranceStatement.objects.create(
            partnership=partnership,
            start_year=YEAR,
            priority=priorities.get(about),
            core_area="" if about in priorities else about,
            text=text,
            order=order,
        )
        for number, (kind, fields) in enumerate(evidence_rules):
            EvidenceRule.objects.create(statement=statement, kind=kind, order=number, **fields)
        if about == CoreArea.OVERALL:
            continue  # left for the partners to confirm, as the demo's one judgement waiting
        rationale = LADO_RATIONALE if about == CoreArea.LADO else ""
        judgement = "assured" if about == CoreArea.LADO else rules.draft_for(statement).judgement
        services.judgement_confirm(
            statement=statement, judgement=judgement, rationale=rationale, by=manager, today=JUDGED_ON
        )


def _roll_over(priorities, manager) -> None:
    for slug, plan in PLANS.items():
        priority_year = PriorityYear.objects.get(priority=priorities[slug], start_year=YEAR)
        if priority_year.decision:
            continue
        decision, reason = plan["decision"]
        services.priority_roll_over(
            priority_year=priority_year, decision=decision, reason=reason, by=manager, today=JUDGED_ON
        )


def _structure(partnership, agencies, manager) -> None:
    if Group.objects.filter(partnership=partnership).exists():
        return
    arrangements = Arrangements.objects.create(
        partnership=partnership,
        version="1.0",
        published_on=date(2019, 5, 1),
        review_on=date(2022, 5, 1),
        url="https://solihulllscp.co.uk/",
        summary="Solihull was an early adopter: it published and adopted its arrangements by 1 May 2019.",
    )
    arrangements.relevant_agencies.set([a for a in agencies.values() if not a.is_statutory_partner])
    groups = {}
    for name, kind, _, started_on, terms in GROUPS:
        groups[name] = Group.objects.create(
            partnership=partnership, name=name, kind=kind, started_on=started_on, terms_of_reference=terms
        )
    for name, _, reports_to, _, _ in GROUPS:
        groups[name].reports_to.set([groups[parent] for parent in reports_to])
    executive = groups["Executive"]
    leads = {name: _demo_account(Role.LEAD_PARTNER, agencies[name]) for name in (COUNCIL, POLICE, CCG)}
    # The demo's lead partners have held their roles since the arrangements began, so the Executive's 2019-20
    # meetings were quorate and its decisions stand.
    RoleAssignment.objects.filter(
        user__in=leads.values(), role=Role.LEAD_PARTNER, started_on__gt=arrangements.published_on
    ).update(started_on=arrangements.published_on)
    executive.chair = leads[COUNCIL]
    executive.save()
    panel = groups["Standing panel"]
    panel.chair = _demo_account(Role.REVIEW_PANEL)
    panel.save()
    for name, lead in leads.items():
        Membership.objects.create(
            group=executive,
            agency=agencies[name],
            person=lead,
            role="Lead safeguarding partner",
            started_on=date(2019, 5, 1),
        )
        Membership.objects.create(group=panel, agency=agencies[name], role="Panel member", started_on=date(2020, 4, 1))
    Membership.objects.create(
        group=executive,
        agency=agencies[COUNCIL],
        person=manager,
        kind=MemberKind.DEPUTY,
        role="Business manager",
        started_on=date(2019, 5, 1),
    )
    scrutineer = _demo_account(Role.SCRUTINEER)
    for held_on in EXECUTIVE_MEETINGS:
        meeting = services.meeting_record(
            group=executive,
            held_on=held_on,
            agenda="Apologies and minutes\nPerformance report\nPriority updates\nBudget\nAny other business",
            papers="Performance report (quarterly dashboard)\nBudget monitoring",
            minutes="The safeguarding partners reviewed the quarter's performance and the priorities' progress.",
        )
        for lead in leads.values():
            services.attendance_record(meeting=meeting, person=lead, capacity=Capacity.MEMBER)
        services.attendance_record(meeting=meeting, person=scrutineer, capacity=Capacity.GUEST)
    february = Meeting.objects.get(group=executive, held_on=EXECUTIVE_MEETINGS[-1])
    decision = services.decision_record(meeting=february, text=STANDING_PANEL_DECISION, by=manager)
    action = services.decision_raise_action(
        decision=decision,
        text="Agree the standing panel's membership and terms of reference before it first meets.",
        agency=agencies[CCG],
        due_date=date(2020, 3, 31),
        today=february.held_on,
    )
    evidence = "The Executive agreed the panel's terms of reference and membership on 24 March 2020."
    action_request_closure(action=action, by=leads[CCG], evidence=evidence, today=date(2020, 3, 24))
    action_approve_closure(action=action, by=manager, today=date(2020, 3, 25))
    services.decision_record(
        meeting=february,
        text="Scope the child safeguarding practice review referral from West Midlands Police before deciding on it.",
        by=manager,
    )


def _topics(partnership) -> None:
    for order, (name, detail, reports_into, interested) in enumerate(TOPICS):
        Topic.objects.get_or_create(
            partnership=partnership,
            name=name,
            defaults={"detail": detail, "reports_into": reports_into, "interested": interested, "order": order},
        )


def _budget(partnership, agencies) -> None:
    if BudgetLine.objects.filter(partnership=partnership, start_year=YEAR).exists():
        return
    for order, (kind, name, planned, actual, partner) in enumerate(BUDGET):
        line = BudgetLine(
            partnership=partnership,
            start_year=YEAR,
            kind=kind,
            name=name,
            budget=Decimal(planned),
            actual=Decimal(actual),
            partner=agencies[partner] if partner else None,
            is_training_income=kind == LineKind.OTHER_INCOME,
            order=order,
        )
        if kind == LineKind.CONTRIBUTION:
            line.invoiced = Decimal(INVOICED.get(name, -planned))
            line.paid = Decimal(-actual)
        line.full_clean()
        line.save()
    services.budget_roll_forward(partnership=partnership, start_year=YEAR)
    InKindContribution.objects.create(
        partnership=partnership,
        start_year=YEAR,
        agency=agencies[COUNCIL],
        description="Trainers from children's social care for the Graded Care Profile 2 module",
    )
    InKindContribution.objects.create(
        partnership=partnership,
        start_year=YEAR,
        agency=agencies["West Midlands Fire Service"],
        description="Training rooms for multi-agency courses",
        estimated_value=Decimal(1200),
    )


def _voice(partnership, priorities) -> None:
    if Consultation.objects.filter(partnership=partnership).exists():
        return
    briefing = Consultation.objects.create(
        partnership=partnership,
        held_on=date(2020, 2, 18),
        activity="Young people's advice for the briefing on children's lived experience",
        age_band="16_plus",
        setting="Children in care council",
        children_count=12,
        what_children_said="Practitioners should notice when a young person stops talking, find other ways to "
        "communicate, and let young people speak for themselves before others speak for them.",
        what_changed="The LSCP's briefing reminds practitioners to assess the lived experience of every child, "
        "including babies and children who are non-verbal, and quotes the young people's advice.",
    )
    briefing.priorities.set([priorities["early-help"], priorities["neglect"], priorities["exploitation"]])
    for text in YOUNG_PEOPLE_SAID:
        ChildQuote.objects.create(
            consultation=briefing,
            text=text,
            consent_to_record=True,
            consent_to_publish=True,
            consent_recorded_on=briefing.held_on,
        )
    YouSaidWeDid.objects.create(
        consultation=briefing,
        you_said="Think of different ways you can communicate with us and help us.",
        we_did="The briefing on lived experience sets out ways to hear children who cannot say what life is like.",
        recorded_on=date(2020, 3, 20),
    )
    interviews = Consultation.objects.create(
        partnership=partnership,
        held_on=date(2019, 11, 14),
        activity="Feedback on return home interviews",
        age_band="11_15",
        setting="Return home interviews after going missing",
        children_count=3,
        what_children_said="The young people wanted to be interviewed by someone they already knew, soon after "
        "they came home.",
        what_changed="Return home interviews are offered by the young person's own worker where they prefer.",
    )
    interviews.priorities.set([priorities["exploitation"]])
    ChildQuote.objects.create(
        consultation=interviews,
        text="I'd rather talk to someone who already knows me.",
        consent_to_record=True,
        consent_to_publish=False,
        consent_recorded_on=interviews.held_on,
    )


def _challenge(partnership, agencies, manager) -> None:
    if ChallengeStatement.objects.filter(partnership=partnership).exists():
        return
    for order, (theme, text) in enumerate(CHALLENGES_TO_PARTNERS):
        ChallengeStatement.objects.create(
            partnership=partnership, start_year=YEAR + 1, theme=theme, text=text, order=order
        )
    council_lead = _demo_account(Role.LEAD_PARTNER, agencies[COUNCIL])
    police_lead = _demo_account(Role.LEAD_PARTNER, agencies[POLICE])
    strategy_meetings = services.challenge_raise(
        partnership=partnership,
        by=council_lead,
        from_agency=agencies[COUNCIL],
        addressed_to=agencies[POLICE],
        subject="Police attendance at child protection strategy meetings",
        text="Ofsted found strategy meetings delayed, mainly because police were not available. How will the police "
        "make sure an officer attends every strategy meeting without delay?",
        response_due_on=date(2020, 2, 28),
        today=date(2020, 1, 20),
    )
    services.challenge_respond(
        challenge=strategy_meetings,
        response="A duty officer in the public protection unit now covers strategy meetings every weekday, and "
        "delays are reported to the Executive each quarter.",
        by=police_lead,
        today=date(2020, 2, 20),
    )
    services.challenge_close(
        challenge=strategy_meetings, outcome=Outcome.ACCEPTED, note="", by=council_lead, today=date(2020, 3, 11)
    )
    scrutineer = _demo_account(Role.SCRUTINEER)
    services.challenge_raise(
        partnership=partnership,
        by=scrutineer,
        addressed_to=agencies[CCG],
        subject="Health representation in the MASH",
        text="The case audit and Ofsted both found not every agency represented in the MASH. What will health "
        "partners do to make sure health information reaches MASH decisions?",
        response_due_on=date(2020, 4, 30),
        today=date(2020, 3, 2),
    )
    if not ScrutinyAssessment.objects.filter(partnership=partnership, start_year=YEAR).exists():
        assessment = services.assessment_record(
            partnership=partnership,
            start_year=YEAR,
            title="Independent scrutiny of the 2019-20 arrangements",
            text="The partnership moved from the LSCB to its new arrangements early and engagement across partners is "
            "high. It now needs a robust multi-agency performance framework, a stronger focus on impact and "
            "outcomes, a simpler explanation of its structure, and better communication of its role and "
            "priorities, as the October 2019 peer review found.",
            by=scrutineer,
            today=date(2020, 6, 15),
        )
        services.assessment_respond(
            assessment=assessment,
            response="The safeguarding partners accept the assessment. The peer review action plan, overseen by the "
            "partners, will be delivered in full during 2020-21.",
            by=manager,
            today=date(2020, 7, 15),
        )
