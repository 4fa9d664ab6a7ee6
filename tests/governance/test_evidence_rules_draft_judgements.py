"""Each evidence rule alone, and rules combined, give the draft decisions.md section 8 sets, as at the year's end."""

from datetime import date

import pytest

from assure.actions.services import action_approve_closure, action_request_closure
from assure.audits.models import (
    CaseAuditFinding,
    CaseAuditProgramme,
    EducationAudit,
    EducationProvider,
    EducationReturn,
    FindingKind,
    FrameworkKind,
    Rating,
    RatingChange,
    Section11ProgressUpdate,
)
from assure.core.models import ReportingYear
from assure.core.permissions import Role
from assure.governance import rules
from assure.governance.models import CoreArea, RuleKind, Scale
from assure.performance.models import AggregateDataset, AggregateMeasure, AggregateReturn
from assure.performance.services import aggregate_return_accept, aggregate_return_save, aggregate_return_submit
from assure.training.models import WorkforceHeadcount
from tests.actions.builders import action
from tests.audits import builders as audits

from . import builders
from .builders import threshold

RE_REFERRALS = "re_referrals_12m_pct"  # lower is better


def _draft(statement):
    return rules.draft_for(statement)


def _outcomes(draft):
    return [result.outcome for result in draft.results]


# Indicators ------------------------------------------------------------------------------------------------------


def test_an_indicator_on_the_right_side_of_target_and_no_worse_than_last_year_passes(partnership):
    builders.target(partnership, RE_REFERRALS, 22)
    builders.run(partnership, {(RE_REFERRALS, 2019): (200, 1000), (RE_REFERRALS, 2018): (210, 1000)})
    draft = _draft(builders.statement(partnership, (RuleKind.INDICATOR, {"indicator_id": RE_REFERRALS})))
    assert (_outcomes(draft), draft.judgement) == (["pass"], Scale.ASSURED)
    assert draft.results[0].found == "20.0% in 2019-20, against a target of 22.0% (lower is better); 21.0% in 2018-19"
    assert draft.results[0].url == "/performance/areas/front-door/?year=2019"


def test_an_indicator_worse_than_target_fails(partnership):
    builders.target(partnership, RE_REFERRALS, 22)
    builders.run(partnership, {(RE_REFERRALS, 2019): (1001, 3061), (RE_REFERRALS, 2018): (400, 1000)})
    draft = _draft(builders.statement(partnership, (RuleKind.INDICATOR, {"indicator_id": RE_REFERRALS})))
    assert (_outcomes(draft), draft.judgement) == (["fail"], Scale.NOT_YET_ASSURED)
    assert draft.explanation == "Not yet assured because: Re-referrals within 12 months worse than target."


def test_an_indicator_within_target_but_worse_than_last_year_fails(partnership):
    builders.target(partnership, RE_REFERRALS, 22)
    builders.run(partnership, {(RE_REFERRALS, 2019): (200, 1000), (RE_REFERRALS, 2018): (150, 1000)})
    draft = _draft(builders.statement(partnership, (RuleKind.INDICATOR, {"indicator_id": RE_REFERRALS})))
    assert _outcomes(draft) == ["fail"]
    assert draft.results[0].reason == "Re-referrals within 12 months worse than last year"


@pytest.mark.parametrize(
    "indicator_id, with_target, published, why",
    [
        (RE_REFERRALS, False, True, "Re-referrals within 12 months has no target for 2019-20"),
        (RE_REFERRALS, True, False, "Re-referrals within 12 months has no published figure for 2019-20"),
        ("referrals", True, True, "Higher is not better or worse for referrals"),
    ],
)
def test_an_indicator_without_a_target_a_published_figure_or_a_polarity_does_not_apply(
    partnership, indicator_id, with_target, published, why
):
    if with_target:
        builders.target(partnership, indicator_id, 22)
    builders.run(partnership, {(indicator_id, 2019): (200, 1000)}, published=published)
    draft = _draft(builders.statement(partnership, (RuleKind.INDICATOR, {"indicator_id": indicator_id})))
    assert (_outcomes(draft), draft.judgement) == (["not_applicable"], Scale.CANNOT_BE_ASSESSED)
    assert draft.results[0].reason == why
    assert draft.explanation == f"Cannot be assessed because no rule applies: {why}."


