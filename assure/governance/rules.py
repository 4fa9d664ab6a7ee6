"""Evidence rules, evaluated as at the last day of the statement's reporting year, and the draft judgement they give.

Each rule reads one kind of evidence through its app's selectors and passes, fails or does not apply, saying what
it found in words and linking to the page and period that shows it. Evidence is taken as at the year's end
(decisions.md section 8): published figures for the year, actions as they stood on 31 March (later updates
ignored), the Section 11 round in force.

The draft: assured if every rule that applies passes, not yet assured if none does, partly assured otherwise, and
cannot be assessed if no rule applies.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.urls import reverse
from django.utils import timezone

from assure.actions import selectors as actions
from assure.audits import selectors as audits
from assure.core import periods
from assure.lado import selectors as lado_selectors
from assure.performance import selectors as performance
from assure.training import selectors as training

from .models import SCALE_TAG_COLOURS, CoreArea, EvidenceRule, RuleKind, Scale

PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "not_applicable"
OUTCOME_LABELS = {PASS: "Passes", FAIL: "Does not pass", NOT_APPLICABLE: "Does not apply"}
OUTCOME_COLOURS = {PASS: "green", FAIL: "red", NOT_APPLICABLE: "grey"}

# The actions a core-business statement's overdue-actions rule counts: by source, or every action of the register.
CORE_AREA_ACTIONS = {CoreArea.SECTION_11: "section_11", CoreArea.OVERALL: ""}
# The register's status of an action past its due date.
OVERDUE = "overdue"


@dataclass(frozen=True)
class RuleResult:
    rule_id: int | None
    kind: str
    evidence_kind: str
    evidence_kind_label: str
    outcome: str
    tests: str  # what the rule tests, in words
    found: str  # what the evidence shows, with the figures
    reason: str  # the short phrase an explanation uses
    url: str  # the page and period that show the evidence
    details: tuple[str, ...] = field(default_factory=tuple)

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[self.outcome]

    @property
    def colour(self) -> str:
        return OUTCOME_COLOURS[self.outcome]

    def as_data(self) -> dict:
        data = asdict(self)
        data["details"] = list(self.details)
        return data


@dataclass(frozen=True)
class Draft:
    """What the rules give for a statement: the scale point, why, and the evidence behind it."""

    judgement: Scale
    explanation: str
    results: list[RuleResult]
    notes: list[dict]
    as_at: date

    @property
    def colour(self) -> str:
        return SCALE_TAG_COLOURS[self.judgement]

    def snapshot(self) -> dict:
        """The evidence as it stands, for a confirmed judgement to keep."""
        return {
            "draft": self.judgement.value,
            "explanation": self.explanation,
            "as_at": self.as_at.isoformat(),
            "evaluated_at": timezone.now().isoformat(),
            "results": [result.as_data() for result in self.results],
            "notes": self.notes,
        }


def evidence_key(snapshot: dict) -> list:
    """What must match for the evidence to be the same: each rule's outcome and findings, and the notes."""
    return [
        [[r["rule_id"], r["kind"], r["outcome"], r["found"], list(r["details"])] for r in snapshot["results"]],
        [[n["kind"], n["text"], n["url"]] for n in snapshot["notes"]],
    ]


def evidence_changed(judgement, draft: Draft) -> bool:
    """Whether the evidence now differs from what the confirmed judgement saw."""
    return evidence_key(judgement.snapshot) != evidence_key(draft.snapshot())


# The rules -------------------------------------------------------------------------------------------------------


def _percent(part: int | Decimal, whole: int | Decimal) -> str:
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('1'), rounding=ROUND_HALF_UP)}%"


def _shown(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value}"


def _result(rule, outcome, *, tests, found, reason, url="", details=()) -> RuleResult:
    kind = rule.kind_of_evidence
    return RuleResult(
        rule_id=rule.pk,
        kind=rule.kind,
        evidence_kind=kind.value,
        evidence_kind_label=kind.label,
        outcome=outcome,
        tests=tests,
        found=found,
        reason=reason,
        url=url,
        details=tuple(details),
    )


