"""A round's appraisal pack: front matter, then every application's summary and appraisal.

The pack is made of parts: one front matter (cover, contents, ranking, money by health board,
tick-matrix coverage, score distributions) and one part per application. Each part is a tagged
(PDF/UA-1) WeasyPrint document, rendered on both cores by one `RenderPool`; the parts are
joined by `pacesetter.pdf_merge.join_tagged`, which keeps their structure trees, and stamped
with "Page X of Y" as artifacts from one small numbering PDF. Each application part's PDF is
cached under `MEDIA_ROOT/pack-cache/` by the sha256 of its HTML (with the stylesheet), so
regenerating after one application changes renders only that part; the numbering PDF is
cached by its page count.
"""

import hashlib
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria import charts
from criteria.domain.aggregation import application_matrix, round_scores
from criteria.domain.money import board_totals
from criteria.views.appraisal_pdf import reviewer_names
from criteria.views.ranking import RankedApplication, rank_order
from pacesetter.pdf import PDF_VARIANT, STYLESHEET, RenderPool, document_language, stylesheet_url
from pacesetter.pdf_merge import Bookmark, describe, join_tagged, page_count
from schemes.domain.decisions import RANKED
from schemes.models import Application, Decision
from schemes.views.browse import frameworks_with_components
from schemes.views.pdf import application_form

ZERO = Decimal("0.00")
CACHE_FOLDER = "pack-cache"
FRONT_MATTER = "pdf/pack/front_matter.html"
APPLICATION_PART = "pdf/pack/application.html"
PAGE_NUMBERS = "pdf/pack/page_numbers.html"
WORKERS = 2
PART_VARIANT = PDF_VARIANT


@dataclass(frozen=True)
class PackResult:
    """A made pack and how it was made: parts counts exclude the front matter."""

    pdf: bytes
    pages: int
    parts_rendered: int
    parts_reused: int
    seconds: float


@dataclass(frozen=True)
class ContentsEntry:
    """One line of the pack's contents: a section's title and the page it starts on."""

    title: str
    page: int | None


def pack_applications(round):
    """Return the round's submitted and decided applications (no drafts or withdrawn), ranked.

    Ranking order as on the ranking page: final percentage highest first, ties by reference,
    applications without a submitted review last. Each row is a `RankedApplication`, with its
    rank, cumulative amount requested and whether the envelope runs out there.
    """
    scores = round_scores(round)
    applications = (
        Application.objects.filter(round=round, status__in=RANKED)
        .select_related("round__question_set", "round__criteria_set", "organisation", "decision")
        .prefetch_related("answers", "budget_lines", "other_funding", "components", "attachments")
    )
    rows = []
    for application in applications:
        rows.append(
            RankedApplication(
                application=application,
                score=scores.get(application.pk),
                rank=None,
                requested=application.totals().requested,
                cumulative=ZERO,
                over_envelope=False,
                money_runs_out=False,
                decision=getattr(application, "decision", None),
                can_decide=False,
            )
        )
    rows.sort(key=rank_order)
    envelope = round.envelope_total
    cumulative = ZERO
    previous = None
    for position, row in enumerate(rows, start=1):
        if row.percentage is not None:
            row.rank = (
                previous.rank if previous and previous.percentage == row.percentage else position
            )
        cumulative += row.requested
        row.cumulative = cumulative
        row.over_envelope = envelope is not None and cumulative > envelope
        row.money_runs_out = row.over_envelope and not (previous and previous.over_envelope)
        previous = row
    return rows


def application_heading(application):
    """The pack's name for an application: its reference and title."""
    return f"{application.reference}: {application.title}"


def contents_entries(front_sections, rows, part_pages, front_pages):
    """Return the contents: the front matter's sections, then each application, with pages.

    `front_sections` is [(title, first page)] of the front matter after its contents page,
    `part_pages` the page count of each application part in `rows` order, and `front_pages`
    the front matter's page count (None for every page while they are not yet known).
    """
    entries = [ContentsEntry(title, page) for title, page in front_sections]
    page = None if front_pages is None else front_pages + 1
    for row, pages in zip(rows, part_pages, strict=True):
        entries.append(ContentsEntry(application_heading(row.application), page))
        if page is not None:
            page += pages
    return entries


