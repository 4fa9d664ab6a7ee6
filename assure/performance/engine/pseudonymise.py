"""Keyed pseudonyms for child identifiers (product principle: nothing about a child leaves its compartment).

The importers call the function once per distinct identifier (see
``events.pseudonymise_tables``), so a national file costs one HMAC per child, not per row.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable


def make_pseudonymiser(key: bytes) -> Callable[[str], str]:
    """HMAC-SHA256 of the identifier under the partnership's secret key, as 64 hex digits."""
    if len(key) < 16:
        raise ValueError("a pseudonymisation key needs at least 16 bytes")

    def pseudonymise(child_id: str) -> str:
        return hmac.new(key, child_id.encode("utf-8"), hashlib.sha256).hexdigest()

    return pseudonymise
