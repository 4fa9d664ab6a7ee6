from django.urls import path

from . import views

app_name = "performance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("areas/<slug:area>/", views.area_dashboard, name="area"),
    path("charts/<slug:indicator_id>.svg", views.indicator_chart, name="indicator-chart"),
    path("journey/", views.journey, name="journey"),
    path("journey/chart.svg", views.journey_chart, name="journey-chart"),
    path("data-quality/", views.data_quality, name="data-quality"),
    path("scorecards/neglect/", views.scorecard_neglect, name="scorecard-neglect"),
    path("scorecards/exploitation/", views.scorecard_exploitation, name="scorecard-exploitation"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run-publish"),
    path("extracts/", views.extract_list, name="extract-list"),
    path("extracts/upload/", views.extract_upload, name="extract-upload"),
    path("extracts/<int:pk>/", views.extract_detail, name="extract-detail"),
    path("targets/", views.target_list, name="target-list"),
    path("targets/new/", views.target_edit, name="target-create"),
    path("targets/<int:pk>/", views.target_edit, name="target-edit"),
    path("benchmarks/", views.benchmark_list, name="benchmark-list"),
    path("benchmarks/upload/", views.benchmark_upload, name="benchmark-upload"),
    path("custom-period/", views.custom_period, name="custom-period"),
    path("returns/", views.return_list, name="return-list"),
    path("returns/due/", views.returns_due, name="returns-due"),
    path("returns/new/", views.return_start, name="return-start"),
    path("returns/<int:pk>/", views.return_detail, name="return-detail"),
    path("returns/<int:pk>/accept/", views.return_accept, name="return-accept"),
    path("returns/<int:pk>/reopen/", views.return_reopen, name="return-reopen"),
    path("returns/upload/<int:dataset_pk>/", views.returns_upload, name="returns-upload"),
]