def _indicator(rule, statement, day) -> RuleResult:
    figure = performance.published_figure(
        statement.partnership, indicator_id=rule.indicator_id, start_year=statement.start_year
    )
    year, last_year = (
        periods.reporting_year_label(statement.start_year),
        periods.reporting_year_label(statement.start_year - 1),
    )
    tests = f"{figure.title}: on the right side of its target and no worse than last year"
    found = (
        f"{figure.shown} in {year}, against a target of {figure.target_shown} ({figure.polarity}); "
        f"{figure.last_year_shown} in {last_year}"
    )
    url = figure.dashboard_url

    def not_applicable(why):
        return _result(rule, NOT_APPLICABLE, tests=tests, found=f"{why}. {found}", reason=why, url=url)

    if figure.polarity not in ("higher is better", "lower is better"):
        return not_applicable(f"Higher is not better or worse for {figure.title.lower()}")
    if figure.target is None:
        return not_applicable(f"{figure.title} has no target for {year}")
    if figure.value is None:
        return not_applicable(f"{figure.title} has no published figure for {year}")
    if figure.against_target == "worse":
        return _result(rule, FAIL, tests=tests, found=found, reason=f"{figure.title} worse than target", url=url)
    if figure.against_last_year == "worse":
        return _result(rule, FAIL, tests=tests, found=found, reason=f"{figure.title} worse than last year", url=url)
    return _result(rule, PASS, tests=tests, found=found, reason=f"{figure.title} on target and not worsening", url=url)


def _section_11_movement(rule, statement, day) -> RuleResult:
    threshold = rule.threshold
    tests = f"At least {_shown(threshold)}% of Section 11 standards rated Inadequate or Requires improvement now Good or Outstanding"
    url = reverse("audits:section11-movement")
    moved = audits.section11_movement_as_at(statement.partnership, day=day)
    if moved is None:
        why = f"No Section 11 round open by {day:%-d %B %Y} had a standard needing improvement"
        return _result(rule, NOT_APPLICABLE, tests=tests, found=why, reason=why, url=url)
    better, needing = moved["now_good_or_outstanding"], moved["needing_improvement"]
    found = (
        f"{better} of the {needing} standards rated Inadequate or Requires improvement in {moved['round']} were "
        f"Good or Outstanding by {day:%-d %B %Y} ({_percent(better, needing)})"
    )
    passed = better * 100 >= threshold * needing
    reason = (
        f"{'' if passed else 'only '}{better} of {needing} Section 11 standards needing improvement now Good or "
        f"Outstanding ({_percent(better, needing)}, {'at least' if passed else 'below'} the "
        f"{_shown(threshold)}% expected)"
    )
    return _result(rule, PASS if passed else FAIL, tests=tests, found=found, reason=reason, url=url)


def _overdue_actions(rule, statement, day) -> RuleResult:
    threshold = int(rule.threshold)
    tests = f"No more than {threshold} overdue action{'s' if threshold != 1 else ''} on {day:%-d %B %Y}"
    query = {}
    if statement.priority_id:
        found_actions = actions.actions_as_at(partnership=statement.partnership, day=day, priority=statement.priority)
        query["priority"] = statement.priority_id
        about = f"for {statement.priority.name.lower()}"
    elif statement.core_area in CORE_AREA_ACTIONS:
        source_kind = CORE_AREA_ACTIONS[CoreArea(statement.core_area)]
        found_actions = actions.actions_as_at(partnership=statement.partnership, day=day, source_kind=source_kind)
        if source_kind:
            query["source_kind"] = source_kind
        about = "from Section 11" if source_kind else "on the register"
    else:
        why = f"No actions on the register belong to {statement.about.lower()}"
        return _result(rule, NOT_APPLICABLE, tests=tests, found=why, reason=why)
    url = reverse("actions:action-list") + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    if not found_actions:
        why = f"No actions {about} by {day:%-d %B %Y}"
        return _result(rule, NOT_APPLICABLE, tests=tests, found=why, reason=why, url=url)
    overdue = [action for action, status in found_actions if status == OVERDUE]
    found = f"{len(overdue)} of {len(found_actions)} actions {about} were overdue on {day:%-d %B %Y}"
    details = [f"{action.reference}: {action.text} (due {action.due_date:%-d %B %Y})" for action in overdue]
    outcome = PASS if len(overdue) <= threshold else FAIL
    reason = f"{len(overdue)} overdue action{'s' if len(overdue) != 1 else ''} {about}, " + (
        f"within the {threshold} allowed" if outcome == PASS else f"more than the {threshold} allowed"
    )
    return _result(rule, outcome, tests=tests, found=found, reason=reason, url=url, details=details)


