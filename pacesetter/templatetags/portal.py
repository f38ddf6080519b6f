"""Template filters shared by every page: money, and answers typed as plain text."""

from decimal import Decimal

from django import template

from pacesetter.text import render_paragraphs

register = template.Library()


@register.filter
def money(value):
    """Format pounds exactly to the penny with thousands separators: £1,047,000.00."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


@register.filter
def paragraphs(text):
    """Render plain text as escaped GOV.UK paragraphs and bullet lists."""
    return render_paragraphs(text)
