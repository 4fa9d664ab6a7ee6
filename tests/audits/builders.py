"""Small records for audit tests: a three-standard framework and rounds on it."""

from datetime import date

from django.core.files.base import ContentFile

from assure.audits import services
from assure.audits.models import (
    AuditedCase,
    CaseAgencyAudit,
    CaseAuditAnswer,
    CaseAuditProgramme,
    EvidenceFile,
    Framework,
    FrameworkKind,
    Grade,
    Inspection,
    Inspectorate,
    Rating,
    RatingChange,
    Recommendation,
    Section11Answer,
    Section11ProgressUpdate,
    Section11Return,
    Standard,
)
from assure.core.models import Priority, ReportingYear
from assure.core.permissions import Role

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def framework(partnership, kind=FrameworkKind.SECTION_11, numbers=("1.1", "7.5", "8.6")) -> Framework:
    framework, created = Framework.objects.get_or_create(
        partnership=partnership, name=f"Test {kind}", version="1", defaults={"kind": kind}
    )
    if created:
        for number in numbers:
            Standard.objects.create(
                framework=framework,
                number=number,
                section=f"Section {number.split('.')[0]}",
                wording=f"Standard {number}",
            )
    return framework


def section11_round(partnership, agencies, name="Test round 2018-19", previous_round=None):
    return services.section11_round_open(
        partnership=partnership,
        name=name,
        framework=framework(partnership),
        opens_on=date(2018, 9, 1),
        deadline=date(2018, 12, 14),
        agencies=agencies,
        previous_round=previous_round,
    )


def section11_return(agency) -> Section11Return:
    round_ = section11_round(agency.partnership, [agency], name=f"Round for {agency}")
    return round_.returns.get()


def answer(agency) -> Section11Answer:
    return section11_return(agency).answers.order_by("standard__sort_key").first()


def rate_all(section11_return: Section11Return, rating=Rating.GOOD, **overrides) -> None:
    """Give every standard ``rating`` (or, by standard number, an override), checked, with evidence where a rating
    needs it: the return is ready to submit."""
    for item in section11_return.answers.select_related("standard"):
        item.self_rating = overrides.get(item.standard.number, rating)
        item.narrative = "How we meet it."
        item.checked_on = date(2018, 11, 30)
        if item.self_rating in (Rating.GOOD, Rating.OUTSTANDING):
            item.evidence_held = "Safeguarding policy, held by the safeguarding lead."
        if item.self_rating in (Rating.REQUIRES_IMPROVEMENT, Rating.INADEQUATE):
            item.planned_action = f"Improve {item.standard.number}."
        item.save()


DECLARATION = {"senior_leader_name": "Dana Chief", "senior_leader_job_title": "Chief constable", "approved": True}


def submitted(section11_return: Section11Return, *, today=date(2018, 12, 10)) -> Section11Return:
    """The return submitted through the service, with its declaration, on ``today``."""
    return services.section11_return_submit(section11_return=section11_return, by=None, today=today, **DECLARATION)


def evidence_file(agency, make_person) -> EvidenceFile:
    item = answer(agency)
    lead = make_person(Role.AGENCY_LEAD, agency)
    evidence = EvidenceFile(
        answer=item,
        stored_name="test-evidence.pdf",
        original_name="policy.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=lead,
    )
    evidence.file.save("test-evidence.pdf", ContentFile(PDF_BYTES), save=False)
    evidence.save()
    return evidence


def rating_change(agency) -> RatingChange:
    item = answer(agency)
    update = Section11ProgressUpdate.objects.create(
        round=item.section11_return.round, name="Update", requested_on=date(2019, 10, 1), due_on=date(2020, 1, 31)
    )
    return RatingChange.objects.create(progress_update=update, answer=item, rating=Rating.GOOD, evidence="Done.")


def case_agency_audit(agency) -> CaseAgencyAudit:
    partnership = agency.partnership
    year = ReportingYear.objects.get(partnership=partnership, start_year=2019)
    priority, _ = Priority.objects.get_or_create(
        partnership=partnership, slug="neglect", defaults={"name": "Neglect", "first_year": year}
    )
    programme, _ = CaseAuditProgramme.objects.get_or_create(
        partnership=partnership,
        name="Case audit",
        defaults={"reporting_year": year, "tool": framework(partnership, FrameworkKind.CASE_AUDIT, ("1", "2"))},
    )
    programme.themes.add(priority)
    case = AuditedCase.objects.create(
        programme=programme, reference=f"CA-2019-{AuditedCase.objects.count() + 1:02d}", theme=priority
    )
    audit = CaseAgencyAudit.objects.create(case=case, agency=agency)
    for question in programme.tool.standards.all():
        CaseAuditAnswer.objects.create(agency_audit=audit, question=question, grade=Grade.GOOD)
    return audit


def inspection_action(agency):
    """An action for ``agency`` on a recommendation of a partnership-wide inspection."""
    inspection = Inspection.objects.create(
        partnership=agency.partnership,
        inspectorate=Inspectorate.OFSTED,
        title="Joint targeted area inspection",
        service="Multi-agency response to neglect",
        started_on=date(2019, 11, 11),
        ended_on=date(2019, 11, 15),
    )
    recommendation = Recommendation.objects.create(inspection=inspection, number=1, text="Agree neglect training.")
    return services.recommendation_to_action(
        recommendation=recommendation,
        text=f"Train {agency.name} staff in the neglect toolkit.",
        agency=agency,
        due_date=date(2020, 9, 30),
        today=inspection.ended_on,
    )
