from assure.core.navigation import TRAINING, NavigationItem
from assure.core.permissions import Action, Area, Scope

ENTRIES = [
    NavigationItem("Programme", "training:programme", TRAINING, Area.TRAINING, also_for=("training:module-*",)),
    NavigationItem("Courses", "training:course-list", TRAINING, Area.TRAINING),
    # Everyone who may book has "My training"; their bookings' pages belong to it unless they see a wider list.
    NavigationItem(
        "My training",
        "training:my-training",
        TRAINING,
        Area.TRAINING,
        Action.EDIT,
        fallback_for=("training:booking-list", "training:booking-detail", "training:certificate*", "training:evaluate"),
    ),
    NavigationItem(
        "Bookings",
        "training:booking-list",
        TRAINING,
        Area.TRAINING,
        reaching=Scope.AGENCY,
        also_for=(
            "training:booking-*",
            "training:waiver-*",
            "training:agency-*",
            "training:headcount-*",
            "training:certificate*",
        ),
    ),
    NavigationItem("Reports", "training:reports", TRAINING, Area.TRAINING, reaching=Scope.PARTNERSHIP),
    NavigationItem(
        "Charging and invoices",
        "training:charging",
        TRAINING,
        Area.TRAINING,
        reaching=Scope.PARTNERSHIP,
        also_for=("training:charge-rule-*",),
    ),
]
