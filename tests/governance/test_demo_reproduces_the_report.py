"""The demo's governance reproduces the 2019-20 annual report: the judgements it drafts match the report's
statements, Appendix 2 to the pound, the section 1.4 topic matrix, the groups decisions.md names, and the roll-over
to 2020-21."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from assure.core import demo as core_demo
from assure.core.models import Partnership, Priority
from assure.governance import demo, rules, selectors
from assure.governance.models import (
    AssuranceStatement,
    BudgetLine,
    Group,
    Judgement,
    PriorityYear,
    RollOver,
    Scale,
    Topic,
)
from tests.conftest import PASSWORD


@pytest.fixture(scope="module")
def solihull(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo, as ``assure demo`` loads it, once for the module and rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(VAR_DIR=tmp_path_factory.mktemp("demo")), transaction.atomic():
        partnership = core_demo.load(password=PASSWORD)
        for config in apps.get_app_configs():
            if config.name.startswith("assure.") and config.name != "assure.core":
                if importlib.util.find_spec(f"{config.name}.demo") is not None:
                    importlib.import_module(f"{config.name}.demo").load_for(partnership)
        yield partnership
        transaction.set_rollback(True)


def _statement(text_start: str) -> AssuranceStatement:
    return AssuranceStatement.objects.get(start_year=2019, text__startswith=text_start)


@pytest.mark.parametrize(
    "statement, draft",
    [
        ("GCP2 has been embedded", Scale.NOT_YET_ASSURED),
        ("The multi-agency response to children at risk of exploitation is robust", Scale.NOT_YET_ASSURED),
        ("Thresholds are applied well at the front door, and the Level 3", Scale.ASSURED),
        ("Early help at threshold Level 2", Scale.CANNOT_BE_ASSESSED),
        ("Partners are fulfilling their responsibilities", Scale.ASSURED),
        ("Education providers meet", Scale.ASSURED),
    ],
)
def test_the_drafted_2019_20_judgements_match_the_report_and_are_confirmed_as_drafted(db, solihull, statement, draft):
    found = _statement(statement)
    drafted = rules.draft_for(found)
    judgement = found.latest_judgement()
    assert drafted.judgement == draft
    assert (judgement.judgement, judgement.draft, judgement.rationale) == (draft, draft, "")


def test_gcp2_is_not_yet_assured_because_few_of_those_trained_use_it(db, solihull):
    assert rules.draft_for(_statement("GCP2 has been embedded")).explanation == (
        "Not yet assured because: Graded Care Profile 2 use: 2 of 193 trained used the tool in Q4 2019-20 (1%, "
        "below the 25% expected)."
    )


def test_lado_timeliness_drafts_partly_assured_and_is_confirmed_as_assured_with_a_rationale(db, solihull):
    # The LADO's confirmed 2019-20 figures (section 4.4.1): 41 of 50 concluded within 3 months, 82 %.
    assert rules.lado_confirmed_timeliness(solihull, 2019) == (41, 50)
    statement = _statement("Allegations against adults")
    drafted = rules.draft_for(statement)
    assert drafted.judgement == Scale.PARTLY_ASSURED
    assert "82% of allegations concluded within 3 months, below the 90% expected" in drafted.explanation
    judgement = statement.latest_judgement()
    assert judgement.judgement == Scale.ASSURED
    assert judgement.rationale.startswith("82% of allegations concluded within 3 months against the 90% expected")


def test_the_overall_conclusion_waits_for_the_partners(db, solihull):
    assert not Judgement.objects.filter(statement=_statement("Children needing targeted support")).exists()


def test_appendix_2_is_reproduced_to_the_pound(db, solihull):
    statement = selectors.budget_statement(solihull, 2019)
    for column, expected in {
        "budget": (251_431, -266_990, -15_559, 13_871),
        "actual": (236_376, -260_092, -23_716, 5_710),
    }.items():
        totals = statement[column]
        assert (totals["gross_expenditure"], totals["gross_income"], totals["net"], totals["in_year"]) == expected
    lines = {line["name"]: (line["budget"], line["actual"]) for line in statement["lines"]}
    assert len(lines) == 23
    assert lines["Other fees – independent chair"] == (18_000, 21_319)
    assert lines["Police"] == (-12_650, -12_879)
    assert lines["Carry forward"] == (-29_430, -29_426)


def test_the_budget_page_prints_appendix_2(db, solihull, client):
    from assure.core.demo import DEMO_ACCOUNTS

    client.force_login(solihull.agencies.get(name=DEMO_ACCOUNTS[0].agency).people.get(email=DEMO_ACCOUNTS[0].email))
    page = client.get(reverse("governance:budget") + "?year=2019").content.decode()
    for printed in ("£251,431", "£236,376", "-£266,990", "-£260,092", "-£15,559", "-£23,716", "£13,871", "£5,710"):
        assert printed in page, printed
    assert "budgeted for a deficit of £13,871 and ran a deficit of £5,710" in page


def test_university_hospitals_still_owes_half_its_contribution(db, solihull):
    shares = {share["partner"]: share for share in selectors.budget_statement(solihull, 2019)["shares"]}
    uhb = shares["University Hospitals Birmingham NHS Foundation Trust"]
    assert (uhb["invoiced"], uhb["paid"], uhb["outstanding"]) == (12_400, 6_200, 6_200)
    assert shares["Solihull Metropolitan Borough Council"]["statutory"]


def test_2020_21_carries_forward_2019_20_s_surplus(db, solihull):
    carry_forward = BudgetLine.objects.get(start_year=2020)
    assert (carry_forward.budget, carry_forward.actual) == (Decimal(-23_716), Decimal(-23_716))


def test_neglect_and_exploitation_roll_over_to_2020_21_and_early_help_moves_to_core_business(db, solihull):
    decisions = {year.priority.slug: year.decision for year in PriorityYear.objects.filter(start_year=2019)}
    assert decisions == {"early-help": RollOver.CORE_BUSINESS, "neglect": RollOver.KEEP, "exploitation": RollOver.KEEP}
    assert set(PriorityYear.objects.filter(start_year=2020).values_list("priority__slug", flat=True)) == {
        "neglect",
        "exploitation",
    }
    assert Priority.objects.get(slug="early-help").last_year.start_year == 2019
    neglect_2019 = PriorityYear.objects.get(start_year=2019, priority__slug="neglect")
    assert (
        neglect_2019.plan["outcomes"][1]
        == "The Graded Care Profile 2 (GCP2) used routinely in direct work with families"
    )


def test_the_topic_matrix_of_section_1_4(db, solihull):
    matrix = {row["topic"]: row for row in selectors.topic_matrix(solihull)}
    assert len(matrix) == 19
    assert matrix["Exploitation"]["reports_into"] == "Exploitation Reduction Board (reports to Solihull Together)"
    assert matrix["Exploitation"]["interested"] == ["SSAB", "LSCP", "CSP"]
    assert matrix["Unaccompanied asylum seekers"] == {
        "topic": "Unaccompanied asylum seekers",
        "detail": "",
        "reports_into": "LSCP",
        "interested": [],
    }


def test_the_groups_of_decisions_md_with_reporting_lines_as_a_graph(db, solihull):
    names = set(Group.objects.values_list("name", flat=True))
    assert {
        "Executive",
        "Standing panel",
        "Education sub-group",
        "Case audit group",
        "Exploitation Reduction Board",
        "Exploitation Reduction Delivery Group",
        "Solihull Exploitation Panel",
        "Child Death Overview Panel",
    } <= names
    board = Group.objects.get(name="Exploitation Reduction Board")
    assert set(board.reports_to.values_list("name", flat=True)) == {
        "Solihull Together",
        "Solihull Safeguarding Adults Board",
        "Executive",
        "Safer Solihull (Community Safety Partnership)",
    }
    lines_2019 = selectors.structure(solihull, 2019)["reporting_lines"]
    lines_2020 = selectors.structure(solihull, 2020)["reporting_lines"]
    assert ("Standing panel", "Executive") not in lines_2019 and ("Standing panel", "Executive") in lines_2020


def test_the_executive_met_four_times_with_every_lead_partner(db, solihull):
    rows = [row for row in selectors.attendance_report(solihull, 2019) if row["group"] == "Executive"]
    assert [(row["attended"], row["meetings"], row["percent"]) for row in rows] == [(4, 4, 100)] * 3
    assert selectors.structure(solihull, 2019)["arrangements"]["published_on"].isoformat() == "2019-05-01"


def test_the_voice_of_the_child_publishes_only_words_agreed_for_publication(db, solihull):
    voice = selectors.voice_of_the_child(solihull, 2019)
    quotes = [quote for consultation in voice["consultations"] for quote in consultation["quotes"]]
    assert len(quotes) == 5 and "I want the chance to speak for myself before others speak for me" in quotes
    counted = {row["age_band"]: str(row["children"]) for row in voice["children_consulted"]}
    assert counted == {"11 to 15": "[c]", "16 and over": "[c]"}


def test_the_challenge_to_partners_for_2020_21_by_theme(db, solihull):
    report = selectors.challenge_report(solihull, 2020)
    assert {theme: len(items) for theme, items in report["statements_by_theme"].items()} == {
        "Diversity": 2,
        "Exploitation": 2,
        "Neglect": 2,
    }
    raised = {c["subject"]: c["status"] for c in selectors.challenge_report(solihull, 2019)["challenges"]}
    assert raised == {
        "Police attendance at child protection strategy meetings": "Closed: response accepted",
        "Health representation in the MASH": "Awaiting a response",
    }
    assert selectors.challenge_report(solihull, 2019)["assessment"]["responded_on"].isoformat() == "2020-07-15"


def test_the_yearly_report_reads_confirmed_judgements_by_priority_and_core_business(db, solihull):
    judgements = selectors.confirmed_judgements(solihull, 2019)
    assert set(judgements["priorities"]) == {"Early help", "Neglect", "Exploitation"}
    assert [row["judgement"] for row in judgements["priorities"]["Neglect"]] == [Scale.NOT_YET_ASSURED]
    assert set(judgements["core_business"]) == {
        "Management of allegations (LADO)",
        "Education",
        "Section 11",
        "Overall conclusion",
    }
    report = {row["priority"]: row for row in selectors.priority_report(solihull, 2019)}
    assert report["Neglect"]["to_improve"][0] == "Use of GCP2 is low compared with the number trained"


def test_loading_the_governance_demo_twice_changes_nothing(db, solihull):
    counts = [
        model.objects.count() for model in (AssuranceStatement, Judgement, Group, Topic, BudgetLine, PriorityYear)
    ]
    demo.load_for(Partnership.objects.get(pk=solihull.pk))
    assert [
        model.objects.count() for model in (AssuranceStatement, Judgement, Group, Topic, BudgetLine, PriorityYear)
    ] == counts
