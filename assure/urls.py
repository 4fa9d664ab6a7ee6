from django.contrib.auth import views as auth_views
from django.urls import include, path

from .core import views as core_views
from .core.middleware import public
from .core.permissions import open_to_everyone_signed_in

password_reset_views = [
    path("password-reset/", core_views.password_reset, name="password_reset"),
    path("password-reset/sent/", public(auth_views.PasswordResetDoneView.as_view()), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", core_views.password_reset_confirm, name="password_reset_confirm"),
    path(
        "password-reset/done/", public(auth_views.PasswordResetCompleteView.as_view()), name="password_reset_complete"
    ),
    path(
        "account/password/", open_to_everyone_signed_in(auth_views.PasswordChangeView.as_view()), name="password_change"
    ),
    path(
        "account/password/done/",
        open_to_everyone_signed_in(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
]

urlpatterns = [
    path("", include("assure.core.urls")),
    path("performance/", include("assure.performance.urls")),
    path("training/", include("assure.training.urls")),
    path("audits/", include("assure.audits.urls")),
    path("actions/", include("assure.actions.urls")),
    path("reviews/", include("assure.reviews.urls")),
    path("governance/", include("assure.governance.urls")),
    path("lado/", include("assure.lado.urls")),
    *password_reset_views,
]
