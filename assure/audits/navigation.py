from assure.core.navigation import ASSURANCE, NavigationItem
from assure.core.permissions import Area

ENTRIES = [NavigationItem("Audits", "audits:audits-home", ASSURANCE, Area.AUDITS)]
