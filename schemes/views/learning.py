"""The learning library: searched by every signed-in user; a summary's page; the lead's summary
written, submitted and reopened; a programme manager's review.

A summary is found through the user's scoped queryset first (a 404 outside it, so an
unpublished summary of another board is not even confirmed to exist), then the permission is
asked (a 403); every write goes through `schemes.domain.learning`.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.paging import query_string
from pacesetter.pdf import document_language, pdf_download, render_pdf
from pacesetter.permissions import can
from pacesetter.spreadsheets import XLSX_TYPE, spreadsheet_safe, workbook_bytes
from pacesetter.transitions import Refused
from schemes.domain import learning as domain
from schemes.enums import LearningStatus
from schemes.forms.learning import (
    PUBLISH,
    LearningReviewForm,
    LearningSummaryForm,
    LibraryFilters,
)
from schemes.models import LearningSummary, StrategicComponent, Theme
from schemes.views.common import get_visible_application

# The most summaries awaiting review listed above a manager's library.
AWAITING_SHOWN = 20


@login_required
def library(request):
    """Published summaries, searched by words, filtered, sorted and paged 20 at a time."""
    if not can(request.user, "schemes.view_learning_library"):
        raise PermissionDenied
    filters = LibraryFilters(request.GET)
    params = {
        name: value
        for name, value in filters.chosen.items()
        if value and not (name == "sort" and value == "relevance")
    }
    search = domain.learning_search(
        filters.chosen["q"],
        filters.search(),
        request.user,
        page=request.GET.get("page"),
        params=params,
    )
    awaiting = []
    if can(request.user, "schemes.review_learning"):
        awaiting = list(
            LearningSummary.objects.visible_to(request.user)
            .filter(status=LearningStatus.SUBMITTED)
            .select_related("organisation")
            .order_by("updated_at", "pk")[:AWAITING_SHOWN]
        )
    return render(
        request,
        "schemes/learning/library.html",
        {
            "search": search,
            "listing": search.results,
            "filters": filters,
            **filters.chosen,
            "filtered": filters.filtered,
            "awaiting": awaiting,
            "csv_query": query_string(filters.given),
        },
    )


class _Echo:
    def write(self, value):
        return value


def _csv_lines(rows):
    writer = csv.writer(_Echo())
    header = [str(label) for _name, label in domain.LIBRARY_COLUMNS]
    # A byte order mark first, so that Excel reads Welsh letters.
    yield "\ufeff" + writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        yield writer.writerow(
            [spreadsheet_safe(row[name]) for name, _label in domain.LIBRARY_COLUMNS]
        )


@login_required
def library_csv(request):
    """The published summaries the library's search and filters find, as CSV (audited)."""
    if not can(request.user, "schemes.view_learning_library"):
        raise PermissionDenied
    filters = LibraryFilters(request.GET)
    rows = _library_rows(request, filters, "learning library")
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="learning-library.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _library_rows(request, filters, export):
    """The rows a library download holds; the download audited first."""
    audit_record(
        AuditAction.EXPORT_SPREADSHEET,
        actor=request.user,
        details={
            "export": export,
            "filters": filters.given,
        },
    )
    return domain.library_rows(
        filters.chosen["q"],
        filters.search(),
        request.user,
        site=request.build_absolute_uri("/").rstrip("/"),
    )


