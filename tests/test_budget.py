"""The budget arithmetic, checked against the real costings in the seeds."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pacesetter.money import round_penny
from schemes.budget import budget_totals
from schemes.enums import PERCENTAGE_OF_YEAR, BudgetCategory
from schemes.models import Application, BudgetLine
from tests.factories import ApplicationFactory, RoundFactory


@dataclass
class Line:
    year: int
    order: int
    category: str = "staff"
    quantity: int | None = None
    unit_cost: Decimal | None = None
    amount: Decimal | None = None
    percentage: Decimal | None = None
    percentage_of: str = ""


@dataclass
class Funding:
    amount: Decimal


def fixed(year, order, amount, category="staff"):
    return Line(year=year, order=order, category=category, amount=Decimal(amount))


def overheads(year, order, percentage="10", of=PERCENTAGE_OF_YEAR):
    return Line(
        year=year,
        order=order,
        category="overheads",
        percentage=Decimal(percentage),
        percentage_of=of,
    )


def quality_improvement_collaborative_year(year, lead):
    """Seed 002, Appendix B: one year of the Quality Improvement collaborative."""
    return [
        fixed(year, 1, lead),
        fixed(year, 2, "12000.00"),
        fixed(year, 3, "7500.00"),
        fixed(year, 4, "15000.00"),
        fixed(year, 5, "52000.00"),
        fixed(year, 6, "12000.00"),
        fixed(year, 7, "1855.00", category="non_staff"),
        fixed(year, 8, "3000.00", category="non_staff"),
        overheads(year, 9),
    ]


def test_budget_totals_quality_improvement_collaborative_matches_seed():
    lines = quality_improvement_collaborative_year(
        1, "209424.00"
    ) + quality_improvement_collaborative_year(2, "52000.00")

    totals = budget_totals(lines)

    assert [year.subtotal for year in totals.years] == [Decimal("312779.00"), Decimal("155355.00")]
    assert [year.percentage_total for year in totals.years] == [
        Decimal("31277.90"),
        Decimal("15535.50"),
    ]
    assert totals.year_total(1) == Decimal("344056.90")
    assert totals.year_total(2) == Decimal("170890.50")
    assert totals.requested == Decimal("514947.40")


def test_budget_totals_practice_support_team_matches_seed_with_sessions_as_quantities():
    # Seed 002, Appendix A: sessions x cost per session across 20 practices.
    lines = [
        fixed(1, 1, "1000.00"),
        fixed(1, 2, "7500.00"),
        Line(1, 3, quantity=20, unit_cost=Decimal("325.00")),
        Line(1, 4, quantity=20, unit_cost=Decimal("150.00")),
        Line(1, 5, quantity=20, unit_cost=Decimal("125.00")),
        Line(1, 6, quantity=100, unit_cost=Decimal("325.00")),
        Line(1, 7, quantity=100, unit_cost=Decimal("150.00")),
        Line(1, 8, quantity=100, unit_cost=Decimal("125.00")),
        Line(1, 9, quantity=40, unit_cost=Decimal("325.00")),
        Line(1, 10, quantity=40, unit_cost=Decimal("150.00")),
        Line(1, 11, quantity=40, unit_cost=Decimal("125.00")),
        Line(1, 12, quantity=40, unit_cost=Decimal("200.00")),
        Line(1, 13, quantity=40, unit_cost=Decimal("300.00")),
        overheads(1, 14),
    ]

    totals = budget_totals(lines)

    assert totals.years[0].percentage_total == Decimal("12450.00")
    assert totals.requested == Decimal("136950.00")


def test_budget_totals_cardiff_and_vale_is_148000_a_year():
    lines = [
        line
        for year in (1, 2)
        for line in (
            fixed(year, 1, "60000"),
            fixed(year, 2, "58000"),
            fixed(year, 3, "30000", "evaluation"),
        )
    ]

    totals = budget_totals(lines)

    assert [year.total for year in totals.years] == [Decimal("148000.00"), Decimal("148000.00")]
    assert totals.requested == Decimal("296000.00")
    assert totals.total_project_cost == Decimal("296000.00")


def test_budget_totals_other_funding_gives_total_project_cost():
    totals = budget_totals([fixed(1, 1, "488000.00")], [Funding(Decimal("559000.00"))])

    assert totals.requested == Decimal("488000.00")
    assert totals.other_funding == Decimal("559000.00")
    assert totals.total_project_cost == Decimal("1047000.00")


def test_budget_totals_percentage_of_one_category_uses_only_that_category():
    lines = [
        fixed(1, 1, "1000.00", "staff"),
        fixed(1, 2, "500.00", "non_staff"),
        overheads(1, 3, "10", of="staff"),
    ]

    totals = budget_totals(lines)

    assert totals.years[0].percentage_total == Decimal("100.00")
    assert totals.requested == Decimal("1600.00")


def test_budget_totals_percentage_rounds_half_up_to_the_penny():
    totals = budget_totals([fixed(1, 1, "0.05"), overheads(1, 2, "10")])

    assert totals.years[0].percentage_total == Decimal("0.01")  # 0.005 rounds up


def test_budget_totals_empty_budget_is_zero():
    totals = budget_totals([])

    assert totals.years == []
    assert totals.requested == Decimal("0.00")
    assert totals.total_project_cost == Decimal("0.00")


money = st.decimals(min_value=0, max_value=100_000_000, places=2, allow_nan=False)
costed_lines = st.lists(
    st.one_of(
        st.builds(lambda year, amount: fixed(year, 0, amount), st.integers(1, 3), money.map(str)),
        st.builds(
            lambda year, quantity, cost: Line(year, 0, quantity=quantity, unit_cost=cost),
            st.integers(1, 3),
            st.integers(1, 1000),
            st.decimals(min_value=0, max_value=100_000, places=2),
        ),
    ),
    max_size=30,
)


@given(lines=costed_lines, percentage=st.decimals(min_value=0, max_value=100, places=2))
def test_budget_totals_always_add_up_to_the_penny(lines, percentage):
    for order, line in enumerate(lines):
        line.order = order
    years = {line.year for line in lines}
    lines += [overheads(year, 999, str(percentage)) for year in years]

    totals = budget_totals(lines)

    assert totals.requested == sum((year.total for year in totals.years), Decimal("0.00"))
    for year in totals.years:
        assert year.total == year.subtotal + year.percentage_total
        assert year.total == sum((entry.amount for entry in year.lines), Decimal("0.00"))
        assert year.percentage_total == round_penny(year.subtotal * percentage / 100)
    assert totals.requested.as_tuple().exponent == -2


@given(
    value=st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9)
)
def test_round_penny_is_within_half_a_penny(value):
    rounded = round_penny(value)

    assert rounded.as_tuple().exponent == -2
    assert abs(rounded - value) <= Decimal("0.005")


# The database's shortcut for long lists must agree with `Application.totals()` to the penny.

MONEY = st.decimals(
    min_value=Decimal("0.00"), max_value=Decimal("100000000.00"), places=2, allow_nan=False
)
CATEGORIES = st.sampled_from([category.value for category in BudgetCategory])
COSTED_LINE = st.one_of(
    st.fixed_dictionaries({"amount": MONEY}),
    st.fixed_dictionaries(
        {"quantity": st.integers(min_value=1, max_value=100_000), "unit_cost": MONEY}
    ),
    st.fixed_dictionaries(
        {
            "percentage": st.decimals(
                min_value=Decimal("0.00"), max_value=Decimal("100.00"), places=2
            ),
            "percentage_of": st.sampled_from([PERCENTAGE_OF_YEAR, *BudgetCategory.values]),
        }
    ),
)
BUDGET = st.lists(
    st.tuples(st.integers(min_value=1, max_value=3), CATEGORIES, COSTED_LINE), max_size=12
)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(budgets=st.lists(BUDGET, min_size=1, max_size=3))
def test_requested_totals_from_the_database_match_each_applications_totals(budgets):
    round = RoundFactory()
    applications = []
    for budget in budgets:
        application = ApplicationFactory(round=round)
        for order, (year, category, costing) in enumerate(budget):
            BudgetLine.objects.create(
                application=application,
                year=year,
                order=order,
                category=category,
                description="Line",
                **costing,
            )
        applications.append(application)

    totals = Application.objects.filter(round=round).requested_totals()

    assert totals == {
        application.pk: application.totals().requested
        for application in applications
        if application.budget_lines.exists()
    }
