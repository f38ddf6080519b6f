"""The portal-wide audit log: every event, filtered, a page at a time or as a CSV download."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from pacesetter.audit import audit_record
from pacesetter.audit_log import AuditLogFilterForm, audit_rows, csv_lines, events_for_reading
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent
from pacesetter.paging import paginate, query_string
from pacesetter.permissions import can


def readable_log(request):
    """Return the filter form and the filtered events, for a user who may read the log."""
    if not can(request.user, "pacesetter.view_audit_log"):
        raise PermissionDenied
    form = AuditLogFilterForm(request.GET)
    return form, events_for_reading(form.filtered(AuditEvent.objects.all()))


@login_required
def audit_log(request):
    form, events = readable_log(request)
    params = form.params()
    listing = paginate(events, request.GET.get("page"), params)
    return render(
        request,
        "pacesetter/audit/log.html",
        {
            "form": form,
            "listing": listing,
            "rows": audit_rows(listing.rows),
            "csv_query": query_string(params),
        },
    )


@login_required
def audit_log_csv(request):
    """Stream every event the filters give as CSV; the download is itself audited."""
    form, events = readable_log(request)
    download = audit_record(
        AuditAction.EXPORT_AUDIT_LOG,
        actor=request.user,
        details={"filters": {name: value for name, value in form.params().items() if value}},
    )
    response = StreamingHttpResponse(
        csv_lines(events.exclude(pk=download.pk)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime(download.at).strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="pacesetter-audit-log-{stamp}.csv"'
    return response
