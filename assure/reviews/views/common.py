from assure.core.models import Partnership
from assure.core.permissions import Action, OutOfReach, may

from .. import selectors


def partnership() -> Partnership:
    return Partnership.current()


def own_assignment(user):
    """The lead partner role through which ``user`` decides or signs off, or a 404 for anyone without one."""
    assignment = selectors.deciders(partnership()).filter(user=user).first()
    if assignment is None:
        raise OutOfReach("Only a lead safeguarding partner of a statutory partner, or their delegate, decides here.")
    return assignment


def editable(user, record) -> bool:
    return may(user, Action.EDIT, record)
