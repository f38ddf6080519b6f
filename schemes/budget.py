"""Budget arithmetic: the one place that turns budget lines into totals.

Money is `Decimal`, never float. A line's amount is rounded half up to the penny once, where it
is worked out; every total is an exact sum of rounded line amounts, so the figures on a page,
in a PDF and in a spreadsheet always add up the same way a person checking them would.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, Protocol

from pacesetter.money import round_penny
from schemes.enums import PERCENTAGE_OF_YEAR

ZERO = Decimal("0.00")


class CostedLine(Protocol):
    year: int
    order: int
    category: str
    quantity: int | None
    unit_cost: Decimal | None
    amount: Decimal | None
    percentage: Decimal | None
    percentage_of: str


class Funding(Protocol):
    amount: Decimal


def is_percentage_line(line: CostedLine) -> bool:
    return line.percentage is not None


def costed_amount(line: CostedLine) -> Decimal:
    """Return a non-percentage line's amount: quantity x unit cost, or its fixed amount."""
    if line.amount is not None:
        return round_penny(line.amount)
    if line.quantity is not None and line.unit_cost is not None:
        return round_penny(Decimal(line.quantity) * line.unit_cost)
    return ZERO


@dataclass(frozen=True)
class LineAmount:
    line: CostedLine
    amount: Decimal


@dataclass(frozen=True)
class YearTotals:
    """One financial year of a budget: its lines in order, the subtotal and the total."""

    year: int
    lines: list[LineAmount]
    subtotal: Decimal  # the costed (non-percentage) lines
    percentage_total: Decimal  # the percentage lines (overheads)
    total: Decimal

    @property
    def costed_lines(self):
        return [entry for entry in self.lines if not is_percentage_line(entry.line)]

    @property
    def percentage_lines(self):
        return [entry for entry in self.lines if is_percentage_line(entry.line)]


@dataclass(frozen=True)
class BudgetTotals:
    """Every figure of a budget. `requested` is what the application asks the round for."""

    years: list[YearTotals] = field(default_factory=list)
    requested: Decimal = ZERO
    other_funding: Decimal = ZERO

    @property
    def total_project_cost(self) -> Decimal:
        return self.requested + self.other_funding

    def year_total(self, year: int) -> Decimal:
        for totals in self.years:
            if totals.year == year:
                return totals.total
        return ZERO


def year_totals(year: int, lines: list[CostedLine]) -> YearTotals:
    """Total one year's lines; a percentage line takes its share of the year's costed lines."""
    ordered = sorted(lines, key=lambda line: line.order)
    costed = [line for line in ordered if not is_percentage_line(line)]
    subtotal = sum((costed_amount(line) for line in costed), ZERO)
    amounts = []
    percentage_total = ZERO
    for line in ordered:
        if is_percentage_line(line):
            base = subtotal
            if line.percentage_of and line.percentage_of != PERCENTAGE_OF_YEAR:
                base = sum(
                    (costed_amount(c) for c in costed if c.category == line.percentage_of), ZERO
                )
            amount = round_penny(base * line.percentage / Decimal(100))
            percentage_total += amount
        else:
            amount = costed_amount(line)
        amounts.append(LineAmount(line=line, amount=amount))
    return YearTotals(
        year=year,
        lines=amounts,
        subtotal=subtotal,
        percentage_total=percentage_total,
        total=subtotal + percentage_total,
    )


def budget_totals(
    lines: Iterable[CostedLine], other_funding: Iterable[Funding] = ()
) -> BudgetTotals:
    """Work out every total of a budget from its lines and its other funding."""
    by_year: dict[int, list[CostedLine]] = {}
    for line in lines:
        by_year.setdefault(line.year, []).append(line)
    years = [year_totals(year, by_year[year]) for year in sorted(by_year)]
    return BudgetTotals(
        years=years,
        requested=sum((totals.total for totals in years), ZERO),
        other_funding=sum((round_penny(source.amount) for source in other_funding), ZERO),
    )


class LineFigures(NamedTuple):
    """A budget line's figures alone, as read from the database without building the model."""

    year: int
    order: int
    category: str
    quantity: int | None
    unit_cost: Decimal | None
    amount: Decimal | None
    percentage: Decimal | None
    percentage_of: str


# The columns of a budget line `requested_totals` needs, after the application's id.
LINE_FIGURES = LineFigures._fields


def requested_totals(rows: Iterable[tuple]) -> dict[object, Decimal]:
    """Return the amount requested by each application, from rows of (application, *figures).

    Each row is an application key followed by the `LINE_FIGURES` of one of its lines; the
    totals are `budget_totals(...).requested`, so they match every other page to the penny.
    """
    by_application: dict[object, list[LineFigures]] = {}
    for key, *figures in rows:
        by_application.setdefault(key, []).append(LineFigures(*figures))
    return {key: budget_totals(lines).requested for key, lines in by_application.items()}
