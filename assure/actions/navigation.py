from assure.core.navigation import NavigationItem
from assure.core.permissions import Area

ITEMS = [NavigationItem("Actions", "actions:action-list", Area.ACTIONS)]
