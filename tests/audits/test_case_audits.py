from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from assure.actions.models import Action, SourceKind
from assure.audits.models import AuditedCase, CaseAuditProgramme, Grade, Recommendation
from assure.core.permissions import Role

from . import builders


def test_a_case_is_known_only_by_a_pseudonymous_reference(admin_client, police):
    programme = builders.case_agency_audit(police).case.programme
    url = reverse("audits:case-audit-case-create", args=[programme.pk])
    theme = programme.themes.get()
    response = admin_client.post(url, {"reference": "Jane Smith", "theme": theme.pk})
    assert response.status_code == 400
    assert "Never enter a child&#x27;s name" in response.content.decode()
    assert AuditedCase.objects.count() == 1

    response = admin_client.post(url, {"reference": "ca-2019-24", "theme": theme.pk, "deep_dive": "on"})
    assert response.status_code == 302
    assert AuditedCase.objects.filter(reference="CA-2019-24", deep_dive=True).exists()


def test_a_recommendation_becomes_an_action_linked_back_to_it(admin_client, police):
    programme = builders.case_agency_audit(police).case.programme
    recommendation = Recommendation.objects.create(programme=programme, number=1, text="Review MASH representation.")
    url = reverse("audits:recommendation-action-create", args=[recommendation.pk])
    form = {"text": "Review who sits in the MASH.", "agency": police.pk}
    # An action never starts overdue.
    yesterday = timezone.localdate() - timedelta(days=1)
    refused = admin_client.post(url, {**form, "due_date": yesterday.strftime("%d/%m/%Y")})
    assert refused.status_code == 400 and "an action cannot start overdue" in refused.content.decode()
    assert not Action.objects.exists()
    in_a_year = timezone.localdate() + timedelta(days=365)
    response = admin_client.post(url, {**form, "due_date": in_a_year.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.source, action.source_kind, action.agency) == (recommendation, SourceKind.CASE_AUDIT, police)
    assert action.source_url == f"{programme.get_absolute_url()}#recommendation-1"
    assert "Review who sits in the MASH." in admin_client.get(programme.get_absolute_url()).content.decode()


def test_an_agency_lead_completes_the_common_audit_tool_for_their_agency(client, make_person, police):
    agency_audit = builders.case_agency_audit(police)
    questions = list(agency_audit.case.programme.tool.standards.all())
    lead = make_person(Role.AGENCY_LEAD, police)
    client.force_login(lead)
    url = reverse("audits:case-agency-audit-record", args=[agency_audit.pk])
    response = client.post(url, {f"grade_{questions[0].pk}": Grade.GOOD})
    assert response.status_code == 400
    assert agency_audit.answers.filter(grade=Grade.GOOD).count() == 2  # unchanged

    client.post(
        url,
        {
            f"grade_{questions[0].pk}": Grade.REQUIRES_IMPROVEMENT,
            f"comment_{questions[0].pk}": "The child's view is not recorded.",
            f"grade_{questions[1].pk}": Grade.ADEQUATE,
        },
    )
    agency_audit.refresh_from_db()
    assert agency_audit.auditor == lead and agency_audit.completed_on is not None
    first = agency_audit.answers.get(question=questions[0])
    assert (first.grade, first.comment) == (Grade.REQUIRES_IMPROVEMENT, "The child's view is not recorded.")


def test_the_business_unit_plans_a_case_audit_themed_on_priorities(admin_client, police):
    tool = builders.case_agency_audit(police).case.programme.tool
    theme = tool.partnership.priorities.get()
    response = admin_client.post(
        reverse("audits:case-audit-programme-create"),
        {
            "name": "Case audit 2020-21",
            "reporting_year": theme.first_year.pk,
            "tool": tool.pk,
            "themes": [theme.pk],
            "learning_event_on": "26/11/2020",
        },
    )
    assert response.status_code == 302
    programme = CaseAuditProgramme.objects.get(name="Case audit 2020-21")
    assert list(programme.themes.all()) == [theme]
