"""Copying a criteria set to a new version, for programme managers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from criteria.domain import criteria_sets as versions
from criteria.models import CriteriaSet
from pacesetter.permissions import can


@login_required
def criteria_set_copy(request, code, version):
    """Confirm, then copy the set to the next version and show the copy."""
    source = get_object_or_404(CriteriaSet, code=code, version=version)
    if not can(request.user, "criteria.change_criteria_set", source):
        raise PermissionDenied
    if request.method == "POST":
        copy = versions.criteria_set_copy(source=source, acting_user=request.user)
        messages.success(
            request,
            _("Version %(version)s has been created. No round uses it yet, so it can be changed.")
            % {"version": copy.version},
        )
        return redirect(copy.get_absolute_url())
    return render(
        request,
        "criteria/criteria_set/copy.html",
        {
            "criteria_set": source,
            "new_version": versions.next_version(source.code),
            "criterion_count": source.criteria.count(),
            "round_count": source.rounds.count(),
        },
    )
