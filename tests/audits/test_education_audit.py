from datetime import date

from django.core import mail
from django.urls import reverse

from assure.audits import selectors, services
from assure.audits.models import Compliance, EducationAudit, EducationProvider, FrameworkKind
from assure.core.models import ReportingYear

from . import builders


def make_audit(partnership):
    for number, (provider_type, phase) in enumerate([("maintained", "primary"), ("academy", "secondary")], start=1):
        EducationProvider.objects.create(
            partnership=partnership,
            name=f"School {number}",
            provider_type=provider_type,
            phase=phase,
            safeguarding_lead_email=f"dsl{number}@school.example",
        )
    return services.education_audit_open(
        partnership=partnership,
        reporting_year=ReportingYear.objects.get(partnership=partnership, start_year=2019),
        checklist=builders.framework(partnership, FrameworkKind.EDUCATION, ("1", "2")),
        opens_on=date(2019, 9, 16),
        deadline=date(2019, 12, 13),
    )


def test_compliance_rate_counts_returns_meeting_every_item_by_phase(partnership):
    audit = make_audit(partnership)
    items = list(audit.checklist.standards.all())
    primary = audit.returns.get(provider__phase="primary")
    services.education_return_record(
        education_return=primary,
        answers={items[0]: (Compliance.MET, ""), items[1]: (Compliance.PARTLY_MET, "Deputy untrained.")},
        returned_on=date(2019, 12, 1),
    )
    results = selectors.education_results(audit)
    assert results["totals"] == {"providers": 2, "returned": 1, "compliant": 0}
    assert [r.provider.name for r in results["non_returners"]] == ["School 2"]


def test_non_returners_are_chased_by_email(admin_client, partnership, django_capture_on_commit_callbacks):
    audit = make_audit(partnership)
    audit.returns.filter(provider__name="School 1").update(returned_on=date(2019, 12, 2))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("audits:education-chase", args=[audit.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["dsl2@school.example"]]
    chased = audit.returns.get(provider__name="School 2")
    assert chased.reminders_sent == 1


def test_the_business_unit_records_a_return_and_bad_input_saves_nothing(admin_client, partnership):
    audit = make_audit(partnership)
    education_return = audit.returns.get(provider__name="School 1")
    items = list(audit.checklist.standards.all())
    url = reverse("audits:education-return", args=[education_return.pk])
    response = admin_client.post(url, {"returned_on": "not a date", f"item_{items[0].pk}": Compliance.MET})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    education_return.refresh_from_db()
    assert education_return.returned_on is None and not education_return.answers.exists()

    admin_client.post(
        url,
        {"returned_on": "02/12/2019", f"item_{items[0].pk}": Compliance.MET, f"item_{items[1].pk}": Compliance.MET},
    )
    education_return.refresh_from_db()
    assert education_return.returned_on == date(2019, 12, 2) and education_return.answers.count() == 2


def test_the_business_unit_opens_the_years_audit_for_every_active_provider(admin_client, partnership):
    make_audit(partnership)
    response = admin_client.post(
        reverse("audits:education-audit-create"),
        {
            "reporting_year": ReportingYear.objects.get(partnership=partnership).pk,
            "checklist": EducationAudit.objects.get().checklist.pk,
            "opens_on": "14/09/2020",
            "deadline": "11/12/2020",
        },
    )
    assert response.status_code == 400
    assert "audit is already open" in response.content.decode()
    assert EducationAudit.objects.count() == 1


def test_a_provider_needs_a_type_and_phase(admin_client, partnership):
    response = admin_client.post(reverse("audits:education-provider-create"), {"name": "Arden Primary School"})
    assert response.status_code == 400
    assert "Select type" in response.content.decode()
    assert not EducationProvider.objects.exists()
