"""Spend against budget: the one owner of every monitoring money figure.

For each financial year and category of an agreement:

- **approved**: the budget profile line;
- **spent to date**: the sum of the period actuals of the agreement's *counted* reports,
  those submitted or accepted (`REPORT_COUNTED_STATUSES`); drafts and returned reports do
  not count until they are (re)submitted;
- **forecast** (forecast outturn for the year): spent to date plus the forecast for the rest
  of the year from the latest counted report of that year with a line for the category; a
  year and category no counted report speaks of yet is forecast at its approved amount;
- **variance** = forecast − approved, in pounds (positive: an overspend);
- **variance percent** = variance ÷ approved × 100, rounded half up to 1 decimal place
  (None when nothing was approved);
- **flag**: "over" or "under" when the percent, as shown, is more than the agreement's
  threshold (default 10%) either way; with nothing approved, any forecast spend is "over".

Year totals and the grand total are sums of the lines, with their own variance and flag
worked out from those sums the same way. Money is Decimal throughout and never rounded:
every input is already to the penny.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from schemes.enums import REPORT_COUNTED_STATUSES
from schemes.models import BudgetProfileLine, SpendLine
from schemes.models.monitoring import financial_year_of

ZERO = Decimal("0.00")
TENTH = Decimal("0.1")
OVER, UNDER = "over", "under"


@dataclass(frozen=True)
class SpendFigures:
    approved: Decimal
    spent: Decimal
    forecast: Decimal
    variance: Decimal
    variance_percent: Decimal | None
    flag: str  # OVER, UNDER or ""


@dataclass(frozen=True)
class SpendRow:
    financial_year: int
    category: str
    figures: SpendFigures


@dataclass(frozen=True)
class SpendYear:
    financial_year: int
    rows: list[SpendRow]
    total: SpendFigures


@dataclass(frozen=True)
class SpendPosition:
    years: list[SpendYear]
    total: SpendFigures
    threshold: Decimal

    @property
    def rows(self):
        return [row for year in self.years for row in year.rows]


@dataclass(frozen=True)
class ReportedSpend:
    """One counted report's spend line: its year, its period's end (for "latest") and amounts."""

    financial_year: int
    period_end: object
    category: str
    actual: Decimal
    forecast: Decimal


def variance_percent(variance, approved):
    """variance ÷ approved × 100, half up to 1 decimal place; None when approved is 0."""
    if not approved:
        return None
    return (variance * 100 / approved).quantize(TENTH, rounding=ROUND_HALF_UP)


def spend_figures(approved, spent, forecast, threshold):
    """The figures of one line or total from its approved, spent and forecast amounts."""
    variance = forecast - approved
    percent = variance_percent(variance, approved)
    flagged = variance > 0 if percent is None else abs(percent) > threshold
    flag = (OVER if variance > 0 else UNDER) if flagged else ""
    return SpendFigures(approved, spent, forecast, variance, percent, flag)


def _sum_figures(figures: Iterable[SpendFigures], threshold):
    figures = list(figures)
    return spend_figures(
        sum((f.approved for f in figures), ZERO),
        sum((f.spent for f in figures), ZERO),
        sum((f.forecast for f in figures), ZERO),
        threshold,
    )


def position_from(profile, reported: Iterable[ReportedSpend], threshold):
    """Work out a SpendPosition from a profile {(year, category): approved} and counted spend.

    Pure arithmetic: `spend_position` gathers the inputs from the database.
    """
    spent, latest = {}, {}
    for line in reported:
        key = (line.financial_year, line.category)
        spent[key] = spent.get(key, ZERO) + line.actual
        if key not in latest or line.period_end > latest[key][0]:
            latest[key] = (line.period_end, line.forecast)
    keys = sorted(set(profile) | set(spent))
    years = []
    for year in sorted({year for year, _category in keys}):
        rows = []
        for key in (key for key in keys if key[0] == year):
            approved = profile.get(key, ZERO)
            to_date = spent.get(key, ZERO)
            outturn = to_date + latest[key][1] if key in latest else approved
            rows.append(
                SpendRow(year, key[1], spend_figures(approved, to_date, outturn, threshold))
            )
        years.append(SpendYear(year, rows, _sum_figures((row.figures for row in rows), threshold)))
    total = _sum_figures((year.total for year in years), threshold)
    return SpendPosition(years, total, threshold)


def spend_positions(agreements):
    """{agreement pk: SpendPosition} for many agreements, in two queries."""
    agreements = list(agreements)
    ids = [agreement.pk for agreement in agreements]
    profiles = {pk: {} for pk in ids}
    for agreement_id, year, category, amount in BudgetProfileLine.objects.filter(
        agreement_id__in=ids
    ).values_list("agreement_id", "financial_year", "category", "approved_amount"):
        profiles[agreement_id][(year, category)] = amount
    reported = {pk: [] for pk in ids}
    for agreement_id, start, end, category, actual, forecast in SpendLine.objects.filter(
        report__agreement_id__in=ids, report__status__in=REPORT_COUNTED_STATUSES
    ).values_list(
        "report__agreement_id",
        "report__period__start",
        "report__period__end",
        "category",
        "actual",
        "forecast",
    ):
        reported[agreement_id].append(
            ReportedSpend(financial_year_of(start), end, category, actual, forecast)
        )
    return {
        agreement.pk: position_from(
            profiles[agreement.pk], reported[agreement.pk], agreement.variance_threshold
        )
        for agreement in agreements
    }


def spend_position(agreement):
    """Spend against budget for one agreement, per year and category, with totals."""
    return spend_positions([agreement])[agreement.pk]