def test_the_published_run_in_force_is_read_never_working_figures(partnership):
    builders.target(partnership, RE_REFERRALS, 22)
    builders.run(partnership, {(RE_REFERRALS, 2019): (200, 1000)})
    builders.run(partnership, {(RE_REFERRALS, 2019): (900, 1000)}, published=False)
    draft = _draft(builders.statement(partnership, (RuleKind.INDICATOR, {"indicator_id": RE_REFERRALS})))
    assert _outcomes(draft) == ["pass"]


# Section 11 movement ---------------------------------------------------------------------------------------------


def _section_11(partnership, police, council):
    """Police rated 7.5 Requires improvement and 8.6 Inadequate; the council rated 1.1 Inadequate. By January 2020
    7.5 and the council's 1.1 were Good; 8.6 was Good only in May 2020, after the year ended."""
    round_ = audits.section11_round(partnership, [police, council])
    audits.rate_all(
        round_.returns.get(agency=police), Rating.GOOD, **{"7.5": Rating.REQUIRES_IMPROVEMENT, "8.6": Rating.INADEQUATE}
    )
    audits.rate_all(round_.returns.get(agency=council), Rating.GOOD, **{"1.1": Rating.INADEQUATE})
    update = Section11ProgressUpdate.objects.create(
        round=round_, name="Update", requested_on=date(2019, 10, 1), due_on=date(2020, 1, 31)
    )
    answers = {
        (a.section11_return.agency, a.standard.number): a for a in round_.returns.get(agency=police).answers.all()
    }
    answers |= {
        (a.section11_return.agency, a.standard.number): a for a in round_.returns.get(agency=council).answers.all()
    }
    for (agency, number), on in (
        ((police, "7.5"), date(2020, 1, 20)),
        ((council, "1.1"), date(2020, 1, 20)),
        ((police, "8.6"), date(2020, 5, 1)),
    ):
        RatingChange.objects.create(
            progress_update=update, answer=answers[agency, number], rating=Rating.GOOD, changed_on=on, evidence="Done."
        )


@pytest.mark.parametrize("least, outcome", [(66, "pass"), (67, "fail")])
def test_section_11_standards_moved_up_by_the_year_end_count_and_later_moves_do_not(
    partnership, police, council, least, outcome
):
    _section_11(partnership, police, council)
    draft = _draft(builders.core_statement(partnership, (RuleKind.SECTION_11_MOVEMENT, threshold(least))))
    assert _outcomes(draft) == [outcome]
    assert draft.results[0].found.startswith("2 of the 3 standards rated Inadequate or Requires improvement")


def test_section_11_movement_does_not_apply_before_any_round(partnership):
    draft = _draft(builders.core_statement(partnership, (RuleKind.SECTION_11_MOVEMENT, threshold(50))))
    assert _outcomes(draft) == ["not_applicable"]


# Overdue actions, as at 31 March -------------------------------------------------------------------------------


def _priority_action(police, due_date):
    made = action(police, due_date=due_date)
    made.priority = builders.priority(police.partnership)
    made.created_on = date(2019, 6, 1)
    made.save()
    return made


def test_an_action_overdue_on_31_march_fails_the_rule(partnership, police):
    _priority_action(police, date(2020, 1, 31))
    _priority_action(police, date(2020, 6, 30))
    draft = _draft(builders.statement(partnership, (RuleKind.OVERDUE_ACTIONS, threshold(0))))
    assert (_outcomes(draft), draft.judgement) == (["fail"], Scale.NOT_YET_ASSURED)
    assert draft.results[0].found == "1 of 2 actions for neglect were overdue on 31 March 2020"


