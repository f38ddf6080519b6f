"""A round's appraisal pack: cover and contents, the round's figures, then every application.

The pack is made of parts: the cover and contents; the round's figures (ranking, money by
health board, tick-matrix coverage, score distributions); one part per application (its
summary and appraisal). Each part is a tagged (PDF/UA-1) WeasyPrint document, rendered on both
cores by one `RenderPool`; `pacesetter.pdf_merge.join_tagged` joins them, keeping their
structure trees, and draws "Page X of Y" over every page from one numbering PDF.

Every part but the cover is cached in the default storage under `pack-cache/` (the media
folder, or the object store that every app server and worker shares) by the sha256 of its HTML
(with the stylesheet), with its page count and bookmarks beside it, so regenerating after one
application changes renders only that part. The cover carries the date and the contents' page
numbers, so it is rendered on every build; the numbering PDF is cached by its page count.
After each build, cached parts no build has used for `CACHE_KEPT` are deleted
(`pacesetter.stored_files` marks a part as used on either backend).
"""

import datetime
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from criteria import charts
from criteria.domain.aggregation import application_matrix
from criteria.domain.anonymity import appraisal_table
from criteria.domain.ranking import ranked_rows, round_money
from pacesetter.pdf import (
    PDF_VARIANT,
    STYLESHEET,
    PDFRenderError,
    RenderPool,
    document_language,
    stylesheet_url,
)
from pacesetter.pdf_merge import Bookmark, describe, join_tagged, page_count
from pacesetter.stored_files import mark_used, read_whole, remove_unused, write_whole
from schemes.domain.document import application_document, frameworks_with_components
from schemes.enums import RANKED_STATUSES
from schemes.models import Application, Decision

CACHE_FOLDER = "pack-cache"
# Cached parts unused by any build for this long are deleted after each build.
CACHE_KEPT = datetime.timedelta(days=30)
COVER = "pdf/pack/cover.html"
FIGURES = "pdf/pack/figures.html"
APPLICATION_PART = "pdf/pack/application.html"
PAGE_NUMBERS = "pdf/pack/page_numbers.html"
# Pages of page numbers rendered as one document: runs are rendered side by side.
NUMBERS_RUN = 100
# The figures part's sections, as its headings name them (for the draft contents).
FIGURE_SECTIONS = (
    gettext_noop("Ranking"),
    gettext_noop("Money by health board"),
    gettext_noop("Tick-matrix coverage"),
    gettext_noop("Score distributions"),
)
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
    applications = (
        Application.objects.filter(round=round, status__in=RANKED_STATUSES)
        .select_related("round__question_set", "round__criteria_set", "organisation", "decision")
        .prefetch_related("answers", "budget_lines", "other_funding", "components", "attachments")
    )
    return ranked_rows(round, applications)


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


def _cache_name(key, suffix):
    return f"{CACHE_FOLDER}/{key}{suffix}"


@dataclass(frozen=True)
class Part:
    """A rendered part of the pack: its PDF, page count and own bookmarks (pages from 0)."""

    pdf: bytes
    pages: int
    bookmarks: list[Bookmark]


def _bookmark_from_json(data):
    return Bookmark(data["title"], data["page"], [_bookmark_from_json(c) for c in data["children"]])


def _cache_store(storage, key, pdf) -> Part:
    """Keep a rendered part: its PDF, and beside it its page count and bookmarks.

    The PDF is written first, so a part whose description is found is whole.
    """
    pages, bookmarks = describe(pdf)
    write_whole(storage, _cache_name(key, ".pdf"), pdf)
    described = {"pages": pages, "bookmarks": [asdict(bookmark) for bookmark in bookmarks]}
    write_whole(storage, _cache_name(key, ".json"), json.dumps(described).encode())
    return Part(pdf, pages, bookmarks)


