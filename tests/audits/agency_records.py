from django.urls import reverse

from assure.audits.models import (
    CaseAgencyAudit,
    CaseAuditAnswer,
    EvidenceFile,
    RatingChange,
    Section11Answer,
    Section11Return,
)
from tests.agency_scoped import register

from . import builders

register(
    Section11Return,
    make=lambda agency, make_person: builders.section11_return(agency),
    urls=lambda record: [reverse("audits:section11-return", args=[record.pk])],
)
register(
    Section11Answer,
    make=lambda agency, make_person: builders.answer(agency),
    urls=lambda record: [
        reverse("audits:section11-answer-edit", args=[record.pk]),
        reverse("audits:section11-evidence-upload", args=[record.pk]),
    ],
)
register(
    EvidenceFile,
    make=builders.evidence_file,
    urls=lambda record: [reverse("audits:section11-evidence", args=[record.pk])],
)
register(
    RatingChange,
    make=lambda agency, make_person: builders.rating_change(agency),
    urls=lambda record: [
        reverse("audits:section11-rating-change", args=[record.progress_update_id, record.answer_id]),
    ],
)
register(
    CaseAgencyAudit,
    make=lambda agency, make_person: builders.case_agency_audit(agency),
    urls=lambda record: [
        reverse("audits:case-agency-audit", args=[record.pk]),
        reverse("audits:case-agency-audit-record", args=[record.pk]),
    ],
)
register(
    CaseAuditAnswer,
    make=lambda agency, make_person: builders.case_agency_audit(agency).answers.first(),
    urls=lambda record: [reverse("audits:case-agency-audit", args=[record.agency_audit_id])],
)
