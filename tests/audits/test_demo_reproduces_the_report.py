"""The demo reproduces the annual report's audit figures (sections 3.3.2, 4.2, 4.3 and 4.4.2).

The demo is loaded once for this module (tests/audits/conftest.py).
"""

import io

import openpyxl
from django.urls import reverse

from assure.actions.models import Action, SourceKind
from assure.audits import demo as audits_demo
from assure.audits import movement, selectors
from assure.audits.models import (
    NEEDS_ACTION,
    CaseAuditProgramme,
    EducationAudit,
    EducationReturn,
    FindingKind,
    Framework,
    Inspection,
    Inspectorate,
    Rating,
    Recommendation,
    Section11ProgressUpdate,
    Section11Return,
    Section11Round,
)
from assure.core.models import AuditEntry, User


def report_movement(partnership):
    round_ = Section11Round.objects.get(partnership=partnership, name=audits_demo.ROUND_NAME)
    update = Section11ProgressUpdate.objects.get(round=round_, name=audits_demo.UPDATE_NAME)
    return round_, update, movement.movement(movement.round_point(round_), movement.update_point(update))


def test_eight_agency_returns_rated_a_standard_inadequate_or_requires_improvement(db, demo):
    round_, _, _ = report_movement(demo)
    returns = Section11Return.objects.filter(round=round_, answers__self_rating__in=NEEDS_ACTION).distinct()
    assert returns.count() == 8


def test_the_movement_matrix_equals_the_reports_figures(db, demo):
    _, _, result = report_movement(demo)
    matrix = result.overall
    assert matrix.row_total(Rating.INADEQUATE) == 11
    assert matrix.summary(Rating.INADEQUATE) == {
        "good_or_outstanding": 3,
        "requires_improvement": 6,
        "inadequate": 2,
        "not_relevant": 0,
    }
    assert matrix.row_total(Rating.REQUIRES_IMPROVEMENT) == 50
    assert matrix.summary(Rating.REQUIRES_IMPROVEMENT) == {
        "good_or_outstanding": 31,
        "requires_improvement": 17,
        "inadequate": 0,
        "not_relevant": 2,
    }


def test_the_round_shows_which_standards_most_often_need_improvement(db, demo):
    round_, _, _ = report_movement(demo)
    weakest = selectors.standards_needing_improvement(round_)
    assert sum(standard.agencies for standard in weakest) == 61
    # Every one of the 8 agencies needed to improve on the child's perspective (7.5) and the local standards.
    assert {standard.number for standard in weakest if standard.agencies == 8} == {"7.5", "9.1", "9.2", "9.3", "9.4"}


def test_the_two_still_inadequate_are_standards_7_5_and_8_6(db, demo):
    round_, update, _ = report_movement(demo)
    still = update.changes.filter(rating=Rating.INADEQUATE, answer__self_rating=Rating.INADEQUATE)
    assert sorted(change.answer.standard.number for change in still) == ["7.5", "8.6"]


def test_the_per_agency_matrices_add_up_to_the_overall_one(db, demo):
    _, _, result = report_movement(demo)
    for before, _ in movement.COLUMNS:
        for after, _ in movement.COLUMNS:
            assert sum(m.count(before, after) for _, m in result.by_agency) == result.overall.count(before, after)


