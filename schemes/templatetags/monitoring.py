"""Filters for monitoring pages and PDFs: a financial year's and a budget category's names."""

from django import template

from schemes.enums import BudgetCategory
from schemes.models.monitoring import financial_year_label

register = template.Library()


@register.filter
def financial_year(year):
    """2018 -> "2018-19"."""
    return financial_year_label(year)


@register.filter
def budget_category(category):
    """The category's name in the reader's language."""
    return BudgetCategory(category).label


@register.filter
def get_item(mapping, key):
    """`mapping[key]`, or None."""
    return mapping.get(key) if mapping else None
