from assure.core.navigation import PERFORMANCE, NavigationItem
from assure.core.permissions import Action, Area

DASHBOARDS, DATA, SETTINGS = "Dashboards", "Data", "Settings"

ENTRIES = [
    NavigationItem("Overview", "performance:dashboard", PERFORMANCE, Area.PERFORMANCE, group=DASHBOARDS),
    NavigationItem("Child's journey", "performance:journey", PERFORMANCE, Area.PERFORMANCE, group=DASHBOARDS),
    NavigationItem(
        "Neglect scorecard", "performance:scorecard-neglect", PERFORMANCE, Area.PERFORMANCE, group=DASHBOARDS
    ),
    NavigationItem(
        "Exploitation scorecard", "performance:scorecard-exploitation", PERFORMANCE, Area.PERFORMANCE, group=DASHBOARDS
    ),
    NavigationItem("Any period", "performance:custom-period", PERFORMANCE, Area.PERFORMANCE, group=DASHBOARDS),
    NavigationItem("Quarterly returns", "performance:return-list", PERFORMANCE, Area.AGENCY_RETURNS, group=DATA),
    NavigationItem("Child-level extracts", "performance:extract-list", PERFORMANCE, Area.CHILD_LEVEL, group=DATA),
    NavigationItem("Data quality", "performance:data-quality", PERFORMANCE, Area.PERFORMANCE, group=DATA),
    # Targets and England's figures are read on every dashboard; only those who set them need their pages.
    NavigationItem("Targets", "performance:target-list", PERFORMANCE, Area.PERFORMANCE, Action.EDIT, group=SETTINGS),
    NavigationItem(
        "England benchmarks", "performance:benchmark-list", PERFORMANCE, Area.PERFORMANCE, Action.EDIT, group=SETTINGS
    ),
]