@login_required
def library_xlsx(request):
    """The published summaries the library's search and filters find, as XLSX (audited)."""
    if not can(request.user, "schemes.view_learning_library"):
        raise PermissionDenied
    filters = LibraryFilters(request.GET)
    rows = _library_rows(request, filters, "learning library (xlsx)")
    header = [str(label) for _name, label in domain.LIBRARY_COLUMNS]
    title = _("Learning library")
    workbook = workbook_bytes(
        str(title),
        [
            (
                "learning-library",
                str(title),
                header,
                ([row[name] for name, _label in domain.LIBRARY_COLUMNS] for row in rows),
            )
        ],
    )
    response = HttpResponse(workbook, content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="learning-library.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def library_digest(request):
    """A PDF of the published summaries the library's search finds, with a contents page.

    At most `DIGEST_LIMIT` of them, in the search's order; the cover says what was searched
    and how many were found. Audited as an export.
    """
    if not can(request.user, "schemes.view_learning_library"):
        raise PermissionDenied
    filters = LibraryFilters(request.GET)
    digest = domain.learning_digest(filters.chosen["q"], filters.search(), request.user)
    audit_record(
        AuditAction.EXPORT_LEARNING_DIGEST,
        actor=request.user,
        details={
            "summaries": len(digest.summaries),
            "filters": filters.given,
        },
    )
    return pdf_download(
        request,
        lambda: render_pdf(
            "pdf/learning_digest.html",
            {"digest": digest, "searched": filters.described()},
            title=_("Learning digest"),
            lang=document_language(),
        ),
        "learning-digest.pdf",
    )


def get_summary(request, pk, permission="schemes.view_learning"):
    """The summary `pk` if the user may see it (else 404) and has `permission` (else 403)."""
    summary = get_object_or_404(
        LearningSummary.objects.visible_to(request.user).select_related(
            "organisation", "application__round", "application__organisation"
        ),
        pk=pk,
    )
    if not can(request.user, "schemes.view_learning", summary):
        raise Http404
    if not can(request.user, permission, summary):
        raise PermissionDenied
    return summary


def is_board_lead(user, summary):
    """A lead of the summary's board: the one who may change it, whatever its status."""
    return summary.application_id is not None and can(
        user, "schemes.start_learning", summary.application
    )


def render_summary(request, summary, form=None, status=200):
    components = []
    if summary.application_id:
        components = list(
            StrategicComponent.objects.filter(applications=summary.application_id).select_related(
                "framework"
            )
        )
    may_review = can(request.user, "schemes.review_learning", summary)
    if form is None and may_review and summary.status == LearningStatus.SUBMITTED:
        form = LearningReviewForm()
    return render(
        request,
        "schemes/learning/detail.html",
        {
            "summary": summary,
            "themes": list(summary.themes.all()),
            "components": components,
            "results": domain.measure_results(summary),
            "can_edit": can(request.user, "schemes.edit_learning", summary),
            "can_reopen": can(request.user, "schemes.edit_learning_published", summary),
            "show_comments": is_board_lead(request.user, summary) or may_review,
            "form": form,
        },
        status=status,
    )


@login_required
def learning_detail(request, pk):
    """One summary: its text, themes, components and results against its measures."""
    return render_summary(request, get_summary(request, pk))


@login_required
def learning_start(request, reference):
    """A scheme's learning summary: its page if it exists; else the lead starts one (POST)."""
    application = get_visible_application(request, reference)
    existing = (
        LearningSummary.objects.visible_to(request.user).filter(application=application).first()
    )
    if existing is not None:
        return redirect(existing)
    if not can(request.user, "schemes.start_learning", application):
        raise PermissionDenied
    refusal = None
    if request.method == "POST":
        try:
            summary = domain.learning_start(application=application, acting_user=request.user)
        except Refused as refused:
            refusal = refused.message
        else:
            return redirect("schemes:learning_edit", summary.pk)
    return render(
        request,
        "schemes/learning/start.html",
        {"application": application, "refusal": refusal},
    )


@login_required
def learning_edit(request, pk):
    """The lead writes the summary, saves it to come back later, or saves and submits it."""
    summary = get_summary(request, pk)
    if not is_board_lead(request.user, summary):
        raise PermissionDenied
    if request.method != "POST" and not can(request.user, "schemes.edit_learning", summary):
        raise PermissionDenied(domain.NOT_EDITABLE)
    summary = (
        LearningSummary.objects.select_related("application__round", "organisation")
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.all()))
        .get(pk=summary.pk)
    )
    form = LearningSummaryForm(request.POST if request.method == "POST" else None, summary=summary)
    if request.method == "POST" and form.is_valid():
        try:
            saved = domain.learning_save(
                summary,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
                fields=form.text_values(),
                themes=form.cleaned_data["themes"],
            )
            if "submit" in request.POST:
                domain.learning_submit(
                    saved, expected_version=saved.version, acting_user=request.user
                )
        except Refused as refused:
            form.add_refusal(refused)
            if "submit" in request.POST and refused.errors:
                # Saved, but not complete: the next save is made from the saved version.
                data = request.POST.copy()
                data["version"] = str(LearningSummary.objects.get(pk=summary.pk).version)
                form.data = data
        else:
            if "submit" in request.POST:
                messages.success(
                    request, _("Your learning summary has been submitted to Welsh Government.")
                )
            else:
                messages.success(
                    request, _("Your learning summary has been saved. You can come back to it.")
                )
            return redirect(summary)
    return render(
        request,
        "schemes/learning/edit.html",
        {"summary": summary, "form": form},
        status=200,
    )


@login_required
@require_POST
def learning_review(request, pk):
    """A programme manager publishes a submitted summary or returns it with comments."""
    summary = get_summary(request, pk, "schemes.review_learning")
    form = LearningReviewForm(request.POST)
    if form.is_valid():
        comments = form.cleaned_data["comments"]
        try:
            if form.cleaned_data["decision"] == PUBLISH:
                domain.learning_publish(summary, acting_user=request.user, comments=comments)
                messages.success(request, _("The learning summary has been published."))
            else:
                domain.learning_return(summary, comments=comments, acting_user=request.user)
                messages.success(
                    request, _("The learning summary has been returned to the health board.")
                )
        except Refused as refused:
            form.add_refusal(refused)
        else:
            return redirect(summary)
    return render_summary(request, summary, form)


@login_required
@require_POST
def learning_reopen(request, pk):
    """The lead reopens a published summary to update it; it leaves the library meanwhile."""
    summary = get_summary(request, pk, "schemes.edit_learning_published")
    try:
        domain.learning_reopen(summary, acting_user=request.user)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect(summary)
    return redirect("schemes:learning_edit", summary.pk)
