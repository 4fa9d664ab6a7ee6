"""Why a file is refused, in words the person who uploaded it can act on.

Every message names the file as its owner knows it (the name they uploaded, or a
member of their zip), never where Assure stored it, and quotes values plainly rather
than as Python shows them.
"""

from __future__ import annotations


class ImportRejected(Exception):
    """A structural fault: the whole file is refused (wrong format, list or column missing, unreadable)."""


class LimitExceeded(ImportRejected):
    """An import refused because it reached one of its limits; the message names the limit."""


def quoted(text: object) -> str:
    """A value quoted for a message: “Date of referral”, with control characters shown as spaces."""
    cleaned = "".join(character if character.isprintable() else " " for character in str(text))
    if len(cleaned) > 60:
        cleaned = cleaned[:57] + "…"
    return f"“{cleaned}”"


def listed(items: list[str]) -> str:
    """“a”, “b” and “c”."""
    names = [quoted(item) for item in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
