"""Template filters shared by every page: money, and answers typed as plain text."""

from django import template

from pacesetter.money import format_pounds
from pacesetter.text import render_paragraphs

register = template.Library()


@register.filter
def money(value):
    """Format pounds exactly to the penny with thousands separators: £1,047,000.00."""
    if value is None or value == "":
        return ""
    return format_pounds(value)


@register.filter
def paragraphs(text):
    """Render plain text as escaped GOV.UK paragraphs and bullet lists."""
    return render_paragraphs(text)
