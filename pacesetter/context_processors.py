"""Values every page's template needs."""

from django.conf import settings


def session_timing(request):
    """When a signed-in page refreshes to the "You will be signed out soon" page, in seconds."""
    return {
        "session_warning_after": settings.SESSION_IDLE_SECONDS - settings.SESSION_WARNING_SECONDS
    }