def test_the_movement_page_and_its_excel_download_show_the_figures(db, admin_client, demo):
    round_, update, _ = report_movement(demo)
    params = {"from": f"round:{round_.pk}", "to": f"update:{update.pk}"}
    page = admin_client.get(reverse("audits:section11-movement"), params).content.decode()
    assert "Of the <strong>11</strong> standards rated Inadequate: <strong>3</strong> now Good or Outstanding" in page
    response = admin_client.get(reverse("audits:section11-movement"), {**params, "export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    overall = {row[1]: row for row in rows[1:] if row[0] == "All agencies"}
    assert overall["Inadequate"][-1] == 11 and overall["Requires improvement"][-1] == 50


def test_loading_the_demo_twice_changes_nothing(db, demo):
    entries = AuditEntry.objects.count()
    audits_demo.load_for(demo)
    assert AuditEntry.objects.count() == entries


def test_the_next_round_starts_from_the_ratings_after_the_progress_update(db, demo):
    current = Section11Round.objects.get(partnership=demo, name=audits_demo.CURRENT_ROUND_NAME)
    housing = current.returns.get(agency__name="Solihull Community Housing").answers.get(standard__number="8.6")
    assert housing.carried_forward and housing.self_rating == Rating.INADEQUATE
    _, update, _ = report_movement(demo)
    improved = (
        update.changes.filter(rating=Rating.GOOD).select_related("answer__section11_return", "answer__standard").first()
    )
    carried = current.returns.get(agency=improved.answer.section11_return.agency).answers.get(
        standard__number=improved.answer.standard.number
    )
    assert carried.self_rating == Rating.GOOD


def test_the_demo_has_91_providers_all_returned(db, demo):
    audit = EducationAudit.objects.get(partnership=demo)
    results = selectors.education_results(audit)
    assert results["totals"]["providers"] == 91
    assert results["totals"]["returned"] == 91
    assert results["non_returners"] == []
    assert {row["label"] for row in results["by_phase"]} >= {"Primary", "Secondary", "Post-16"}


def test_the_demo_case_audit_has_24_cases_and_6_deep_dives_3_on_exploitation(db, demo):
    programme = CaseAuditProgramme.objects.get(partnership=demo)
    assert programme.cases.count() == 24
    deep = programme.cases.filter(deep_dive=True)
    assert deep.count() == 6
    assert deep.filter(theme__slug="exploitation").count() == 3
    assert programme.findings.filter(kind=FindingKind.STRENGTH).exists()
    assert programme.findings.filter(kind=FindingKind.IMPROVEMENT).exists()
    assert Action.objects.filter(source_kind=SourceKind.CASE_AUDIT).count() == programme.recommendations.count() == 5


def test_the_demo_records_ofsted_cqc_and_the_peer_review_with_their_actions(db, admin_client, demo):
    ofsted = Inspection.objects.get(partnership=demo, inspectorate=Inspectorate.OFSTED)
    assert ofsted.overall_judgement == Rating.REQUIRES_IMPROVEMENT
    care = ofsted.sub_judgements.get(area__icontains="children in care and care leavers")
    assert care.judgement == Rating.GOOD
    assert Inspection.objects.get(inspectorate=Inspectorate.CQC).overall_judgement == Rating.GOOD
    assert Action.objects.filter(source_kind=SourceKind.INSPECTION).count() == 2
    assert Action.objects.filter(source_kind=SourceKind.PEER_REVIEW).count() == 4
    page = admin_client.get(ofsted.get_absolute_url()).content.decode()
    assert "Requires improvement" in page and "strategy meetings" in page


def test_every_audit_and_action_page_opens_on_the_demo_data(db, demo, client):
    client.force_login(User.objects.get(email="business.manager@demo.example"))
    round_, update, _ = report_movement(demo)
    section11_return = round_.returns.get(agency__name="Solihull Community Housing")
    answer = section11_return.answers.get(standard__number="8.6")
    programme = CaseAuditProgramme.objects.get(partnership=demo)
    case = programme.cases.first()
    agency_audit = case.agency_audits.first()
    action = Action.objects.for_source(answer).get()
    urls = [
        reverse("audits:audits-home"),
        reverse("audits:frameworks"),
        *(framework.get_absolute_url() for framework in Framework.objects.all()),
        reverse("audits:section11-rounds"),
        round_.get_absolute_url(),
        section11_return.get_absolute_url(),
        reverse("audits:section11-answer-moderate", args=[answer.pk]),
        reverse("audits:section11-return-reopen", args=[section11_return.pk]),
        update.get_absolute_url(),
        reverse("audits:section11-rating-change", args=[update.pk, answer.pk]),
        reverse("audits:section11-movement"),
        reverse("audits:section11-round-create"),
        reverse("audits:education-audits"),
        EducationAudit.objects.get().get_absolute_url(),
        reverse("audits:education-providers"),
        reverse("audits:education-provider-create"),
        reverse("audits:education-audit-create"),
        reverse("audits:case-audit-programme-create"),
        reverse("audits:case-audit-finding-add", args=[programme.pk]),
        reverse("audits:case-audit-agency-assign", args=[case.pk]),
        reverse("audits:framework-new-version", args=[round_.framework.pk]),
        EducationReturn.objects.first().get_absolute_url(),
        reverse("audits:case-audits"),
        programme.get_absolute_url(),
        case.get_absolute_url(),
        agency_audit.get_absolute_url(),
        reverse("audits:case-agency-audit-record", args=[agency_audit.pk]),
        reverse("audits:inspections"),
        reverse("audits:inspection-create"),
        reverse("audits:inspection-edit", args=[Inspection.objects.first().pk]),
        *(inspection.get_absolute_url() for inspection in Inspection.objects.all()),
        reverse("audits:recommendation-action-create", args=[Recommendation.objects.first().pk]),
        reverse("actions:action-list"),
        reverse("actions:my-actions"),
        action.get_absolute_url(),
        reverse("actions:action-edit", args=[action.pk]),
        reverse("actions:action-create"),
        reverse("actions:action-escalate", args=[action.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_demo_closes_actions_only_through_an_approved_closure(db, demo):
    closed = Action.objects.filter(closed_on__isnull=False)
    # The report's movement: 3 + 31 standards now Good or Outstanding and 2 not relevant; and the peer review's
    # simpler explanation of the arrangements.
    assert closed.count() == 3 + 31 + 2 + 1
    assert not closed.filter(closure_approved_by__isnull=True).exists()
    assert all(a.closure_requested_on <= a.closed_on and a.closure_evidence for a in closed)
