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


register(Action, make=lambda agency, make_person: builders.action(agency), urls=_action_urls)
register(
    ActionUpdate,
    make=lambda agency, make_person: builders.action(agency).updates.create(text="Started."),
    urls=lambda update: _action_urls(update.action),
)
