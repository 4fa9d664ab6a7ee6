from assure.core.navigation import NavigationItem
from assure.core.permissions import Area

ITEMS = [
    NavigationItem("Performance", "performance:dashboard", Area.PERFORMANCE),
    NavigationItem("Agency returns", "performance:return-list", Area.AGENCY_RETURNS),
]
