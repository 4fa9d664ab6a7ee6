"""Is a difference from England more than noise? Funnel-plot control limits.

For a proportion p (England's) and a local denominator n, the limits are
p ± z·√(p(1−p)/n), with z = 1.96 (95%) and 3.09 (99.8%): the normal approximation to
the binomial that funnel plots of public-health indicators use. Rates per 10,000 use the
Poisson approximation: λ ± z·√(λ/N)·10,000 where λ is England's rate per child.
"""

import math
from dataclasses import dataclass

Z_95 = 1.959964
Z_998 = 3.090232


@dataclass(frozen=True)
class Comparison:
    within_95: bool
    within_998: bool
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float

    @property
    def verdict(self) -> str:
        if self.within_95:
            return "No different from England, allowing for chance"
        if self.within_998:
            return "Possibly different from England (outside 95% limits)"
        return "Different from England (outside 99.8% limits)"


def _limits(centre: float, spread: float) -> tuple[float, float, float, float]:
    return (centre - Z_95 * spread, centre + Z_95 * spread, centre - Z_998 * spread, centre + Z_998 * spread)


def compare_percentage(*, value: float, denominator: int, england: float) -> Comparison | None:
    """``value`` and ``england`` in percent; None when there is nothing to compare."""
    if not denominator or value is None or england is None:
        return None
    p = england / 100
    spread = 100 * math.sqrt(p * (1 - p) / denominator)
    lower95, upper95, lower998, upper998 = _limits(england, spread)
    return Comparison(lower95 <= value <= upper95, lower998 <= value <= upper998, lower95, upper95, lower998, upper998)


def compare_rate_per_10k(*, value: float, population: int, england: float) -> Comparison | None:
    if not population or value is None or england is None:
        return None
    spread = 10_000 * math.sqrt((england / 10_000) / population)
    lower95, upper95, lower998, upper998 = _limits(england, spread)
    return Comparison(lower95 <= value <= upper95, lower998 <= value <= upper998, lower95, upper95, lower998, upper998)
