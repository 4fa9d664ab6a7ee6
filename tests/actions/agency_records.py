from django.urls import reverse

from assure.actions.models import Action, ActionUpdate
from tests.agency_scoped import register

from . import builders


def _action_urls(action):
    return [
        reverse("actions:action-detail", args=[action.pk]),
        reverse("actions:action-edit", args=[action.pk]),
        reverse("actions:action-update-add", args=[action.pk]),
        reverse("actions:action-closure-request", args=[action.pk]),
    ]


def _register_pages(action):
    shown = [action.text, action.get_absolute_url()]
    return [(reverse("actions:action-list"), shown), (reverse("actions:my-actions"), shown)]


register(
    Action,
    make=lambda agency, make_person: builders.action(agency, text=f"Publish the {agency.name} dashboard."),
    urls=_action_urls,
    listed_on=_register_pages,
)
register(
    ActionUpdate,
    make=lambda agency, make_person: builders.action(agency).updates.create(text="Started."),
    urls=lambda update: _action_urls(update.action),
)
