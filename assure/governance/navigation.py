from assure.core.navigation import GOVERNANCE, NavigationItem
from assure.core.permissions import Area, Scope

PRIORITIES, MEETINGS, CHALLENGE = "Priorities", "Meetings and structure", "Challenge and scrutiny"

ENTRIES = [
    NavigationItem(
        "Priorities",
        "governance:priority-list",
        GOVERNANCE,
        Area.GOVERNANCE,
        reaching=Scope.PARTNERSHIP,
        group=PRIORITIES,
        also_for=(
            "governance:priority-*",
            "governance:statement-*",
            "governance:rule-*",
            "governance:evidence-note-*",
            "governance:judgement-confirm",
        ),
    ),
    NavigationItem(
        "Judgements",
        "governance:judgement-list",
        GOVERNANCE,
        Area.GOVERNANCE,
        reaching=Scope.PARTNERSHIP,
        group=PRIORITIES,
    ),
    NavigationItem(
        "Meetings",
        "governance:meeting-list",
        GOVERNANCE,
        Area.GOVERNANCE,
        reaching=Scope.PARTNERSHIP,
        group=MEETINGS,
        also_for=("governance:meeting-*", "governance:attendance-add", "governance:decision-*"),
    ),
    NavigationItem(
        "Groups",
        "governance:group-list",
        GOVERNANCE,
        Area.GOVERNANCE,
        reaching=Scope.PARTNERSHIP,
        group=MEETINGS,
        also_for=("governance:group-*", "governance:membership-*"),
    ),
    NavigationItem(
        "Structure",
        "governance:structure",
        GOVERNANCE,
        Area.GOVERNANCE,
        reaching=Scope.PARTNERSHIP,
        group=MEETINGS,
        also_for=("governance:arrangements-*", "governance:topic-*"),
    ),
    NavigationItem(
        "Attendance",
        "governance:attendance-report",
        GOVERNANCE,
        Area.GOVERNANCE,
        reaching=Scope.PARTNERSHIP,
        group=MEETINGS,
    ),
    NavigationItem(
        "Budget",
        "governance:budget",
        GOVERNANCE,
        Area.GOVERNANCE,
        reaching=Scope.PARTNERSHIP,
        also_for=("governance:budget-*", "governance:in-kind-*"),
    ),
    NavigationItem(
        "Voice of the child",
        "governance:voice",
        GOVERNANCE,
        Area.GOVERNANCE,
        reaching=Scope.PARTNERSHIP,
        also_for=("governance:consultation-*", "governance:quote-*", "governance:you-said-we-did-*"),
    ),
    # An agency's lead sees the challenges to their own agency; the scrutineer records theirs here too.
    NavigationItem(
        "Challenges",
        "governance:challenge-list",
        GOVERNANCE,
        Area.GOVERNANCE,
        group=CHALLENGE,
        also_for=(
            "governance:challenge-create",
            "governance:challenge-detail",
            "governance:challenge-respond",
            "governance:challenge-close",
        ),
    ),
    NavigationItem(
        "Scrutiny",
        "governance:scrutiny",
        GOVERNANCE,
        Area.GOVERNANCE,
        reaching=Scope.PARTNERSHIP,
        group=CHALLENGE,
        also_for=("governance:assessment-*", "governance:challenge-statement-*"),
    ),
]
