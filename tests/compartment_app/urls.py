from django.urls import path

from assure.core.record_grants import share_urls

from . import views
from .models import Concern

app_name = "compartment"

urlpatterns = [
    path("concerns/", views.concern_list, name="concern-list"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern-detail"),
    path("concerns/<int:pk>/edit/", views.concern_edit, name="concern-edit"),
    *share_urls(Concern, "concerns/<int:pk>/shares/", name="concern-shares"),
]
