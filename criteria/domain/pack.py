"""A round's appraisal pack: front matter, then every application's summary and appraisal.

The pack is made of parts: one front matter (cover, contents, ranking, money by health board,
tick-matrix coverage, score distributions) and one part per application. Each application
part's PDF is cached under `MEDIA_ROOT/pack-cache/` by the sha256 of its HTML (with the
stylesheet), so regenerating after one application changes renders only that part. Parts
are rendered without page numbers on both cores (`render_many`), merged with pypdf, and
stamped with "Page X of Y" from one small numbering PDF. Merging loses WeasyPrint's tagged
structure: the pack is not PDF/UA-1, unlike the single-application PDFs.
"""

import hashlib
import io
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
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from criteria import charts
from criteria.domain.aggregation import application_matrix, round_scores
from criteria.domain.money import board_totals
from criteria.views.appraisal_pdf import reviewer_names
from criteria.views.ranking import RankedApplication, rank_order
from pacesetter.pdf import STYLESHEET, document_language, render_many, stylesheet_url
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
# Merging drops the parts' tags, and untagged parts read back about ten times faster.
PART_VARIANT = None


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


def _outline_pages(reader):
    """Return [(title, page number from 1)] of the top level of a PDF's outline."""
    return [
        (item.title, reader.get_destination_page_number(item) + 1)
        for item in reader.outline
        if not isinstance(item, list)
    ]


def _pages(pdf):
    return len(PdfReader(io.BytesIO(pdf)).pages)


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

    # Every part's HTML is cheap; only parts whose HTML is not in the cache go to WeasyPrint.
    part_keys = []
    part_pdfs = {}
    pending = {}
    for row in rows:
        html = _application_html(
            row.application, frameworks=frameworks, named=reviewers_named, lang=lang, title=title
        )
        key = _cache_key(html, part_title, lang, stylesheet)
        part_keys.append(key)
        cached = folder / f"{key}.pdf"
        if key in part_pdfs or key in pending:
            continue
        if cached.is_file():
            part_pdfs[key] = cached.read_bytes()
        else:
            pending[key] = (html, part_title, lang)
    to_render = list(pending.items())
    parts_rendered = len(to_render)
    parts_reused = len(rows) - parts_rendered

    # The front matter's length and section pages do not depend on the numbers or the date it
    # carries (fixed layout), so a draft without them is rendered alongside the parts.
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
    draft_path = folder / f"{draft_key}.pdf"
    if draft_path.is_file():
        draft_pdf = draft_path.read_bytes()
    else:
        to_render.insert(0, (draft_key, (draft_html, title, lang)))
        draft_pdf = None

    total = len(to_render)

    def rendered(index, pdf):
        key = to_render[index][0]
        _cache_store(folder, key, pdf)
        report(
            5 + 80 * (index + 1) // max(total, 1),
            _("Rendered part %(done)s of %(total)s.")
            % {
                "done": index + 1,
                "total": total,
            },
        )

    for (key, _document), pdf in zip(
        to_render,
        render_many(
            [document for _key, document in to_render],
            workers=WORKERS,
            on_each=rendered,
            pdf_variant=PART_VARIANT,
        ),
        strict=True,
    ):
        part_pdfs[key] = pdf
    if draft_pdf is None:
        draft_pdf = part_pdfs.pop(draft_key)

    part_readers = [PdfReader(io.BytesIO(part_pdfs[key])) for key in part_keys]
    part_pages = [len(reader.pages) for reader in part_readers]
    draft = PdfReader(io.BytesIO(draft_pdf))
    front_pages = len(draft.pages)
    outline = _outline_pages(draft)
    front_sections = [(name, page) for name, page in outline if name != _("Contents")]

    # The finished front matter and the numbering pages; again if the front matter's length
    # turned out to differ from the draft's.
    report(88, _("Numbering the pages."))
    generated_at = timezone.localtime()
    for _attempt in range(3):
        contents = contents_entries(front_sections, rows, part_pages, front_pages)
        # The numbering pages depend only on the page count, so they are cached too.
        numbers_title = _("Page numbers")
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
            documents.append((numbers_html, numbers_title, lang))
        front_pdf, *numbers = render_many(documents, workers=WORKERS, pdf_variant=PART_VARIANT)
        if numbers:
            numbers_pdf = numbers[0]
            _cache_store(folder, numbers_key, numbers_pdf)
        else:
            numbers_pdf = numbers_path.read_bytes()
        if _pages(front_pdf) == front_pages:
            break
        front_pages = _pages(front_pdf)

    report(95, _("Putting the pack together."))
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front_pdf)), import_outline=False)
    writer.add_outline_item(_("Cover"), 0)
    for name, page in outline:
        writer.add_outline_item(name, page - 1)
    for row, reader in zip(rows, part_readers, strict=True):
        start = len(writer.pages)
        writer.append(reader, import_outline=False)
        writer.add_outline_item(application_heading(row.application), start)
    numbers = PdfReader(io.BytesIO(numbers_pdf))
    for page, number in zip(writer.pages, numbers.pages, strict=True):
        page.merge_page(number)
    writer.add_metadata({"/Title": title})
    writer._root_object[NameObject("/Lang")] = TextStringObject(lang)
    writer.create_viewer_preferences().display_doctitle = True
    writer.page_mode = "/UseOutlines"
    output = io.BytesIO()
    writer.write(output)
    report(100, _("The pack is ready."))
    return PackResult(
        pdf=output.getvalue(),
        pages=len(writer.pages),
        parts_rendered=parts_rendered,
        parts_reused=parts_reused,
        seconds=time.monotonic() - started,
    )
