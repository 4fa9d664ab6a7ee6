from django.urls import reverse

from assure.actions.models import Action
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


def _action_urls(action):
    return [
        reverse("actions:action-detail", args=[action.pk]),
        reverse("actions:action-edit", args=[action.pk]),
        reverse("actions:action-update-add", args=[action.pk]),
    ]


def _pages_listing(action):
    """The register, the person's own actions and the inspection: every page an inspection's action is listed on."""
    shown = [action.text, action.get_absolute_url()]
    return [
        (reverse("actions:action-list"), shown),
        (reverse("actions:my-actions"), shown),
        (action.source.inspection.get_absolute_url(), shown),
    ]


register(
    Action,
    make=lambda agency, make_person: builders.inspection_action(agency),
    urls=_action_urls,
    listed_on=_pages_listing,
)