def _cache_load(storage, key) -> Part | None:
    """Return a cached part, or None if it is not (wholly) in the cache.

    A part found is marked as used now, so `prune_cache` keeps it.
    """
    try:
        described_bytes = read_whole(storage, _cache_name(key, ".json"))
        described = json.loads(described_bytes)
        pdf = read_whole(storage, _cache_name(key, ".pdf"))
        mark_used(storage, _cache_name(key, ".json"), described_bytes)
        mark_used(storage, _cache_name(key, ".pdf"), pdf)
    except (OSError, ValueError):
        return None
    bookmarks = [_bookmark_from_json(bookmark) for bookmark in described["bookmarks"]]
    return Part(pdf, described["pages"], bookmarks)


def prune_cache(*, unused_for=CACHE_KEPT, now=None) -> int:
    """Delete cached parts no build has used for `unused_for`; return how many files went.

    Cached parts hold applicants' answers and reviewers' scores, so the cache keeps only what
    recent packs used (or may use again soon) rather than every version of every application.
    Unfinished writes (`.part`) older than that go too. `now` is an aware datetime.
    """
    return remove_unused(
        default_storage,
        CACHE_FOLDER,
        unused_for=unused_for,
        suffixes=(".pdf", ".json", ".part"),
        now=now,
    )


