"""Template filters shared by every page: money, answers typed as plain text, permissions."""

from django import template

from pacesetter.money import format_pounds
from pacesetter.permissions import can
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


@register.simple_tag(takes_context=True)
def allowed(context, permission, obj=None):
    """Whether the portal's rules let the signed-in user do `permission` (on `obj`)."""
    return can(context.get("user"), permission, obj)