def _stylesheet_digest():
    path = Path(settings.BASE_DIR) / "static" / STYLESHEET
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cache_key(html, title, lang, stylesheet):
    text = "\0".join((str(PART_VARIANT), stylesheet, title, lang, html))
    return hashlib.sha256(text.encode()).hexdigest()


def _cache_folder():
    folder = Path(settings.MEDIA_ROOT) / CACHE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _cache_store(folder, key, pdf):
    # Write then rename, so a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "wb") as file:
        file.write(pdf)
    Path(temporary).replace(folder / f"{key}.pdf")


def _application_html(application, *, frameworks, named, lang, title):
    matrix = application_matrix(application)
    names = reviewer_names(matrix, named=named)
    rows = [
        {
            "row": row,
            "cells": [
                (names[column.review.pk], cell)
                for column, cell in zip(matrix.columns, row.cells, strict=True)
            ],
        }
        for row in matrix.rows
    ]
    return render_to_string(
        APPLICATION_PART,
        {
            "application": application,
            "form": application_form(application),
            "totals": application.totals(),
            "other_funding": application.other_funding.all(),
            "frameworks": frameworks,
            "ticked": {component.pk for component in application.components.all()},
            "attachments": application.attachments.all(),
            "matrix": matrix,
            "columns": [(column, names[column.review.pk]) for column in matrix.columns],
            "rows": rows,
            "named": named,
            "decision": Decision.objects.filter(application=application)
            .select_related("decided_by")
            .first(),
            "document_title": title,
            "document_lang": lang,
            "stylesheet_url": stylesheet_url(),
        },
    )


def _front_matter_html(context, contents, generated_at):
    return render_to_string(
        FRONT_MATTER, {**context, "contents": contents, "generated_at": generated_at}
    )


def _shifted(bookmark, pages):
    return Bookmark(
        bookmark.title,
        bookmark.page + pages,
        [_shifted(child, pages) for child in bookmark.children],
    )


def build_pack(
    round, *, reviewers_named=False, progress: Callable[[int, str], None] | None = None
) -> PackResult:
    """Make the round's appraisal pack as one PDF, reusing cached application parts.

    Writes each newly rendered application part to `MEDIA_ROOT/pack-cache/<sha256>.pdf`.
    Calls `progress(percent, message)` as parts complete. Raises `PDFRenderTimeout` when a
    part takes longer than `PDF_RENDER_TIMEOUT` seconds.
    """
    started = time.monotonic()

    def report(percent, message):
        if progress is not None:
            progress(percent, message)

    report(0, _("Collecting the round's figures."))
    # The workers start in the background while the HTML is prepared.
    with RenderPool(WORKERS) as pool:
        made = _make_pack(round, pool, reviewers_named=reviewers_named, report=report)
    report(100, _("The pack is ready."))
    return PackResult(**made, seconds=time.monotonic() - started)


