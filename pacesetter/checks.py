"""Deployment checks of the portal's own: `manage.py check --deploy` reports these."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def second_factor_required(app_configs, **kwargs):
    """Production asks every role for a second factor; only the demo turns it off."""
    if getattr(settings, "REQUIRE_TWO_FACTOR", True):
        return []
    return [
        Warning(
            "REQUIRE_TWO_FACTOR is off, so a password alone opens any account.",
            hint="Leave REQUIRE_TWO_FACTOR unset (or true) outside the demo.",
            id="pacesetter.W001",
        )
    ]
