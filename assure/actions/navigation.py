from assure.core.navigation import ASSURANCE, NavigationItem
from assure.core.permissions import Action, Area, Scope

ENTRIES = [
    # Someone who sees only their own actions has them all under "My actions".
    NavigationItem("Action register", "actions:action-list", ASSURANCE, Area.ACTIONS, reaching=Scope.AGENCY),
    NavigationItem("My actions", "actions:my-actions", ASSURANCE, Area.ACTIONS, Action.EDIT),
]
