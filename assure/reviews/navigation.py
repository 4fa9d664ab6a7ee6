from assure.core.navigation import ASSURANCE, NavigationItem
from assure.core.permissions import Area

CASE_REVIEWS = "Case reviews"

ENTRIES = [
    NavigationItem(
        "Standing panel",
        "reviews:panel",
        ASSURANCE,
        Area.REVIEWS,
        group=CASE_REVIEWS,
        also_for=("reviews:theme-*", "reviews:publication-rules", "reviews:briefing-*"),
    ),
    NavigationItem("Live clocks", "reviews:clocks", ASSURANCE, Area.REVIEWS, group=CASE_REVIEWS),
    NavigationItem(
        "Incidents",
        "reviews:incident-list",
        ASSURANCE,
        Area.REVIEWS,
        group=CASE_REVIEWS,
        also_for=(
            "reviews:incident-*",
            "reviews:child-*",
            "reviews:rapid-review-*",
            "reviews:information-request-*",
            "reviews:returned-file",
        ),
    ),
    NavigationItem(
        "Reviews",
        "reviews:review-list",
        ASSURANCE,
        Area.REVIEWS,
        group=CASE_REVIEWS,
        also_for=("reviews:review-*", "reviews:deferral-*", "reviews:milestone-*"),
    ),
    NavigationItem("Decisions log", "reviews:decision-list", ASSURANCE, Area.REVIEWS, group=CASE_REVIEWS),
    NavigationItem(
        "Review figures", "reviews:figures", ASSURANCE, Area.REVIEW_FIGURES, also_for=("reviews:figures-*",)
    ),
]
