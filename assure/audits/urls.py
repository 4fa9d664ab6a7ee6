from django.urls import path

from .views import case_audits, education, frameworks, inspections, section11

app_name = "audits"

urlpatterns = [
    path("", frameworks.audits_home, name="audits-home"),
    path("frameworks/", frameworks.framework_list, name="frameworks"),
    path("frameworks/<int:pk>/", frameworks.framework_detail, name="framework-detail"),
    path("frameworks/<int:pk>/new-version/", frameworks.framework_new_version, name="framework-new-version"),
    path("frameworks/<int:pk>/standards/new/", frameworks.standard_add, name="standard-add"),
    path("standards/<int:pk>/edit/", frameworks.standard_edit, name="standard-edit"),
    path("section-11/", section11.round_list, name="section11-rounds"),
    path("section-11/new/", section11.round_create, name="section11-round-create"),
    path("section-11/movement/", section11.movement_analysis, name="section11-movement"),
    path("section-11/<int:pk>/", section11.round_detail, name="section11-round"),
    path(
        "section-11/<int:pk>/progress-updates/new/",
        section11.progress_update_create,
        name="section11-progress-update-create",
    ),
    path("section-11/returns/<int:pk>/", section11.return_detail, name="section11-return"),
    path("section-11/returns/<int:pk>/submit/", section11.return_submit, name="section11-return-submit"),
    path("section-11/returns/<int:pk>/reopen/", section11.return_reopen, name="section11-return-reopen"),
    path("section-11/answers/<int:pk>/", section11.answer_edit, name="section11-answer-edit"),
    path("section-11/answers/<int:pk>/evidence/", section11.evidence_upload, name="section11-evidence-upload"),
    path("section-11/answers/<int:pk>/moderate/", section11.answer_moderate, name="section11-answer-moderate"),
    path("section-11/evidence/<int:pk>/", section11.evidence_download, name="section11-evidence"),
    path("section-11/evidence/<int:pk>/remove/", section11.evidence_remove, name="section11-evidence-remove"),
    path("section-11/progress-updates/<int:pk>/", section11.progress_update_detail, name="section11-progress-update"),
    path(
        "section-11/progress-updates/<int:pk>/answers/<int:answer_pk>/",
        section11.rating_change_record,
        name="section11-rating-change",
    ),
    path("education/", education.audit_list, name="education-audits"),
    path("education/new/", education.audit_create, name="education-audit-create"),
    path("education/providers/", education.provider_list, name="education-providers"),
    path("education/providers/new/", education.provider_create, name="education-provider-create"),
    path("education/providers/<int:pk>/", education.provider_edit, name="education-provider-edit"),
    path("education/<int:pk>/", education.audit_detail, name="education-audit"),
    path("education/<int:pk>/chase/", education.chase_non_returners, name="education-chase"),
    path("education/returns/<int:pk>/", education.return_record, name="education-return"),
    path("case-audits/", case_audits.programme_list, name="case-audits"),
    path("case-audits/new/", case_audits.programme_create, name="case-audit-programme-create"),
    path("case-audits/<int:pk>/", case_audits.programme_detail, name="case-audit-programme"),
    path("case-audits/<int:pk>/cases/new/", case_audits.case_create, name="case-audit-case-create"),
    path(
        "case-audits/<int:pk>/recommendations/new/",
        case_audits.recommendation_add,
        name="case-audit-recommendation-add",
    ),
    path("case-audits/<int:pk>/findings/new/", case_audits.finding_add, name="case-audit-finding-add"),
    path("case-audits/cases/<int:pk>/", case_audits.case_detail, name="case-audit-case"),
    path("case-audits/cases/<int:pk>/agencies/new/", case_audits.agency_assign, name="case-audit-agency-assign"),
    path("case-audits/agency-audits/<int:pk>/", case_audits.agency_audit_detail, name="case-agency-audit"),
    path(
        "case-audits/agency-audits/<int:pk>/answers/", case_audits.agency_audit_record, name="case-agency-audit-record"
    ),
    path("inspections/", inspections.inspection_list, name="inspections"),
    path("inspections/new/", inspections.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection-detail"),
    path("inspections/<int:pk>/edit/", inspections.inspection_edit, name="inspection-edit"),
    path("inspections/<int:pk>/judgements/new/", inspections.sub_judgement_add, name="inspection-judgement-add"),
    path("inspections/<int:pk>/updates/new/", inspections.inspection_update_add, name="inspection-update-add"),
    path(
        "inspections/<int:pk>/recommendations/new/",
        inspections.recommendation_add,
        name="inspection-recommendation-add",
    ),
    path(
        "recommendations/<int:pk>/actions/new/",
        inspections.recommendation_action_create,
        name="recommendation-action-create",
    ),
]
