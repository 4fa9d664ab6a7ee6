from assure.core.navigation import NavigationItem
from assure.core.permissions import Area

ITEMS = [NavigationItem("Audits", "audits:audits-home", Area.AUDITS)]
