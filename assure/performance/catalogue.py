"""What each indicator means for the people who read it: title, unit, polarity, dashboard
area, owner and source system. The arithmetic lives in ``engine/indicators.py``."""

from dataclasses import dataclass

from .engine.events import CATEGORIES

COUNT, PERCENT, RATE = "count", "percent", "rate per 10,000"
HIGHER, LOWER, NEITHER = "higher is better", "lower is better", "neither"

AREAS = {
    "front-door": "Front door: contacts and referrals",
    "assessment": "Assessment and section 47 enquiries",
    "child-protection": "Child protection",
    "looked-after": "Children looked after",
    "early-help": "Early help",
}


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    unit: str
    polarity: str
    area: str
    owner: str = "Solihull Metropolitan Borough Council (children's services)"
    source: str = "Children's social care case management system (Annex A / CIN census)"
    stays_year_end: bool = False  # a snapshot at the period end rather than a flow over it

    @property
    def is_count_of_children(self) -> bool:
        return self.unit == COUNT

    @property
    def event_kind(self) -> str:
        """The kind of event the figure counts: events of that kind left out for their dates affect it."""
        return next(kind for prefix, kind in _EVENT_KINDS if self.id.startswith(prefix))


# The kind of event each indicator counts, by the start of its id (first match).
_EVENT_KINDS = (
    ("contacts", "contact"),
    ("re_referrals", "referral"),
    ("referral", "referral"),
    ("early_help", "early_help"),
    ("assessments", "assessment"),
    ("s47", "s47"),
    ("icpc", "s47"),
    ("cpp", "cpp"),
    ("cla", "care_period"),
)


_CATEGORY_TITLES = {
    "neglect": "neglect",
    "emotional": "emotional abuse",
    "physical": "physical abuse",
    "sexual": "sexual abuse",
    "multiple": "multiple categories",
}

_DEFINITIONS = [
    Indicator("contacts", "Contacts", COUNT, NEITHER, "front-door"),
    Indicator("referrals", "Referrals", COUNT, NEITHER, "front-door"),
    Indicator("referral_rate_per_10k", "Referral rate per 10,000 children", RATE, NEITHER, "front-door"),
    Indicator("re_referrals_12m_pct", "Re-referrals within 12 months", PERCENT, LOWER, "front-door"),
    Indicator("referrals_nfa_pct", "Referrals with no further action", PERCENT, NEITHER, "front-door"),
    Indicator(
        "referrals_to_assessment_or_s47_pct",
        "Referrals proceeding to assessment or section 47",
        PERCENT,
        NEITHER,
        "front-door",
    ),
    Indicator(
        "referrals_with_prior_early_help_pct",
        "Referrals with early help in the previous 12 months",
        PERCENT,
        NEITHER,
        "early-help",
    ),
    Indicator("early_help_started", "Early help assessments started", COUNT, NEITHER, "early-help"),
    Indicator("assessments_completed", "Assessments completed", COUNT, NEITHER, "assessment"),
    Indicator(
        "assessments_within_45wd_pct", "Assessments completed within 45 working days", PERCENT, HIGHER, "assessment"
    ),
    Indicator("s47_enquiries", "Section 47 enquiries started", COUNT, NEITHER, "assessment"),
    Indicator("s47_rate_per_10k", "Section 47 enquiries per 10,000 children", RATE, NEITHER, "assessment"),
    Indicator("icpcs", "Initial child protection conferences", COUNT, NEITHER, "assessment"),
    Indicator(
        "icpc_within_15wd_pct",
        "Initial conferences within 15 working days of the strategy discussion",
        PERCENT,
        HIGHER,
        "assessment",
    ),
    Indicator(
        "icpc_to_cpp_pct",
        "Initial conferences leading to a child protection plan",
        PERCENT,
        NEITHER,
        "child-protection",
    ),
    Indicator("cpp_started", "Child protection plans started", COUNT, NEITHER, "child-protection"),
    *(
        Indicator(
            f"cpp_started_{c}_pct", f"Plans started under {_CATEGORY_TITLES[c]}", PERCENT, NEITHER, "child-protection"
        )
        for c in CATEGORIES
    ),
    Indicator(
        "cpp_open_at_end",
        "Children on a child protection plan",
        COUNT,
        NEITHER,
        "child-protection",
        stays_year_end=True,
    ),
    Indicator(
        "cpp_rate_per_10k",
        "Children on a plan per 10,000 children",
        RATE,
        NEITHER,
        "child-protection",
        stays_year_end=True,
    ),
    *(
        Indicator(
            f"cpp_open_{c}_pct",
            f"Children on a plan: {_CATEGORY_TITLES[c]}",
            PERCENT,
            NEITHER,
            "child-protection",
            stays_year_end=True,
        )
        for c in CATEGORIES
    ),
    Indicator(
        "cpp_open_18m_pct",
        "Children on a plan for 18 months or more",
        PERCENT,
        LOWER,
        "child-protection",
        stays_year_end=True,
    ),
    Indicator(
        "cpp_open_2y_pct",
        "Children on a plan for 2 years or more",
        PERCENT,
        LOWER,
        "child-protection",
        stays_year_end=True,
    ),
    Indicator("cpp_ended_2y_pct", "Plans ended that lasted 2 years or more", PERCENT, LOWER, "child-protection"),
    Indicator(
        "cpp_second_or_subsequent_pct", "Plans that are a second or later plan", PERCENT, LOWER, "child-protection"
    ),
    Indicator("cpp_repeat_within_2y_pct", "Repeat plans within 2 years", PERCENT, LOWER, "child-protection"),
    Indicator(
        "cpp_repeat_within_2y_neglect_pct", "Repeat plans within 2 years (neglect)", PERCENT, LOWER, "child-protection"
    ),
    Indicator(
        "cla_at_end",
        "Children looked after",
        COUNT,
        NEITHER,
        "looked-after",
        stays_year_end=True,
        source="Children looked after return (SSDA903) / Annex A list 8",
    ),
    Indicator(
        "cla_rate_per_10k",
        "Children looked after per 10,000 children",
        RATE,
        NEITHER,
        "looked-after",
        stays_year_end=True,
        source="Children looked after return (SSDA903) / Annex A list 8",
    ),
    Indicator(
        "cla_started",
        "Children starting to be looked after",
        COUNT,
        NEITHER,
        "looked-after",
        source="Children looked after return (SSDA903) / Annex A list 8",
    ),
]

INDICATORS: dict[str, Indicator] = {indicator.id: indicator for indicator in _DEFINITIONS}


def in_area(area: str) -> list[Indicator]:
    return [indicator for indicator in _DEFINITIONS if indicator.area == area]


# Which data-quality findings affect which figures (decisions.md, "Caveats"): suspected duplicates affect the
# referral figures; events left out for their dates affect their own kind's indicators (``Indicator.event_kind``).
SUSPECTED_DUPLICATES = "suspected_duplicate_referrals"
LEFT_OUT_FOR_DATES = "excluded_by_kind"
AFFECTED_BY_DUPLICATES = (
    "referrals",
    "referral_rate_per_10k",
    "re_referrals_12m_pct",
    "referrals_nfa_pct",
    "referrals_to_assessment_or_s47_pct",
)
# A finding touching at least this share of a figure's base earns a caveat, even when the shown value stays.
CAVEAT_SHARE = 0.005
