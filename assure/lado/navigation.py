from assure.core.navigation import ASSURANCE, NavigationItem
from assure.core.permissions import Area

ENTRIES = [
    # The compartment: only the LADO role reaches these (a person with a share opens the one record from its link).
    NavigationItem(
        "Cases",
        "lado:case-list",
        ASSURANCE,
        Area.LADO,
        group="LADO",
        also_for=(
            "lado:allegation-*",
            "lado:initial-consideration",
            "lado:child-add",
            "lado:meeting-add",
            "lado:process-add",
            "lado:employer-action-add",
            "lado:regulator-referral-add",
            "lado:transfer-add",
            "lado:outcome",
            "lado:import",
            "lado:import-detail",
        ),
    ),
    NavigationItem("Consultations", "lado:consultation-list", ASSURANCE, Area.LADO, group="LADO"),
    NavigationItem("Search", "lado:search", ASSURANCE, Area.LADO, group="LADO"),
    NavigationItem(
        "Annual figures",
        "lado:report",
        ASSURANCE,
        Area.LADO,
        group="LADO",
        also_for=("lado:year-*", "lado:target-*"),
    ),
    # Aggregate figures for the business unit, lead partners and the scrutineer: never a record.
    NavigationItem("LADO figures", "lado:figures", ASSURANCE, Area.LADO_FIGURES),
]
