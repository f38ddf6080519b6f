"""Monitoring across the programme: every funded scheme, one scheme's page, the overview."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.language import in_requested_language
from pacesetter.languages import with_languages
from pacesetter.models import Organisation
from pacesetter.paging import choice, paginate, search_term
from pacesetter.pdf import document_language, pdf_download, render_pdf
from pacesetter.permissions import can
from schemes.charts import measure_chart, spend_chart
from schemes.domain.monitoring import overdue_reports
from schemes.domain.monitoring.overview import (
    approved_applications,
    filter_schemes,
    funded_schemes,
    overview,
    page_of_schemes,
    scheme_rows,
)
from schemes.domain.monitoring.scheme import agreement_queryset, scheme_monitoring
from schemes.enums import Rating, SchemeStatus
from schemes.models import Round
from schemes.views.pdf import safe_filename

OVERDUE_SHOWN = 50
OVERDUE = {"yes": gettext_lazy("With overdue reports")}


def _require_programme(user):
    if not can(user, "schemes.view_programme_monitoring"):
        raise PermissionDenied


def programme_filters(query):
    """The filters and search `query` (GET parameters) asks for, cleaned, with their choices."""
    rounds = list(
        Round.objects.filter(applications__decision__outcome="approved")
        .distinct()
        .order_by("-code")
        .values_list("code", "name")
    )
    boards = list(
        Organisation.objects.filter(applications__decision__outcome="approved")
        .distinct()
        .order_by("name")
    )
    chosen = {
        "search": search_term(query.get("search")),
        "round": choice(query.get("round"), {code for code, _name in rounds}),
        "board": choice(query.get("board"), {board.code for board in boards}),
        "status": choice(query.get("status"), SchemeStatus.values),
        "rating": choice(query.get("rating"), Rating.values),
        "overdue": choice(query.get("overdue"), OVERDUE),
    }
    return chosen, {
        "rounds": rounds,
        "boards": [(board.code, board.name) for board in boards],
        "statuses": SchemeStatus.choices,
        "ratings": Rating.choices,
        "overdue_choices": list(OVERDUE.items()),
    }


def _schemes(chosen):
    """The funded schemes the filters choose, unannotated: to count and page."""
    return filter_schemes(approved_applications(), **chosen).order_by("reference")


def _annotated(chosen):
    """The funded schemes the filters choose, with their monitoring figures."""
    return funded_schemes().filter(pk__in=_schemes(chosen).values("pk")).order_by("reference")


@login_required
def programme(request):
    """Every funded scheme across rounds, filtered, searched and paged; overdue reports."""
    _require_programme(request.user)
    chosen, choices = programme_filters(request.GET)
    listing = paginate(
        _schemes(chosen).values_list("pk", flat=True), request.GET.get("page"), chosen
    )
    overdue = overdue_reports(today=timezone.localdate())
    overdue = overdue.only(
        *with_languages(
            overdue.model,
            [
                "start",
                "end",
                "due_date",
                "agreement__application__reference",
                "agreement__application__organisation__name",
            ],
        )
    )
    return render(
        request,
        "schemes/programme/list.html",
        {
            "listing": listing,
            "rows": scheme_rows(page_of_schemes(list(listing.rows))),
            **chosen,
            **choices,
            "filtered": any(chosen.values()),
            "overdue_count": overdue.count(),
            "overdue": list(overdue[:OVERDUE_SHOWN]),
            "overdue_shown": OVERDUE_SHOWN,
        },
    )


@login_required
def programme_overview(request):
    """The "Overview of Pacesetters" for the schemes the programme filters choose."""
    _require_programme(request.user)
    chosen, choices = programme_filters(request.GET)
    return render(
        request,
        "schemes/programme/overview.html",
        {
            "overview_boards": overview(_annotated(chosen)),
            **chosen,
            **choices,
            "filtered": any(chosen.values()),
        },
    )


def _pdf_response(request, template, context, *, title, filename, details, obj=None):
    response = pdf_download(
        request,
        lambda: render_pdf(template, context, title=title, lang=document_language()),
        filename,
    )
    if response.status_code == 200:  # audited once there is something downloaded
        audit_record(AuditAction.EXPORT_MONITORING, actor=request.user, obj=obj, details=details)
    return response


@login_required
@in_requested_language
def programme_overview_pdf(request):
    """The overview as a tagged PDF, for the same filters as the page."""
    _require_programme(request.user)
    chosen, _choices = programme_filters(request.GET)
    return _pdf_response(
        request,
        "pdf/monitoring_overview.html",
        {"overview_boards": overview(_annotated(chosen)), "user": request.user},
        title=_("Overview of Pacesetters"),
        filename="overview-of-pacesetters.pdf",
        details={"export": "overview", "filters": {k: v for k, v in chosen.items() if v}},
    )


def get_visible_agreement(request, reference):
    """The scheme's agreement if the user may see it: a 404 outside their scope, else 403."""
    agreement = get_object_or_404(
        agreement_queryset().visible_to(request.user), application__reference=reference
    )
    if not can(request.user, "schemes.view_agreement", agreement):
        raise PermissionDenied
    return agreement


def _optional_url(name, *args):
    """The address of a page another part of the portal may not have yet, or None."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def scheme_context(agreement):
    document = scheme_monitoring(agreement)
    reference = agreement.application.reference
    return {
        "document": document,
        "agreement": agreement,
        "application": agreement.application,
        "spend_chart": spend_chart(document),
        "measure_charts": [
            (series, measure_chart(series, index))
            for index, series in enumerate(document.measures, start=1)
        ],
        "agreement_url": _optional_url("schemes:agreement_detail", reference),
        "report_urls": {
            row.period.pk: _optional_url(
                "schemes:report_detail", reference, row.period.start.isoformat()
            )
            for row in document.periods
            if row.report is not None
        },
    }


@login_required
def scheme_page(request, reference):
    """One funded scheme's monitoring: agreement, reports over time, measures and spend."""
    agreement = get_visible_agreement(request, reference)
    return render(request, "schemes/programme/scheme.html", scheme_context(agreement))


@login_required
@in_requested_language
def scheme_pdf(request, reference):
    """The scheme's monitoring summary as a tagged PDF."""
    try:
        agreement = get_visible_agreement(request, reference)
    except PermissionDenied as error:
        raise Http404 from error
    context = {**scheme_context(agreement), "user": request.user}
    return _pdf_response(
        request,
        "pdf/monitoring_summary.html",
        context,
        title=_("Monitoring summary"),
        filename=f"{safe_filename(reference)}-monitoring.pdf",
        details={"export": "monitoring summary", "reference": reference},
        obj=agreement,
    )