def _make_pack(round, pool, *, reviewers_named, report):
    lang = document_language()
    title = _("Appraisal pack: %(round)s") % {"round": round.name}
    part_title = _("Application and appraisal summary")
    stylesheet = _stylesheet_digest()
    folder = _cache_folder()
    rows = pack_applications(round)
    frameworks = list(frameworks_with_components(round))
    boards = board_totals(round, rows)
    money = charts.figures_from_board_totals(round, boards)
    context = {
        "round": round,
        "rows": rows,
        "named": reviewers_named,
        "runs_out": next((row for row in rows if row.money_runs_out), None),
        "boards": boards,
        "requested_total": sum((row.requested for row in rows), ZERO),
        "approved_total": sum((row.approved for row in rows), ZERO),
        "shares_total": sum((board.share for board in boards if board.share is not None), ZERO),
        "money_chart": charts.money_by_board_chart(round, figures=money),
        "coverage_chart": charts.coverage_heat_map(round),
        "scores_chart": charts.score_distribution_chart(round),
        "document_title": title,
        "document_lang": lang,
        "stylesheet_url": stylesheet_url(),
    }

    # The front matter's length and section pages do not depend on the numbers or the date it
    # carries (fixed layout), so a draft without them goes to the workers first, then every
    # application part whose HTML is not in the cache, each as soon as its HTML is ready.
    sections = [
        (_("Ranking"), None),
        (_("Money by health board"), None),
        (_("Tick-matrix coverage"), None),
        (_("Score distributions"), None),
    ]
    draft_html = _front_matter_html(
        context, contents_entries(sections, rows, [0] * len(rows), None), None
    )
    draft_key = _cache_key(draft_html, title, lang, stylesheet)
    pdfs = {}
    pending = {}
    if (folder / f"{draft_key}.pdf").is_file():
        pdfs[draft_key] = (folder / f"{draft_key}.pdf").read_bytes()
    else:
        pending[draft_key] = pool.submit((draft_html, title, lang), pdf_variant=PART_VARIANT)
    part_keys = []
    for row in rows:
        html = _application_html(
            row.application, frameworks=frameworks, named=reviewers_named, lang=lang, title=title
        )
        key = _cache_key(html, part_title, lang, stylesheet)
        part_keys.append(key)
        if key in pdfs or key in pending:
            continue
        cached = folder / f"{key}.pdf"
        if cached.is_file():
            pdfs[key] = cached.read_bytes()
        else:
            pending[key] = pool.submit((html, part_title, lang), pdf_variant=PART_VARIANT)
    parts_rendered = len(pending) - (draft_key in pending)

    for done, (key, handle) in enumerate(pending.items(), start=1):
        pdfs[key] = pool.result(handle)
        _cache_store(folder, key, pdfs[key])
        report(
            5 + 80 * done // len(pending),
            _("Rendered part %(done)s of %(total)s.") % {"done": done, "total": len(pending)},
        )

    part_pages = []
    part_outlines = []
    for key in part_keys:
        pages, bookmarks = describe(pdfs[key])
        part_pages.append(pages)
        part_outlines.append(bookmarks)
    front_pages, front_outline = describe(pdfs[draft_key])
    front_sections = [
        (bookmark.title, bookmark.page + 1)
        for bookmark in front_outline
        if bookmark.title != _("Contents")
    ]

    # The finished front matter and the numbering pages; again if the front matter's length
    # turned out to differ from the draft's.
    report(88, _("Numbering the pages."))
    generated_at = timezone.localtime()
    numbers_title = _("Page numbers")
    for _attempt in range(3):
        contents = contents_entries(front_sections, rows, part_pages, front_pages)
        # The numbering pages depend only on the page count, so they are cached too.
        numbers_html = render_to_string(
            PAGE_NUMBERS,
            {
                "pages": range(front_pages + sum(part_pages)),
                "document_title": numbers_title,
                "document_lang": lang,
                "stylesheet_url": stylesheet_url(),
            },
        )
        numbers_key = _cache_key(numbers_html, numbers_title, lang, stylesheet)
        numbers_path = folder / f"{numbers_key}.pdf"
        documents = [(_front_matter_html(context, contents, generated_at), title, lang)]
        if not numbers_path.is_file():
            # Untagged: the numbers are drawn over the pack's pages as artifacts.
            documents.append((numbers_html, numbers_title, lang, None))
        front_pdf, *numbers = pool.render(documents, pdf_variant=PART_VARIANT)
        if numbers:
            numbers_pdf = numbers[0]
            _cache_store(folder, numbers_key, numbers_pdf)
        else:
            numbers_pdf = numbers_path.read_bytes()
        if page_count(front_pdf) == front_pages:
            break
        front_pages = page_count(front_pdf)

    report(95, _("Putting the pack together."))
    bookmarks = [Bookmark(_("Cover"), 0), *front_outline]
    start = front_pages
    for row, pages, part_outline in zip(rows, part_pages, part_outlines, strict=True):
        heading = application_heading(row.application)
        bookmarks.append(
            Bookmark(heading, start, [_shifted(bookmark, start) for bookmark in part_outline])
        )
        start += pages
    pdf = join_tagged(
        [front_pdf, *(pdfs[key] for key in part_keys)],
        title=title,
        lang=lang,
        bookmarks=bookmarks,
        page_numbers=numbers_pdf,
    )
    return {
        "pdf": pdf,
        "pages": start,
        "parts_rendered": parts_rendered,
        "parts_reused": len(rows) - parts_rendered,
    }
