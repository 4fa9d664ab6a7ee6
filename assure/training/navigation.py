from assure.core.navigation import NavigationItem
from assure.core.permissions import Area

ITEMS = [NavigationItem("Training", "training:programme", Area.TRAINING)]