def test_closing_an_action_on_1_may_2020_does_not_change_the_2019_20_draft(partnership, police, admin_user):
    overdue = _priority_action(police, date(2020, 1, 31))
    statement = builders.statement(partnership, (RuleKind.OVERDUE_ACTIONS, threshold(0)))
    before = _draft(statement)
    action_request_closure(action=overdue, by=admin_user, evidence="Done at last.", today=date(2020, 4, 28))
    action_approve_closure(action=overdue, by=admin_user, today=date(2020, 5, 1))
    after = _draft(statement)
    assert after.judgement == before.judgement == Scale.NOT_YET_ASSURED
    assert after.snapshot()["results"] == before.snapshot()["results"]


def test_an_action_closed_before_the_year_end_is_not_overdue(partnership, police, admin_user):
    closed = _priority_action(police, date(2020, 1, 31))
    action_request_closure(action=closed, by=admin_user, evidence="Done.", today=date(2020, 1, 20))
    action_approve_closure(action=closed, by=admin_user, today=date(2020, 1, 25))
    draft = _draft(builders.statement(partnership, (RuleKind.OVERDUE_ACTIONS, threshold(0))))
    assert _outcomes(draft) == ["pass"]


def test_actions_added_after_the_year_end_are_left_out(partnership, police):
    later = _priority_action(police, date(2020, 4, 30))
    later.created_on = date(2020, 4, 2)
    later.save()
    draft = _draft(builders.statement(partnership, (RuleKind.OVERDUE_ACTIONS, threshold(0))))
    assert _outcomes(draft) == ["not_applicable"]


# Training ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("least, outcome", [(3, "pass"), (4, "fail")])
def test_practitioners_trained_on_the_priority_s_modules_in_the_year(partnership, police, make_person, least, outcome):
    neglect = builders.priority(partnership)
    people = [make_person(Role.PRACTITIONER, police) for _ in range(3)]
    builders.trained(builders.module(partnership, "6c", priority_=neglect), people, on=date(2019, 11, 5))
    builders.trained(builders.module(partnership, "6c", priority_=neglect), people[:1], on=date(2020, 4, 2))
    draft = _draft(builders.statement(partnership, (RuleKind.TRAINING_REACH, threshold(least))))
    assert _outcomes(draft) == [outcome]
    assert draft.results[0].found == "3 practitioners trained on module 6c in 2019-20"


def test_training_reach_can_name_modules_and_does_not_apply_without_one(partnership):
    draft = _draft(builders.statement(partnership, (RuleKind.TRAINING_REACH, {"module_codes": "MA", **threshold(1)})))
    assert (_outcomes(draft), draft.results[0].reason) == (["not_applicable"], "No module numbered MA")


@pytest.mark.parametrize("least, outcome", [(25, "pass"), (26, "fail")])
def test_training_take_up_against_the_workforce_strategy(partnership, police, make_person, least, outcome):
    WorkforceHeadcount.objects.create(
        agency=police, reporting_year=ReportingYear.objects.get(start_year=2019), headcount=8
    )
    builders.trained(
        builders.module(partnership, "2", hours=6), [make_person(Role.PRACTITIONER, police) for _ in range(2)]
    )
    draft = _draft(builders.statement(partnership, (RuleKind.WORKFORCE_TRAINING, threshold(least))))
    assert _outcomes(draft) == [outcome]
    assert draft.results[0].found == "2 of 8 staff in 1 agencies met the strategy (25%)"


def test_workforce_take_up_does_not_apply_without_headcounts(partnership):
    draft = _draft(builders.statement(partnership, (RuleKind.WORKFORCE_TRAINING, threshold(50))))
    assert _outcomes(draft) == ["not_applicable"]


# Tool use in quarterly returns --------------------------------------------------------------------------------


def _gcp2_returns(partnership, agency, quarters):
    dataset = AggregateDataset.objects.create(partnership=partnership, code="gcp2", name="Graded Care Profile 2 use")
    dataset.agencies.set([agency])
    AggregateMeasure.objects.create(dataset=dataset, code="people_trained", label="Total people trained", order=0)
    AggregateMeasure.objects.create(
        dataset=dataset, code="practitioners_using", label="Practitioners using it", order=1
    )
    for quarter, (people_trained, using) in quarters.items():
        aggregate_return = AggregateReturn.objects.create(
            dataset=dataset, agency=agency, start_year=2019, quarter=quarter
        )
        aggregate_return_save(
            aggregate_return=aggregate_return,
            values={"people_trained": people_trained, "practitioners_using": using},
            by=None,
        )
        aggregate_return_submit(aggregate_return=aggregate_return, by=None)
        aggregate_return_accept(aggregate_return=aggregate_return, by=None)


