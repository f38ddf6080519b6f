"""Changes to an application's budget: its lines, their order, and its other funding.

Each function is called inside `schemes.domain.editing.editing()`, with the fresh application
it yields: the version claim there is what refuses a stale page, and leaving the block saves
the application one version higher. A line's amount is never stored; `schemes.budget` works
every figure out from what is saved here.
"""

import math

from django.db.models import Max

from schemes.models import BudgetLine, OtherFunding

# A budget line's year is at most 10 (the model's validator); a round without a maximum
# duration gets five years.
MAX_BUDGET_YEARS = 10
DEFAULT_BUDGET_YEARS = 5

LINE_FIELDS = (
    "year",
    "category",
    "description",
    "quantity",
    "unit_cost",
    "amount",
    "percentage",
    "percentage_of",
    "comment",
)
FUNDING_FIELDS = ("source", "amount", "comment")

UP = "up"
DOWN = "down"


def budget_years(round):
    """Return how many financial years a round's budgets may have."""
    if not round.max_duration_months:
        return DEFAULT_BUDGET_YEARS
    return min(math.ceil(round.max_duration_months / 12), MAX_BUDGET_YEARS)


def next_order(application, year):
    last = application.budget_lines.filter(year=year).aggregate(last=Max("order"))["last"]
    return 1 if last is None else last + 1


def save_with_history(record, acting_user):
    record._history_user = acting_user
    record.full_clean()
    record.save()


def budget_line_add(*, application, acting_user, **values):
    """Add a line at the end of its year; return it."""
    line = BudgetLine(application=application, **{name: values[name] for name in LINE_FIELDS})
    line.order = next_order(application, line.year)
    save_with_history(line, acting_user)
    return line


def budget_line_change(*, application, acting_user, line, **values):
    """Change a line; one moved to another year goes to the end of that year."""
    old_year = line.year
    for name in LINE_FIELDS:
        setattr(line, name, values[name])
    if line.year != old_year:
        line.order = next_order(application, line.year)
    save_with_history(line, acting_user)
    if line.year != old_year:
        renumber_year(application=application, acting_user=acting_user, year=old_year)
    return line


def budget_line_remove(*, application, acting_user, line):
    """Remove a line and close the gap it leaves in its year's order."""
    line._history_user = acting_user
    line.delete()
    renumber_year(application=application, acting_user=acting_user, year=line.year)


def budget_line_move(*, application, acting_user, line, direction):
    """Swap a line with its neighbour above or below; at either end, leave the order as it is.

    Rewrites `order` for the line's year as 1, 2, 3 ... so the order stays dense.
    """
    lines = list(application.budget_lines.filter(year=line.year).order_by("order", "pk"))
    position = next(index for index, other in enumerate(lines) if other.pk == line.pk)
    neighbour = position - 1 if direction == UP else position + 1
    if 0 <= neighbour < len(lines):
        lines[position], lines[neighbour] = lines[neighbour], lines[position]
    write_order(lines, acting_user)


def renumber_year(*, application, acting_user, year):
    """Rewrite `order` for one year's lines as 1, 2, 3 ... keeping their sequence."""
    write_order(
        list(application.budget_lines.filter(year=year).order_by("order", "pk")), acting_user
    )


def write_order(lines, acting_user):
    for order, line in enumerate(lines, start=1):
        if line.order != order:
            line.order = order
            line._history_user = acting_user
            line.save(update_fields=["order"])


def other_funding_add(*, application, acting_user, **values):
    """Add a source of other funding; return it."""
    funding = OtherFunding(
        application=application, **{name: values[name] for name in FUNDING_FIELDS}
    )
    save_with_history(funding, acting_user)
    return funding


def other_funding_change(*, application, acting_user, funding, **values):
    """Change a source of other funding."""
    for name in FUNDING_FIELDS:
        setattr(funding, name, values[name])
    save_with_history(funding, acting_user)
    return funding


def other_funding_remove(*, application, acting_user, funding):
    """Remove a source of other funding."""
    funding._history_user = acting_user
    funding.delete()
