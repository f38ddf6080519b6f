"""Template filters shared by every page: money, times, plain-text answers, permissions, regions."""

from django import template
from django.template.loader import render_to_string

from pacesetter import times
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
def govuk_time(value):
    """Write a time as GOV.UK does: 9am, 5:30pm, midday, midnight."""
    if value is None or value == "":
        return ""
    return times.govuk_time(value)


@register.filter
def govuk_datetime(value):
    """Write a date and time as GOV.UK does: 1 December 2026 at 5:30pm."""
    if value is None or value == "":
        return ""
    return times.govuk_datetime(value)


@register.filter
def paragraphs(text):
    """Render plain text as escaped GOV.UK paragraphs and bullet lists."""
    return render_paragraphs(text)


@register.simple_tag(takes_context=True)
def allowed(context, permission, obj=None):
    """Whether the portal's rules let the signed-in user do `permission` (on `obj`)."""
    return can(context.get("user"), permission, obj)


class ScrollingRegionNode(template.Node):
    def __init__(self, label, nodelist):
        self.label = label
        self.nodelist = nodelist

    def render(self, context):
        return render_to_string(
            "includes/_scrolling_region.html",
            {"label": self.label.resolve(context), "table": self.nodelist.render(context)},
        )


@register.tag
def scrolling_region(parser, token):
    """Wrap a wide table (or chart) in its own focusable, labelled region that scrolls sideways.

    `{% scrolling_region _("Score matrix") %}<table>...</table>{% endscrolling_region %}`: the page
    then reflows at 320 px while the table keeps its columns (WCAG 1.4.10 exempts data tables).
    The label may be a variable, or `_("...")` to translate it.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the region's label")
    nodelist = parser.parse(("endscrolling_region",))
    parser.delete_first_token()
    return ScrollingRegionNode(parser.compile_filter(bits[1]), nodelist)
