from django.urls import path

from assure.core.record_grants import share_urls

from .models import Incident, RapidReview, Review
from .views import cases, figures, incidents, panel

app_name = "reviews"

urlpatterns = [
    path("", panel.panel, name="panel"),
    path("clocks/", panel.clocks, name="clocks"),
    path("decisions/", panel.decision_list, name="decision-list"),
    path("decisions/new/", panel.decision_add, name="decision-add"),
    path("themes/", panel.theme_list, name="theme-list"),
    path("themes/new/", panel.theme_add, name="theme-add"),
    path("publication-rules/", panel.publication_rules, name="publication-rules"),
    path("briefings/", panel.briefing_list, name="briefing-list"),
    path("briefings/new/", panel.briefing_add, name="briefing-add"),
    path("briefings/<int:pk>/", panel.briefing_detail, name="briefing-detail"),
    path("briefings/<int:pk>/edit/", panel.briefing_edit, name="briefing-edit"),
    # Serious incidents and rapid reviews
    path("incidents/", incidents.incident_list, name="incident-list"),
    path("incidents/new/", incidents.incident_create, name="incident-create"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/edit/", incidents.incident_edit, name="incident-edit"),
    path("incidents/<int:pk>/criteria/", incidents.incident_criteria, name="incident-criteria"),
    path("incidents/<int:pk>/notification/", incidents.incident_notify, name="incident-notify"),
    path("incidents/<int:pk>/children/new/", incidents.child_add, name="child-add"),
    *share_urls(Incident, "incidents/<int:pk>/shares/", name="incident-shares"),
    path("children/<int:pk>/identity/", incidents.child_identity, name="child-identity"),
    path("rapid-reviews/<int:pk>/", incidents.rapid_review_detail, name="rapid-review-detail"),
    path("rapid-reviews/<int:pk>/recommendation/", incidents.rapid_review_recommend, name="rapid-review-recommend"),
    path("rapid-reviews/<int:pk>/decisions/new/", incidents.rapid_review_decision, name="rapid-review-decision"),
    path("rapid-reviews/<int:pk>/decide/", incidents.rapid_review_decide, name="rapid-review-decide"),
    path("rapid-reviews/<int:pk>/sent/", incidents.rapid_review_send, name="rapid-review-send"),
    path("rapid-reviews/<int:pk>/response/", incidents.rapid_review_response, name="rapid-review-response"),
    path("rapid-reviews/<int:pk>/requests/new/", incidents.information_request_add, name="information-request-add"),
    *share_urls(RapidReview, "rapid-reviews/<int:pk>/shares/", name="rapid-review-shares"),
    path("requests/<int:pk>/", incidents.information_request_detail, name="information-request-detail"),
    path("requests/<int:pk>/return/", incidents.information_request_return, name="information-request-return"),
    path("requests/<int:pk>/close/", incidents.information_request_close, name="information-request-close"),
    path("returned-files/<int:pk>/", incidents.returned_file, name="returned-file"),
    # Case reviews
    path("case-reviews/", cases.review_list, name="review-list"),
    path("case-reviews/new/", cases.review_create, name="review-create"),
    path("case-reviews/<int:pk>/", cases.review_detail, name="review-detail"),
    path("case-reviews/<int:pk>/edit/", cases.review_edit, name="review-edit"),
    path("case-reviews/<int:pk>/scoping/", cases.review_scoping, name="review-scoping"),
    path("case-reviews/<int:pk>/defer/", cases.review_defer, name="review-defer"),
    path("case-reviews/<int:pk>/decisions/new/", cases.review_decision, name="review-decision"),
    path("case-reviews/<int:pk>/decide/", cases.review_decide, name="review-decide"),
    path("case-reviews/<int:pk>/commission/", cases.review_commission, name="review-commission"),
    path("case-reviews/<int:pk>/milestones/new/", cases.milestone_add, name="review-milestone-add"),
    path("case-reviews/<int:pk>/drafts/new/", cases.draft_add, name="review-draft-add"),
    path("case-reviews/<int:pk>/sign-off/", cases.review_sign_off, name="review-sign-off"),
    path("case-reviews/<int:pk>/sign-off/mine/", cases.review_sign_off_own, name="review-sign-off-own"),
    path("case-reviews/<int:pk>/publication/", cases.review_publication, name="review-publication"),
    path("case-reviews/<int:pk>/recommendations/new/", cases.recommendation_add, name="review-recommendation-add"),
    path("case-reviews/<int:pk>/learning-events/new/", cases.learning_event_add, name="review-learning-event-add"),
    *share_urls(Review, "case-reviews/<int:pk>/shares/", name="review-shares"),
    path("deferrals/<int:pk>/end/", cases.deferral_end, name="deferral-end"),
    path("milestones/<int:pk>/edit/", cases.milestone_edit, name="milestone-edit"),
    # Review figures: no child details, for the business unit and the scrutineer too
    path("figures/", figures.figures, name="figures"),
    path("figures/<int:start_year>/confirm/", figures.figures_confirm, name="figures-confirm"),
    path("figures/decisions/", figures.figures_decisions, name="figures-decisions"),
]
