"""Timelines for programme managers: everything the audit trail holds about one application
or one round, newest first."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from pacesetter.audit_log import audit_rows, events_for_reading
from pacesetter.models import AuditEvent
from pacesetter.paging import paginate
from pacesetter.permissions import can
from schemes.models import Round
from schemes.views.common import get_visible_application


def timeline_context(request, events):
    listing = paginate(events_for_reading(events), request.GET.get("page"), {})
    return {"listing": listing, "rows": audit_rows(listing.rows)}


@login_required
def application_timeline(request, reference):
    application = get_visible_application(request, reference)
    if not can(request.user, "pacesetter.view_audit_log", application):
        raise PermissionDenied
    return render(
        request,
        "schemes/application/timeline.html",
        {
            "application": application,
            **timeline_context(request, AuditEvent.objects.for_application(application.pk)),
        },
    )


@login_required
def round_timeline(request, code):
    round = get_object_or_404(Round.objects.visible_to(request.user), code=code)
    if not can(request.user, "pacesetter.view_audit_log", round):
        raise PermissionDenied
    return render(
        request,
        "schemes/round/timeline.html",
        {"round": round, **timeline_context(request, AuditEvent.objects.for_round(round.pk))},
    )
