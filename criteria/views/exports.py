"""A round's spreadsheet downloads for programme managers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from criteria.exports.files import CONTENT_TYPES, CSV, FORMATS, XLSX, export, filename
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.permissions import can
from schemes.models import Round

NAMED = "named"
ANONYMISED = "anonymised"


def exportable_round(request, code):
    round = get_object_or_404(Round.objects.visible_to(request.user), code=code)
    if not can(request.user, "criteria.export_round", round):
        raise PermissionDenied
    return round


@login_required
def round_export(request, code):
    round = exportable_round(request, code)
    return render(
        request,
        "criteria/export/round.html",
        {
            "round": round,
            "xlsx": XLSX,
            "csv": CSV,
            "anonymised": ANONYMISED,
            "named": NAMED,
        },
    )


@never_cache
@login_required
def round_export_file(request, code, fmt):
    """Send the round's spreadsheets as an attachment; reviewers are lettered unless
    ?reviewers=named. Each download is audited: the spreadsheets hold personal data."""
    round = exportable_round(request, code)
    if fmt not in FORMATS:
        raise Http404
    anonymise = request.GET.get("reviewers") != NAMED
    content = export(round, fmt, anonymise=anonymise)
    audit_record(
        AuditAction.EXPORT_SPREADSHEET,
        actor=request.user,
        obj=round,
        details={"format": fmt, "reviewers": ANONYMISED if anonymise else NAMED},
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename(round, fmt, anonymise=anonymise)
    )
    return response