TOOL_USE = {"dataset_code": "gcp2", "measure_code": "practitioners_using", "base_measure_code": "people_trained"}


@pytest.mark.parametrize("least, outcome", [(1, "pass"), (25, "fail")])
def test_tool_use_in_the_year_s_last_quarter_returned(partnership, council, least, outcome):
    _gcp2_returns(partnership, council, {1: (168, 70), 4: (193, 2)})
    draft = _draft(builders.statement(partnership, (RuleKind.TOOL_USE, {**TOOL_USE, **threshold(least)})))
    assert _outcomes(draft) == [outcome]
    assert draft.results[0].found == (
        "Graded Care Profile 2 use, Q4 2019-20: Practitioners using it 2; total people trained 193 (1%)"
    )


def test_tool_use_does_not_apply_without_accepted_returns(partnership):
    draft = _draft(builders.statement(partnership, (RuleKind.TOOL_USE, {**TOOL_USE, **threshold(25)})))
    assert _outcomes(draft) == ["not_applicable"]


# Case audits and the education audit -------------------------------------------------------------------------


def _case_audit(partnership, start_year, improvements):
    neglect = builders.priority(partnership)
    programme = CaseAuditProgramme.objects.create(
        partnership=partnership,
        reporting_year=ReportingYear.objects.get_or_create(partnership=partnership, start_year=start_year)[0],
        name=f"Case audit {start_year}",
        tool=audits.framework(partnership, kind=FrameworkKind.CASE_AUDIT),
    )
    programme.themes.set([neglect])
    for number in range(improvements):
        CaseAuditFinding.objects.create(
            programme=programme, kind=FindingKind.IMPROVEMENT, theme=neglect, text=f"Gap {number}"
        )
    CaseAuditFinding.objects.create(programme=programme, kind=FindingKind.STRENGTH, theme=neglect, text="Strength")


@pytest.mark.parametrize("most, outcome", [(2, "pass"), (1, "fail")])
def test_case_audit_areas_for_improvement_on_the_priority_in_the_year(partnership, most, outcome):
    _case_audit(partnership, 2019, improvements=2)
    _case_audit(partnership, 2018, improvements=5)
    draft = _draft(builders.statement(partnership, (RuleKind.CASE_AUDIT_FINDINGS, threshold(most))))
    assert _outcomes(draft) == [outcome]
    assert draft.results[0].details == ("Gap 0", "Gap 1")


def test_case_audit_findings_do_not_apply_without_an_audit_on_the_theme(partnership):
    draft = _draft(builders.statement(partnership, (RuleKind.CASE_AUDIT_FINDINGS, threshold(0))))
    assert _outcomes(draft) == ["not_applicable"]


@pytest.mark.parametrize("least, outcome", [(50, "pass"), (51, "fail")])
def test_education_providers_returning_the_audit_by_the_year_end(partnership, least, outcome):
    audit = EducationAudit.objects.create(
        partnership=partnership,
        reporting_year=ReportingYear.objects.get(start_year=2019),
        checklist=audits.framework(partnership, kind=FrameworkKind.EDUCATION),
        opens_on=date(2019, 9, 16),
        deadline=date(2019, 12, 13),
    )
    for number, returned_on in enumerate([date(2019, 12, 2), date(2020, 3, 31), None, date(2020, 4, 1)]):
        provider = EducationProvider.objects.create(
            partnership=partnership,
            name=f"School {number}",
            provider_type="academy",
            phase="primary",
            safeguarding_lead_email=f"dsl{number}@school.example",
        )
        EducationReturn.objects.create(audit=audit, provider=provider, returned_on=returned_on)
    draft = _draft(
        builders.core_statement(partnership, (RuleKind.EDUCATION_RETURNS, threshold(least)), area=CoreArea.EDUCATION)
    )
    assert _outcomes(draft) == [outcome]
    assert draft.results[0].found.startswith("2 of 4 providers returned")


