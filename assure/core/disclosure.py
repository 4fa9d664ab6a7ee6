"""Statistical disclosure control for published counts of children or individuals.

A published table must not let a reader identify a child. Counts from 1 to the threshold
(4 by default; DfE uses 5 in some releases) are shown as ``[c]`` (primary suppression).
A row or column with exactly one hidden cell would let a reader work it out from the
total, so the smallest other non-zero cell in that line is hidden too (secondary
suppression), repeating until no line has a single hidden cell. Zeros are shown.

Every page and download opens suppressed. Only people who may see child-level data (the analyst)
may choose to show small numbers (``small_numbers_shown``); each page or download that shows them
is logged, and is labelled not for publication. Counts of courses, meetings or money are never
passed here.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from .access import log_access
from .permissions import Action, Area, can, require

SUPPRESSED = "[c]"
# The query parameter of the choice, and its one value: ``?small_numbers=show``.
SMALL_NUMBERS = "small_numbers"
SHOW = "show"


@dataclass(frozen=True)
class Cell:
    value: int | None
    suppressed: bool = False
    reason: str = ""  # "primary" (a small count) or "secondary" (protects a small count)

    @property
    def display(self) -> str:
        if self.suppressed:
            return SUPPRESSED
        return "" if self.value is None else f"{self.value:,}"

    def __str__(self):
        return self.display


def disclose(table: Sequence[Sequence[int | None]], *, public: bool, threshold: int | None = None) -> list[list[Cell]]:
    """``table`` as Cells, suppressed when ``public``. Rows and columns are each taken as adding up to a total."""
    if not public:
        return [[Cell(value) for value in row] for row in table]
    threshold = settings.ASSURE_DISCLOSURE_THRESHOLD if threshold is None else threshold
    reasons = {
        (r, c): "primary"
        for r, row in enumerate(table)
        for c, value in enumerate(row)
        if value is not None and 0 < value <= threshold
    }
    lines = [[(r, c) for c in range(len(row))] for r, row in enumerate(table)]
    width = max((len(row) for row in table), default=0)
    lines += [[(r, c) for r, row in enumerate(table) if c < len(row)] for c in range(width)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [position for position in line if position in reasons]
            if len(hidden) != 1:
                continue
            candidates = [p for p in line if p not in reasons and table[p[0]][p[1]] is not None]
            if not candidates:
                continue
            # Prefer a non-zero cell: hiding a zero protects little when zeros are common.
            candidates.sort(key=lambda p: (table[p[0]][p[1]] == 0, table[p[0]][p[1]]))
            reasons[candidates[0]] = "secondary"
            changed = True
    return [
        [Cell(value, (r, c) in reasons, reasons.get((r, c), "")) for c, value in enumerate(row)]
        for r, row in enumerate(table)
    ]


def disclose_count(count: int | None, *, public: bool, threshold: int | None = None) -> Cell:
    """One count that no row or column adds to a total: hidden when small, with nothing else to protect."""
    return disclose([[count]], public=public, threshold=threshold)[0][0]


def may_show_small_numbers(user) -> bool:
    return can(user, Area.CHILD_LEVEL, Action.VIEW)


def small_numbers_shown(request, *, log_page: bool) -> bool:
    """Whether this page or download shows small numbers: only when chosen, and only by someone who may.

    Anyone else asking is refused (403), never quietly given hidden numbers they might take for the
    real ones. A page showing them is logged here when ``log_page``; a download passes False, since
    ``core.downloads`` logs it once, and so do chart images drawn inside a page already logged.
    """
    if request.GET.get(SMALL_NUMBERS) != SHOW:
        return False
    require(request.user, Area.CHILD_LEVEL, Action.VIEW)
    if log_page:
        log_access(request, None, description=f"Small numbers shown on {request.path}")
    return True


def small_number_handling(suppressed: bool | None) -> str:
    """In words, how an output treats small counts: hidden, shown (not for publication), or none to hide."""
    if suppressed is None:
        return ""
    if suppressed:
        return (
            f"Counts of children or individuals from 1 to {settings.ASSURE_DISCLOSURE_THRESHOLD} are shown as "
            f"{SUPPRESSED}, with the next smallest count in the same row or column where a total would reveal "
            f"them; a percentage of a hidden count is hidden too."
        )
    return "Small numbers shown: not suppressed and not for publication."
