from django.urls import path

from . import job_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("account/", views.account, name="account"),
    path("account/two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/qr-code.svg", views.two_factor_qr_code, name="two-factor-qr-code"),
    path("account/two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/new/", views.agency_create, name="agency-create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency-edit"),
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/roles/new/", views.role_add, name="role-add"),
    path("people/<int:pk>/roles/<int:assignment_pk>/end/", views.role_end, name="role-end"),
    path("partnership/years/", views.reporting_year_list, name="reporting-year-list"),
    path("partnership/years/new/", views.reporting_year_create, name="reporting-year-create"),
    path("partnership/years/<int:pk>/edit/", views.reporting_year_edit, name="reporting-year-edit"),
    path("partnership/priorities/new/", views.priority_create, name="priority-create"),
    path("partnership/priorities/<int:pk>/edit/", views.priority_edit, name="priority-edit"),
    path("audit-trail/", views.audit_trail, name="audit-trail"),
    path("audit-trail/<int:pk>/", views.audit_entry_detail, name="audit-entry"),
    path("access-log/", views.access_log, name="access-log"),
    path("history/<str:record_type>/<int:pk>/", views.record_history, name="record-history"),
    path("background-work/", job_views.job_list, name="job-list"),
    path("background-work/<int:pk>/", job_views.job_detail, name="job-detail"),
    path("background-work/<int:pk>/status.json", job_views.job_status, name="job-status"),
    path("background-work/<int:pk>/try-again/", job_views.job_retry, name="job-retry"),
]
