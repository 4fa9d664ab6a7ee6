from django.urls import path

from assure.core.record_grants import share_urls

from . import views
from .models import Allegation

app_name = "lado"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("allegations/new/", views.allegation_create, name="allegation-create"),
    path("allegations/<int:pk>/", views.allegation_detail, name="allegation-detail"),
    path("allegations/<int:pk>/edit/", views.allegation_edit, name="allegation-edit"),
    path("allegations/<int:pk>/initial-consideration/", views.initial_consideration, name="initial-consideration"),
    path("allegations/<int:pk>/children/new/", views.child_add, name="child-add"),
    path("allegations/<int:pk>/meetings/new/", views.meeting_add, name="meeting-add"),
    path("allegations/<int:pk>/processes/new/", views.process_add, name="process-add"),
    path("allegations/<int:pk>/employer-actions/new/", views.employer_action_add, name="employer-action-add"),
    path("allegations/<int:pk>/regulator-referrals/new/", views.regulator_referral_add, name="regulator-referral-add"),
    path("allegations/<int:pk>/transfers/new/", views.transfer_add, name="transfer-add"),
    path("allegations/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("allegations/<int:pk>/close/", views.allegation_close, name="allegation-close"),
    path("allegations/<int:pk>/notes/new/", views.allegation_note_add, name="allegation-note-add"),
    path("allegations/<int:pk>/dispose/", views.allegation_dispose, name="allegation-dispose"),
    *share_urls(Allegation, "allegations/<int:pk>/shares/", name="allegation-shares"),
    path("consultations/", views.consultation_list, name="consultation-list"),
    path("consultations/new/", views.consultation_create, name="consultation-create"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path("consultations/<int:pk>/edit/", views.consultation_edit, name="consultation-edit"),
    path("consultations/<int:pk>/refer/", views.consultation_refer, name="consultation-refer"),
    path("consultations/<int:pk>/notes/new/", views.consultation_note_add, name="consultation-note-add"),
    path("notes/<int:pk>/correct/", views.note_correct, name="note-correct"),
    path("search/", views.search, name="search"),
    path("import/", views.case_import, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
    path("targets/", views.target_list, name="target-list"),
    path("targets/new/", views.target_edit, name="target-create"),
    path("targets/<int:pk>/", views.target_edit, name="target-edit"),
    path("years/", views.year_list, name="year-list"),
    path("years/<int:start_year>/published-figures/", views.year_entered, name="year-entered"),
    path("years/<int:start_year>/confirm/", views.year_confirm, name="year-confirm"),
    path("report/", views.report, name="report"),
    # The one page outside the compartment: confirmed figures for the partnership's readers (LADO figures).
    path("figures/", views.figures, name="figures"),
]