def _workforce_training(rule, statement, day) -> RuleResult:
    threshold = rule.threshold
    tests = f"At least {_shown(threshold)}% of staff in the workforce strategy's roles trained in the year"
    trained = training.workforce_trained_in_year(statement.partnership, start_year=statement.start_year)
    if trained is None:
        why = f"No agency gave a headcount of staff in the strategy's roles for {statement.year_label}"
        return _result(rule, NOT_APPLICABLE, tests=tests, found=why, reason=why)
    found = (
        f"{trained['trained']:,} of {trained['headcount']:,} staff in {trained['agencies']} agencies met the strategy "
        f"({_percent(trained['trained'], trained['headcount'])})"
    )
    passed = trained["trained"] * 100 >= threshold * trained["headcount"]
    reason = (
        f"{_percent(trained['trained'], trained['headcount'])} of staff trained against the workforce strategy, "
        f"{'at least' if passed else 'below'} the {_shown(threshold)}% expected"
    )
    return _result(rule, PASS if passed else FAIL, tests=tests, found=found, reason=reason, url=trained["url"])


def _training_reach(rule, statement, day) -> RuleResult:
    threshold = int(rule.threshold)
    modules = rule.modules
    tests = f"At least {threshold} practitioners trained in {statement.year_label}"
    reach = training.attendance_in_year(
        statement.partnership,
        start_year=statement.start_year,
        module_codes=modules,
        priority=None if modules else statement.priority,
    )
    if reach is None:
        why = "No training module is linked" if not modules else f"No module numbered {', '.join(modules)}"
        return _result(rule, NOT_APPLICABLE, tests=tests, found=why, reason=why)
    names = ", ".join(f"module {row['code']}" for row in reach["modules"])
    found = f"{reach['attended']:,} practitioners trained on {names} in {statement.year_label}"
    details = [f"Module {row['code']}: {row['title']}: {row['attended']:,}" for row in reach["modules"]]
    outcome = PASS if reach["attended"] >= threshold else FAIL
    reason = f"{reach['attended']:,} practitioners trained on {names}, " + (
        f"at least the {threshold} expected" if outcome == PASS else f"fewer than the {threshold} expected"
    )
    return _result(rule, outcome, tests=tests, found=found, reason=reason, url=reach["url"], details=details)


