"""The round page's panel steps: schemes' template asks criteria, schemes' code never does."""

from django import template

from criteria.domain.round_steps import round_steps

register = template.Library()


@register.inclusion_tag("criteria/round/_steps.html", takes_context=True)
def panel_steps(context, round):
    """Draw the panel steps the signed-in person may take in `round`, each with its status."""
    return {"steps": round_steps(round, context["request"].user)}