def _application_html(application, *, frameworks, named, lang, title):
    matrix = application_matrix(application)
    columns, rows = appraisal_table(matrix, named=named)
    return render_to_string(
        APPLICATION_PART,
        {
            "application": application,
            "document": application_document(application, frameworks=frameworks),
            "matrix": matrix,
            "columns": columns,
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


def _cover_html(context, contents, generated_at):
    return render_to_string(COVER, {**context, "contents": contents, "generated_at": generated_at})


def _page_numbers(pool, storage, total, lang, stylesheet) -> list[Part]:
    """Return blank pages 1 to `total` with "Page X of Y" footers, in runs of NUMBERS_RUN.

    Each run is cached by its HTML, or rendered, all runs at once on the pool's workers.
    Untagged: the numbers are drawn over the pack's pages as artifacts.
    """
    title = _("Page numbers")
    runs = []
    for first in range(1, total + 1, NUMBERS_RUN):
        html = render_to_string(
            PAGE_NUMBERS,
            {
                "first": first,
                "total": total,
                "pages": range(first, min(first + NUMBERS_RUN, total + 1)),
                "document_title": title,
                "document_lang": lang,
                "stylesheet_url": stylesheet_url(),
            },
        )
        key = _cache_key(html, title, lang, stylesheet)
        runs.append((key, _cache_load(storage, key) or pool.submit((html, title, lang, None))))
    return [
        run if isinstance(run, Part) else _cache_store(storage, key, pool.result(run))
        for key, run in runs
    ]


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

    Writes each newly rendered application part to `pack-cache/<sha256>.pdf` in the default
    storage.
    Calls `progress(percent, message)` as parts complete. Raises `PDFRenderTimeout` when a
    part takes longer than `PDF_RENDER_TIMEOUT` seconds.
    """
    started = time.monotonic()

    def report(percent, message):
        if progress is not None:
            progress(percent, message)

    report(0, _("Collecting the round’s figures."))
    # The workers start in the background while the HTML is prepared.
    with RenderPool(WORKERS) as pool:
        made = _make_pack(round, pool, reviewers_named=reviewers_named, report=report)
    prune_cache()
    report(100, _("The pack is ready."))
    return PackResult(**made, seconds=time.monotonic() - started)


def _make_pack(round, pool, *, reviewers_named, report):
    lang = document_language()
    title = _("Appraisal pack: %(round)s") % {"round": round.name}
    part_title = _("Application and appraisal summary")
    stylesheet = _stylesheet_digest()
    storage = default_storage
    rows = pack_applications(round)
    frameworks = list(frameworks_with_components(round))
    money = round_money(round, rows)
    context = {
        "round": round,
        "rows": rows,
        "named": reviewers_named,
        "runs_out": next((row for row in rows if row.money_runs_out), None),
        "boards": money.boards,
        "requested_total": money.requested,
        "approved_total": money.approved,
        "shares_total": money.shares,
        "money_chart": charts.money_by_board_chart(
            round, figures=charts.figures_from_round_money(money)
        ),
        "coverage_chart": charts.coverage_heat_map(round),
        "scores_chart": charts.score_distribution_chart(round),
        "document_title": title,
        "document_lang": lang,
        "stylesheet_url": stylesheet_url(),
    }

    # Every part whose HTML is not in the cache goes to the workers as soon as its HTML is
    # ready: a draft of the cover and contents (its length depends only on how many entries
    # the contents has, not on their page numbers or the date), the round's figures, then
    # each application.
    parts = {}
    pending = {}

    def part(html, part_title):
        key = _cache_key(html, part_title, lang, stylesheet)
        if key not in parts and key not in pending:
            cached = _cache_load(storage, key)
            if cached is not None:
                parts[key] = cached
            else:
                pending[key] = pool.submit((html, part_title, lang), pdf_variant=PART_VARIANT)
        return key

    sections = [(_(name), None) for name in FIGURE_SECTIONS]
    draft_key = part(
        _cover_html(context, contents_entries(sections, rows, [0] * len(rows), None), None),
        title,
    )
    figures_key = part(render_to_string(FIGURES, context), title)
    part_keys = [
        part(
            _application_html(
                row.application,
                frameworks=frameworks,
                named=reviewers_named,
                lang=lang,
                title=title,
            ),
            part_title,
        )
        for row in rows
    ]
    application_keys = set(part_keys)
    parts_rendered = sum(key in application_keys for key in pending)

    for done, (key, handle) in enumerate(pending.items(), start=1):
        parts[key] = _cache_store(storage, key, pool.result(handle))
        report(
            5 + 80 * done // len(pending),
            _("Rendered part %(done)s of %(total)s.") % {"done": done, "total": len(pending)},
        )

    draft, figures = parts[draft_key], parts[figures_key]
    applications = [parts[key] for key in part_keys]

    # The finished cover and contents, with the date and page numbers, is rendered on every
    # build (again, should its length differ from the draft's); the numbering pages depend
    # only on the page count, so they are cached.
    report(88, _("Numbering the pages."))
    generated_at = timezone.localtime()
    cover_pages = draft.pages
    for _attempt in range(3):
        front_pages = cover_pages + figures.pages
        front_sections = [
            (bookmark.title, cover_pages + bookmark.page + 1) for bookmark in figures.bookmarks
        ]
        contents = contents_entries(
            front_sections, rows, [part.pages for part in applications], front_pages
        )
        cover_handle = pool.submit(
            (_cover_html(context, contents, generated_at), title, lang), pdf_variant=PART_VARIANT
        )
        numbers = _page_numbers(
            pool, storage, front_pages + sum(part.pages for part in applications), lang, stylesheet
        )
        cover_pdf = pool.result(cover_handle)
        found = page_count(cover_pdf)
        if found == cover_pages:
            break
        cover_pages = found
    else:
        raise PDFRenderError(_("The pack’s contents did not settle on a length."))

    report(95, _("Putting the pack together."))
    bookmarks = [
        Bookmark(_("Cover"), 0),
        *draft.bookmarks,
        *(_shifted(bookmark, cover_pages) for bookmark in figures.bookmarks),
    ]
    start = front_pages
    for row, application in zip(rows, applications, strict=True):
        heading = application_heading(row.application)
        children = [_shifted(bookmark, start) for bookmark in application.bookmarks]
        bookmarks.append(Bookmark(heading, start, children))
        start += application.pages
    pdf = join_tagged(
        [cover_pdf, figures.pdf, *(part.pdf for part in applications)],
        title=title,
        lang=lang,
        bookmarks=bookmarks,
        page_numbers=[run.pdf for run in numbers],
    )
    return {
        "pdf": pdf,
        "pages": start,
        "parts_rendered": parts_rendered,
        "parts_reused": len(rows) - parts_rendered,
    }
