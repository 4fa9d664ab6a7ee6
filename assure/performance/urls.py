from django.urls import path

from . import extract_views, views

app_name = "performance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("areas/<slug:area>/", views.area_dashboard, name="area"),
    path("charts/<slug:indicator_id>.svg", views.indicator_chart, name="indicator-chart"),
    path("trends/<slug:indicator_id>.svg", views.trend_chart, name="trend-chart"),
    path("journey/", views.journey, name="journey"),
    path("journey/chart.svg", views.journey_chart, name="journey-chart"),
    path("data-quality/", views.data_quality, name="data-quality"),
    path("data-quality/dfe-rules/", extract_views.dfe_failures, name="dfe-failures"),
    path("scorecards/neglect/", views.scorecard_neglect, name="scorecard-neglect"),
    path("scorecards/exploitation/", views.scorecard_exploitation, name="scorecard-exploitation"),
    path("runs/<int:pk>/publish/", extract_views.run_publish, name="run-publish"),
    path("runs/<int:pk>/publish/confirm/", extract_views.run_publish_confirm, name="run-publish-confirm"),
    path("publications/<int:pk>/withdraw/", extract_views.publication_withdraw, name="publication-withdraw"),
    path("extracts/", extract_views.extract_list, name="extract-list"),
    path("extracts/upload/", extract_views.extract_upload, name="extract-upload"),
    path("extracts/<int:pk>/", extract_views.extract_detail, name="extract-detail"),
    path("extracts/<int:pk>/use/", extract_views.extract_use, name="extract-use"),
    path("extracts/<int:pk>/check-again/", extract_views.extract_check_again, name="extract-check-again"),
    path("extracts/<int:pk>/discard/", extract_views.extract_discard, name="extract-discard"),
    path("extracts/<int:pk>/cancel/", extract_views.extract_cancel, name="extract-cancel"),
    path("data-versions/<int:pk>/go-back/", extract_views.data_version_go_back, name="data-version-go-back"),
    path("data-versions/<int:pk>/recompute/", extract_views.data_version_recompute, name="data-version-recompute"),
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
