"""A year's budget position, computed from its lines and never stored (decisions.md section 8).

Amounts are signed as the ledger holds them: spending positive, income (contributions, other income and the
carry forward) negative. The net is expenditure plus income, so a minus net is a surplus. The carry forward is a
line of its own; the in-year position leaves it out (2019/20: a deficit of 13,871 budgeted and 5,710 actual).
The actual net is the closing balance, which becomes next year's carry forward.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .models import BudgetLine, LineKind

ZERO = Decimal("0")


@dataclass(frozen=True)
class Position:
    """One column of the budget statement: the budget, or the actuals."""

    gross_expenditure: Decimal
    gross_income: Decimal  # with the carry forward
    carry_forward: Decimal
    complete: bool  # every line has a figure in this column

    @property
    def net(self) -> Decimal:
        """Net shortfall (positive) or surplus (negative), carry forward included: the closing balance."""
        return self.gross_expenditure + self.gross_income

    @property
    def in_year(self) -> Decimal:
        """The year's own position, without what was carried in: positive a deficit, negative a surplus."""
        return self.net - self.carry_forward

    @property
    def income_without_carry_forward(self) -> Decimal:
        return self.gross_income - self.carry_forward


def position(lines: Iterable[BudgetLine], column: str) -> Position:
    """The totals of ``column`` ("budget" or "actual") over ``lines``; a line without an actual counts as nothing
    spent or received yet, and makes the column incomplete."""
    expenditure = income = carry_forward = ZERO
    complete = True
    for line in lines:
        value = getattr(line, column)
        if value is None:
            complete = False
            continue
        if line.kind == LineKind.EXPENDITURE:
            expenditure += value
        else:
            income += value
            if line.kind == LineKind.CARRY_FORWARD:
                carry_forward += value
    return Position(expenditure, income, carry_forward, complete)


def in_words(amount: Decimal) -> str:
    """A net or in-year figure as people say it: "a surplus of £23,716", "a deficit of £5,710"."""
    if amount == 0:
        return "break-even"
    return f"a {'deficit' if amount > 0 else 'surplus'} of {pounds(abs(amount))}"


def pounds(amount: Decimal | None) -> str:
    """Whole pounds as Appendix 2 prints them, income with a minus sign: "-13,540"."""
    if amount is None:
        return ""
    whole = amount.quantize(Decimal("1"))
    return f"£{whole:,}" if whole >= 0 else f"-£{-whole:,}"


@dataclass(frozen=True)
class Share:
    """A partner's contribution and its share of all contributions."""

    partner: str
    statutory: bool
    budget: Decimal
    actual: Decimal | None
    invoiced: Decimal | None
    paid: Decimal | None
    percent: Decimal | None

    @property
    def outstanding(self) -> Decimal | None:
        return None if self.invoiced is None else self.invoiced - (self.paid or ZERO)


def partner_shares(lines: Iterable[BudgetLine]) -> list[Share]:
    """Contributions by partner, statutory partners first, each with its share of all contributions received
    (as income, so the amounts are positive here)."""
    by_partner: dict = {}
    for line in lines:
        if line.kind != LineKind.CONTRIBUTION:
            continue
        entry = by_partner.setdefault(line.partner, {"budget": ZERO, "actual": None, "invoiced": None, "paid": None})
        entry["budget"] += -line.budget
        for name, value in (("actual", line.actual), ("invoiced", line.invoiced), ("paid", line.paid)):
            if value is not None:
                amount = -value if name == "actual" else value
                entry[name] = (entry[name] or ZERO) + amount
    total = sum(
        (entry["actual"] if entry["actual"] is not None else entry["budget"] for entry in by_partner.values()), ZERO
    )
    shares = []
    for partner, entry in by_partner.items():
        received = entry["actual"] if entry["actual"] is not None else entry["budget"]
        percent = (received * 100 / total).quantize(Decimal("0.1")) if total else None
        shares.append(
            Share(
                str(partner),
                partner.is_statutory_partner,
                entry["budget"],
                entry["actual"],
                entry["invoiced"],
                entry["paid"],
                percent,
            )
        )
    return sorted(shares, key=lambda share: (not share.statutory, -(share.actual or share.budget), share.partner))