# LADO timeliness -------------------------------------------------------------------------------------------------


def test_lado_timeliness_does_not_apply_until_the_lado_s_figures_are_confirmed(partnership):
    draft = _draft(builders.core_statement(partnership, (RuleKind.LADO_TIMELINESS, threshold(90)), area=CoreArea.LADO))
    assert (_outcomes(draft), draft.results[0].reason) == (
        ["not_applicable"],
        "The LADO's figures for 2019-20 are not confirmed",
    )


@pytest.mark.parametrize("concluded_within, outcome", [((41, 50), "fail"), ((45, 50), "pass")])
def test_lado_timeliness_reads_the_lado_s_confirmed_figures(partnership, monkeypatch, concluded_within, outcome):
    monkeypatch.setattr(rules, "lado_confirmed_timeliness", lambda partnership, start_year: concluded_within)
    draft = _draft(builders.core_statement(partnership, (RuleKind.LADO_TIMELINESS, threshold(90)), area=CoreArea.LADO))
    assert _outcomes(draft) == [outcome]


# Combined --------------------------------------------------------------------------------------------------------


def _combined(partnership, police, council, *, actions_overdue: bool, target: float):
    builders.target(partnership, RE_REFERRALS, target)
    builders.run(partnership, {(RE_REFERRALS, 2019): (200, 1000)})
    _priority_action(police, date(2020, 1, 31) if actions_overdue else date(2020, 9, 30))
    return builders.statement(
        partnership,
        (RuleKind.INDICATOR, {"indicator_id": RE_REFERRALS}),
        (RuleKind.OVERDUE_ACTIONS, threshold(0)),
        (RuleKind.LADO_TIMELINESS, threshold(90)),
    )


@pytest.mark.parametrize(
    "actions_overdue, target, judgement",
    [
        (False, 22, Scale.ASSURED),
        (True, 22, Scale.PARTLY_ASSURED),
        (True, 10, Scale.NOT_YET_ASSURED),
    ],
)
def test_rules_combined_draft_by_how_many_of_those_that_apply_pass(
    partnership, police, council, actions_overdue, target, judgement
):
    draft = _draft(_combined(partnership, police, council, actions_overdue=actions_overdue, target=target))
    assert draft.judgement == judgement
    assert _outcomes(draft)[2] == "not_applicable"


def test_a_partly_assured_draft_says_what_failed_and_what_passed(partnership, police, council):
    draft = _draft(_combined(partnership, police, council, actions_overdue=True, target=22))
    assert draft.explanation == (
        "Partly assured because: 1 overdue action for neglect, more than the 0 allowed; "
        "while Re-referrals within 12 months on target and not worsening."
    )


def test_several_indicators_are_explained_as_a_count(partnership):
    # indicator: (per thousand this year, target); three are worse than target, two better.
    figures = {
        RE_REFERRALS: (300, 22),
        "cpp_open_18m_pct": (80, 5),
        "cpp_repeat_within_2y_pct": (200, 10),
        "assessments_within_45wd_pct": (900, 85),
        "icpc_within_15wd_pct": (950, 85),
    }
    for indicator_id, (_, target) in figures.items():
        builders.target(partnership, indicator_id, target)
    builders.run(
        partnership, {(indicator_id, 2019): (per_thousand, 1000) for indicator_id, (per_thousand, _) in figures.items()}
    )
    statement = builders.statement(
        partnership, *[(RuleKind.INDICATOR, {"indicator_id": indicator_id}) for indicator_id in figures]
    )
    draft = _draft(statement)
    assert draft.judgement == Scale.PARTLY_ASSURED
    assert draft.explanation.startswith(
        "Partly assured because: 3 of 5 linked indicators worse than target or last year; while 2 of 5 linked "
        "indicators on target and not worsening"
    )


def test_a_statement_without_rules_cannot_be_assessed(partnership):
    draft = _draft(builders.statement(partnership))
    assert (draft.judgement, draft.explanation) == (
        Scale.CANNOT_BE_ASSESSED,
        "Cannot be assessed: no evidence rules are set for this statement.",
    )
