from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("", views.action_list, name="action-list"),
    path("mine/", views.my_actions, name="my-actions"),
    path("new/", views.action_create, name="action-create"),
    path("<int:pk>/", views.action_detail, name="action-detail"),
    path("<int:pk>/edit/", views.action_edit, name="action-edit"),
    path("<int:pk>/progress/", views.action_update_add, name="action-update-add"),
    path("<int:pk>/close/", views.action_closure_request, name="action-closure-request"),
    path("<int:pk>/close/approve/", views.action_closure_approve, name="action-closure-approve"),
    path("<int:pk>/close/refuse/", views.action_closure_refuse, name="action-closure-refuse"),
    path("<int:pk>/escalate/", views.action_escalate, name="action-escalate"),
    path("<int:pk>/close-as-resolved/", views.action_close_as_resolved, name="action-close-as-resolved"),
]