def _tool_use(rule, statement, day) -> RuleResult:
    threshold = rule.threshold
    tests = f"At least {_shown(threshold)}% of those trained using the tool, in the year's last quarter returned"
    returns = performance.accepted_quarter_measures(
        partnership=statement.partnership, dataset_code=rule.dataset_code, start_year=statement.start_year
    )
    if returns is None or not returns["quarters"]:
        why = f"No accepted quarterly returns of {rule.dataset_code} for {statement.year_label}"
        return _result(rule, NOT_APPLICABLE, tests=tests, found=why, reason=why, url=returns["url"] if returns else "")
    quarter, totals = list(returns["quarters"].items())[-1]
    used, base = totals.get(rule.measure_code), totals.get(rule.base_measure_code)
    label = periods.quarter(statement.start_year, quarter).label
    if not base or used is None:
        why = f"The {label} returns of {returns['name']} do not give both measures"
        return _result(rule, NOT_APPLICABLE, tests=tests, found=why, reason=why, url=returns["url"])
    labels = returns["labels"]
    found = (
        f"{returns['name']}, {label}: {labels.get(rule.measure_code, rule.measure_code)} {used:,}; "
        f"{labels.get(rule.base_measure_code, rule.base_measure_code).lower()} {base:,} ({_percent(used, base)})"
    )
    passed = used * 100 >= threshold * base
    reason = (
        f"{returns['name']}: {used:,} of {base:,} trained used the tool in {label} ({_percent(used, base)}, "
        f"{'at least' if passed else 'below'} the {_shown(threshold)}% expected)"
    )
    return _result(rule, PASS if passed else FAIL, tests=tests, found=found, reason=reason, url=returns["url"])


def _case_audit_findings(rule, statement, day) -> RuleResult:
    threshold = int(rule.threshold)
    theme = statement.priority if statement.priority_id else None
    about = f" on {theme.name.lower()}" if theme else ""
    tests = f"No more than {threshold} areas for improvement{about} in the year's multi-agency case audits"
    findings = audits.case_audit_findings_in_year(statement.partnership, start_year=statement.start_year, theme=theme)
    if findings is None:
        why = f"No multi-agency case audit in {statement.year_label} looked{about or ' at this'}"
        return _result(rule, NOT_APPLICABLE, tests=tests, found=why, reason=why)
    improvements = findings["improvements"]
    names = ", ".join(p["name"] for p in findings["programmes"])
    found = f"{len(improvements)} areas for improvement and {len(findings['strengths'])} strengths{about} in {names}"
    outcome = PASS if len(improvements) <= threshold else FAIL
    reason = f"{len(improvements)} case audit area{'s' if len(improvements) != 1 else ''} for improvement{about}, " + (
        f"within the {threshold} allowed" if outcome == PASS else f"more than the {threshold} allowed"
    )
    url = findings["programmes"][0]["url"]
    return _result(rule, outcome, tests=tests, found=found, reason=reason, url=url, details=improvements)


def _education_returns(rule, statement, day) -> RuleResult:
    threshold = rule.threshold
    tests = f"At least {_shown(threshold)}% of education providers returned the safeguarding audit"
    returned = audits.education_returns_as_at(statement.partnership, start_year=statement.start_year, day=day)
    if returned is None or not returned["providers"]:
        why = f"No education safeguarding audit for {statement.year_label}"
        return _result(rule, NOT_APPLICABLE, tests=tests, found=why, reason=why)
    count, providers = returned["returned"], returned["providers"]
    found = f"{count} of {providers} providers returned the {returned['audit']} by {day:%-d %B %Y} ({_percent(count, providers)})"
    passed = count * 100 >= threshold * providers
    reason = (
        f"{count} of {providers} education providers returned the audit ({_percent(count, providers)}, "
        f"{'at least' if passed else 'below'} the {_shown(threshold)}% expected)"
    )
    return _result(rule, PASS if passed else FAIL, tests=tests, found=found, reason=reason, url=returned["url"])


def lado_confirmed_timeliness(partnership, start_year: int) -> tuple[int, int] | None:
    """(allegations concluded within 3 months, allegations concluded) in the year, from the LADO's confirmed
    figures (decisions.md section 6); None while the year's figures are not confirmed."""
    return lado_selectors.confirmed_timeliness(partnership, start_year)


