"""Spreadsheet downloads for programme managers: a round's, and the programme's monitoring."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from criteria.exports.files import (
    CONTENT_TYPES,
    CSV,
    FORMATS,
    XLSX,
    export,
    filename,
    monitoring_export,
    programme_filename,
)
from criteria.forms.exports import DownloadLanguageForm
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.language import in_requested_language, supported
from pacesetter.permissions import can
from schemes.domain.monitoring.overview import (
    approved_applications,
    filter_schemes,
    funded_schemes,
)
from schemes.models import Round
from schemes.views.programme import programme_filters

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
    form = DownloadLanguageForm(
        request.GET if "language" in request.GET else None,
        language=supported(request.user.language) or "en",
    )
    return render(
        request,
        "criteria/export/round.html",
        {
            "round": round,
            "form": form,
            "language": form.chosen(),
            "xlsx": XLSX,
            "csv": CSV,
            "anonymised": ANONYMISED,
            "named": NAMED,
        },
    )


@never_cache
@login_required
@in_requested_language
def round_export_file(request, code, fmt):
    """Send the round's spreadsheets as an attachment; reviewers are lettered unless
    ?reviewers=named, in the language ?language= asks for (else the person's own). Each
    download is audited: the spreadsheets hold personal data."""
    round = exportable_round(request, code)
    if fmt not in FORMATS:
        raise Http404
    anonymise = request.GET.get("reviewers") != NAMED
    content = export(round, fmt, anonymise=anonymise)
    audit_record(
        AuditAction.EXPORT_SPREADSHEET,
        actor=request.user,
        obj=round,
        details={
            "format": fmt,
            "reviewers": ANONYMISED if anonymise else NAMED,
            "language": get_language(),
        },
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename(round, fmt, anonymise=anonymise)
    )
    return response


@never_cache
@login_required
@in_requested_language
def programme_export_file(request, fmt):
    """Send the monitoring sheets of the funded schemes the programme view's filters choose
    (every funded scheme, across rounds, without filters). Audited: they hold personal data."""
    if not can(request.user, "schemes.view_programme_monitoring"):
        raise PermissionDenied
    if fmt not in FORMATS:
        raise Http404
    chosen, _choices = programme_filters(request.GET)
    chosen_pks = filter_schemes(approved_applications(), **chosen).values("pk")
    schemes = funded_schemes().filter(pk__in=chosen_pks).order_by("reference")
    content = monitoring_export(schemes, fmt, title=_("Pacesetter programme: monitoring"))
    audit_record(
        AuditAction.EXPORT_SPREADSHEET,
        actor=request.user,
        details={
            "export": "programme monitoring",
            "format": fmt,
            "filters": {key: value for key, value in chosen.items() if value},
        },
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=programme_filename(fmt)
    )
    return response
