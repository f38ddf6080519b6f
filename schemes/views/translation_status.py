"""The translation status page: every piece of reference content lacking Welsh or English."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from pacesetter.permissions import can
from schemes.domain.translation_status import translation_status as status


@login_required
def translation_status(request):
    """List what lacks a language, by kind, with where each is edited (programme managers)."""
    if not can(request.user, "schemes.view_translation_status"):
        raise PermissionDenied
    kinds = status()
    return render(
        request,
        "schemes/translation/status.html",
        {"kinds": kinds, "count": sum(len(items) for _kind, items in kinds)},
    )