def _lado_timeliness(rule, statement, day) -> RuleResult:
    threshold = rule.threshold
    tests = f"At least {_shown(threshold)}% of allegations concluded within 3 months"
    timeliness = lado_confirmed_timeliness(statement.partnership, statement.start_year)
    if timeliness is None or not timeliness[1]:
        why = f"The LADO's figures for {statement.year_label} are not confirmed"
        return _result(rule, NOT_APPLICABLE, tests=tests, found=why, reason=why)
    within, concluded = timeliness
    found = f"{within} of {concluded} allegations concluded in {statement.year_label} took 3 months or less ({_percent(within, concluded)})"
    passed = within * 100 >= threshold * concluded
    reason = (
        f"{_percent(within, concluded)} of allegations concluded within 3 months, "
        f"{'at least' if passed else 'below'} the {_shown(threshold)}% expected"
    )
    return _result(rule, PASS if passed else FAIL, tests=tests, found=found, reason=reason)


EVALUATORS = {
    RuleKind.INDICATOR: _indicator,
    RuleKind.SECTION_11_MOVEMENT: _section_11_movement,
    RuleKind.OVERDUE_ACTIONS: _overdue_actions,
    RuleKind.WORKFORCE_TRAINING: _workforce_training,
    RuleKind.TRAINING_REACH: _training_reach,
    RuleKind.TOOL_USE: _tool_use,
    RuleKind.CASE_AUDIT_FINDINGS: _case_audit_findings,
    RuleKind.EDUCATION_RETURNS: _education_returns,
    RuleKind.LADO_TIMELINESS: _lado_timeliness,
}


def evaluate(rule: EvidenceRule, statement) -> RuleResult:
    return EVALUATORS[RuleKind(rule.kind)](rule, statement, statement.year_end)


# The draft -------------------------------------------------------------------------------------------------------


def judge(results: list[RuleResult]) -> Scale:
    applicable = [result for result in results if result.outcome != NOT_APPLICABLE]
    if not applicable:
        return Scale.CANNOT_BE_ASSESSED
    passed = sum(1 for result in applicable if result.outcome == PASS)
    if passed == len(applicable):
        return Scale.ASSURED
    return Scale.NOT_YET_ASSURED if passed == 0 else Scale.PARTLY_ASSURED


def _reasons(results: list[RuleResult], outcome: str) -> list[str]:
    """The reasons of ``results`` with ``outcome``; several indicators read as one count ("3 of 5 linked
    indicators worse than target or last year")."""
    indicators = [r for r in results if r.kind == RuleKind.INDICATOR and r.outcome != NOT_APPLICABLE]
    chosen = [r for r in results if r.outcome == outcome]
    if len(indicators) < 2:
        return [r.reason for r in chosen]
    counted = [r for r in indicators if r.outcome == outcome]
    phrases = [r.reason for r in chosen if r.kind != RuleKind.INDICATOR]
    if counted:
        says = "worse than target or last year" if outcome == FAIL else "on target and not worsening"
        phrases.insert(0, f"{len(counted)} of {len(indicators)} linked indicators {says}")
    return phrases


def explain(judgement: Scale, results: list[RuleResult]) -> str:
    if not results:
        return "Cannot be assessed: no evidence rules are set for this statement."
    if judgement == Scale.CANNOT_BE_ASSESSED:
        return "Cannot be assessed because no rule applies: " + "; ".join(r.reason for r in results) + "."
    if judgement == Scale.ASSURED:
        return "Assured because every rule that applies passes: " + "; ".join(_reasons(results, PASS)) + "."
    failing = "; ".join(_reasons(results, FAIL))
    if judgement == Scale.NOT_YET_ASSURED:
        return f"Not yet assured because: {failing}."
    return f"Partly assured because: {failing}; while {'; '.join(_reasons(results, PASS))}."


def draft_for(statement) -> Draft:
    """The draft judgement on ``statement``, from its rules evaluated as at its year's end, with its evidence."""
    results = [evaluate(rule, statement) for rule in statement.rules.all()]
    judgement = judge(results)
    notes = [
        {"kind": note.kind, "kind_label": note.get_kind_display(), "text": note.text, "url": note.url}
        for note in statement.notes.all()
    ]
    return Draft(judgement, explain(judgement, results), results, notes, statement.year_end)
