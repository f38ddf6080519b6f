"""The round appraisal pack: what it carries, its page numbers and bookmarks, its cache, safety."""

import datetime
import io
import logging
import multiprocessing
import os
import re
import time

import pikepdf
import pytest
from django.utils import dateformat, timezone

from criteria.domain.pack import build_pack, pack_applications, prune_cache
from criteria.models import Criterion
from pacesetter.pdf import (
    PDFRenderTimeout,
    RenderPool,
    _base_url,
    _render_document,
    static_roots,
)
from schemes.models import Answer, Application, Round
from tests.factories.panel import panel_application
from tests.test_pdf import (
    PASSWD_START,
    embedded_files_listing,
    outline_titles,
    pdf_field,
    pdf_info,
    pdf_text,
    run,
)

pytestmark = pytest.mark.django_db

HDD = "PS-2018-HDD-001"
HDD_TITLE = "Networked model for primary care contractors"
FRONT_SECTIONS = ["Ranking", "Money by health board", "Tick-matrix coverage", "Score distributions"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Keep the pack cache out of the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def page_texts(pdf, tmp_path):
    """Return each page's text, whitespace collapsed, first page first."""
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    pages = len(pikepdf.open(io.BytesIO(pdf)).pages)
    return [
        " ".join(run("pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-").split())
        for n in range(1, pages + 1)
    ]


def contents_pages(pages):
    """Return {section title: page number} as printed on the contents page (page 2)."""
    table = pages[1].split("Section Page ", 1)[1].rsplit(" OFFICIAL-SENSITIVE Page", 1)[0]
    return {title: int(number) for title, number in re.findall(r"(.+?) (\d+)(?: |$)", table)}


def first_page_with(pages, text, *, after=0):
    return next(
        number for number, page in enumerate(pages, start=1) if number > after and text in page
    )


@pytest.fixture
def round_2018():
    return Round.objects.get(code="2018-19")


def test_pack_applications_are_the_submitted_and_decided_in_ranking_order(round_2018):
    unscored = panel_application(round_2018, reference="PS-2018-AAA-001")
    panel_application(round_2018, reference="PS-2018-AAA-002", status="draft")
    panel_application(round_2018, reference="PS-2018-AAA-003", status="withdrawn")

    rows = pack_applications(round_2018)

    assert [row.application for row in rows] == [
        Application.objects.get(reference=HDD),
        unscored,
    ]
    assert [row.rank for row in rows] == [1, None]


def test_pack_of_2018_19_carries_cover_contents_ranking_money_charts_and_summaries(
    round_2018, tmp_path
):
    result = build_pack(round_2018)
    pages = page_texts(result.pdf, tmp_path)
    text = " ".join(pages)
    today = dateformat.format(timezone.localtime(), "j F Y")

    assert result.pages == len(pages)
    # The cover.
    assert pages[0].startswith("Appraisal pack: Pacesetter 2018-19 · 2018-19 OFFICIAL-SENSITIVE")
    assert "Round Pacesetter 2018-19" in pages[0]
    assert f"Date generated {today} at " in pages[0]
    # The contents, each number where its section really starts.
    contents = contents_pages(pages)
    assert list(contents) == [*FRONT_SECTIONS, f"{HDD}: {HDD_TITLE}"]
    assert contents["Ranking"] == first_page_with(pages, "Applications by final score", after=2)
    assert contents["Money by health board"] == first_page_with(
        pages, "Money by health board against indicative shares", after=2
    )
    # 2018-19's form had no tick matrix: the section says so instead of an empty chart.
    assert contents["Tick-matrix coverage"] == first_page_with(
        pages, "This round’s application form has no tick matrix", after=2
    )
    assert contents["Score distributions"] == first_page_with(
        pages, "Score distributions by criterion", after=2
    )
    part_start = contents[f"{HDD}: {HDD_TITLE}"]
    assert part_start == first_page_with(pages, HDD_TITLE, after=3)
    assert f"Application summary · {HDD} {HDD_TITLE}" in pages[part_start - 1]
    # The ranking and the money table.
    assert "68.75% £488,000.00 £488,000.00 Approved £488,000.00" in text
    assert "All organisations £0.00 £488,000.00 £488,000.00" in text
    # The charts' text is text in the PDF.
    assert "Money requested and approved by health board" in text
    assert "Requested: £488,000.00" in text
    assert "Approved: £488,000.00" in text
    # The application's summary and appraisal.
    assert "Primary Care is the foundation of health services" in text
    assert "Amount requested £488,000.00" in text
    assert "Total project cost £1,047,000.00" in text
    assert f"Appraisal summary · {HDD}" in text
    for label in Criterion.objects.filter(criteria_set=round_2018.criteria_set_id).values_list(
        "label", flat=True
    ):
        assert f" {label}. " in text
    # Every page is numbered once, on its own page, and carries the marking.
    assert [re.findall(r"Page \d+ of \d+", page) for page in pages] == [
        [f"Page {number} of {len(pages)}"] for number in range(1, len(pages) + 1)
    ]
    assert all(page.count("OFFICIAL-SENSITIVE") >= 2 for page in pages)


def outline_tree(pdf):
    """Return the outline as [(title, page from 1, [children])], read with pikepdf."""
    document = pikepdf.open(io.BytesIO(pdf))
    pages = {page.objgen: number for number, page in enumerate(document.pages, start=1)}

    def entry(item):
        page = pages[item.destination[0].objgen]
        return (item.title, page, [entry(child) for child in item.children])

    with document.open_outline() as outline:
        return [entry(item) for item in outline.root]


def test_pack_has_bookmarks_title_and_language(round_2018, tmp_path):
    pdf = build_pack(round_2018).pdf
    pages = page_texts(pdf, tmp_path)

    tree = outline_tree(pdf)

    assert [title for title, _page, _children in tree] == [
        "Cover",
        "Contents",
        *FRONT_SECTIONS,
        f"{HDD}: {HDD_TITLE}",
    ]
    assert outline_titles(pdf, tmp_path)[: len(tree) - 1] == [title for title, *_ in tree[:-1]]
    application_title, application_page, sections = tree[-1]
    assert application_page == contents_pages(pages)[application_title]
    # The application's own bookmarks sit under it, at its pages.
    assert [(title, page) for title, page, _children in sections][:1] == [
        ("Application summary", application_page)
    ]
    assert "Appraisal summary" in [title for title, _page, _children in sections]
    assert all(page >= application_page for _title, page, _children in sections)
    assert pdf_field(pdf_info(pdf, tmp_path), "Title") == "Appraisal pack: Pacesetter 2018-19"
    assert pikepdf.open(io.BytesIO(pdf)).Root.Lang == "en-GB"


def test_pack_is_one_tagged_pdf_ua_document(round_2018):
    panel_application(round_2018, reference="PS-2018-AAA-001")
    pdf = build_pack(round_2018).pdf
    document = pikepdf.open(io.BytesIO(pdf))

    tree = document.Root.StructTreeRoot
    (element,) = tree.K
    parent_tree = dict(pikepdf.NumberTree(tree.ParentTree).items())
    with document.open_metadata() as metadata:
        assert metadata["pdfuaid:part"] == "1"
        assert metadata["dc:title"] == "Appraisal pack: Pacesetter 2018-19"
    assert document.check_pdf_syntax() == []
    assert document.Root.MarkInfo.Marked is True
    assert document.Root.ViewerPreferences.DisplayDocTitle is True
    assert pikepdf.Name.Document == element.S
    # Every page finds its own structure through the parent tree, whichever part it came from.
    for page in document.pages:
        marked = parent_tree[int(page.obj.StructParents)]
        assert all(item.Pg.objgen == page.objgen for item in marked if item is not None)
    assert len({int(page.obj.StructParents) for page in document.pages}) == len(document.pages)
    assert int(tree.ParentTreeNextKey) > max(parent_tree)
    # Every part's structure is there, under the one document element, and each element's
    # page is a page of the pack.
    pages = {page.objgen for page in document.pages}
    elements = list(structure_elements(element))
    assert all(item.Pg.objgen in pages for item in elements if "/Pg" in item)
    assert all(item.P.objgen == element.objgen for item in element.K)
    # The front matter's title, then each application's "Application summary" heading.
    assert sum(item.S == pikepdf.Name.H1 for item in elements) >= 3


def structure_elements(element):
    """Yield every structure element under `element`, depth first."""
    kids = element.get("/K")
    for kid in [kids] if isinstance(kids, pikepdf.Dictionary) else list(kids or []):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from structure_elements(kid)


def test_pack_of_2020_22_names_reviewers_only_when_asked(tmp_path):
    round = Round.objects.get(code="2020-22")

    lettered = build_pack(round)
    named = build_pack(round, reviewers_named=True)
    lettered_text = pdf_text(lettered.pdf, tmp_path)
    named_text = pdf_text(named.pdf, tmp_path)
    pages = page_texts(lettered.pdf, tmp_path)

    assert "Reviewer A" in lettered_text
    assert "Rhodri Williams" not in lettered_text
    assert "Lettered: names withheld" in lettered_text
    assert "Rhodri Williams" in named_text
    assert "Reviewer A" not in named_text
    assert (named.parts_rendered, named.parts_reused) == (1, 0)
    assert "Amount requested £296,000.00" in lettered_text
    assert "Tick-matrix coverage: components by application" in lettered_text
    start = contents_pages(pages)[
        "PS-2020-CAV-001: " + Application.objects.get(reference="PS-2020-CAV-001").title
    ]
    assert "Application summary · PS-2020-CAV-001" in pages[start - 1]
    assert "Application summary · PS-2020-CAV-001" not in pages[start - 2]


def test_pack_rebuilt_unchanged_renders_no_application_again(round_2018):
    panel_application(round_2018, reference="PS-2018-AAA-001")
    cold = build_pack(round_2018)

    warm = build_pack(round_2018)

    assert (cold.parts_rendered, cold.parts_reused) == (2, 0)
    assert (warm.parts_rendered, warm.parts_reused) == (0, 2)
    assert warm.pages == cold.pages


def test_pack_after_one_answer_changes_renders_only_that_application(round_2018, tmp_path):
    panel_application(round_2018, reference="PS-2018-AAA-001")
    build_pack(round_2018)
    answer = Answer.objects.filter(application__reference=HDD).order_by("pk").first()
    answer.text = "A changed answer about primary care clusters."
    answer.save()
    progress = []

    result = build_pack(round_2018, progress=lambda percent, message: progress.append(percent))

    assert (result.parts_rendered, result.parts_reused) == (1, 1)
    assert "A changed answer about primary care clusters." in pdf_text(result.pdf, tmp_path)
    assert progress[0] == 0
    assert progress[-1] == 100
    assert progress == sorted(progress)


def test_pack_build_keeps_the_parts_it_uses_and_deletes_long_unused_ones(round_2018, media):
    build_pack(round_2018)
    folder = media / "pack-cache"
    long_ago = time.time() - datetime.timedelta(days=31).total_seconds()
    for path in folder.iterdir():
        os.utime(path, (long_ago, long_ago))
    withdrawn = folder / f"{'0' * 64}.pdf"
    withdrawn.write_bytes(b"%PDF- a part no pack uses any more")
    os.utime(withdrawn, (long_ago, long_ago))

    warm = build_pack(round_2018)

    assert warm.parts_rendered == 0
    assert not withdrawn.exists()
    # Everything the warm build read was marked as used, so none of it was deleted.
    assert build_pack(round_2018).parts_rendered == 0


def test_prune_cache_deletes_only_what_has_been_unused_for_long(media):
    folder = media / "pack-cache"
    folder.mkdir(parents=True)
    recent, old, unrelated = folder / "a.pdf", folder / "b.json", folder / "notes.txt"
    for path in (recent, old, unrelated):
        path.write_text("x")
    long_ago = time.time() - datetime.timedelta(days=10).total_seconds()
    for path in (old, unrelated):
        os.utime(path, (long_ago, long_ago))

    removed = prune_cache(unused_for=datetime.timedelta(days=7))

    assert removed == 1
    assert (recent.exists(), old.exists(), unrelated.exists()) == (True, False, True)


def test_prune_cache_without_a_cache_does_nothing(media):
    assert prune_cache() == 0


def test_pack_with_hostile_answers_fetches_and_embeds_nothing(round_2018, tmp_path):
    hostile = (
        '<img src="file:///etc/passwd">'
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>'
        '<img src="http://169.254.169.254/latest/meta-data/">'
        '<p style="background: url(http://169.254.169.254/css)">css</p>'
    )
    application = Application.objects.get(reference=HDD)
    Application.objects.filter(pk=application.pk).update(title=hostile)
    application.answers.update(text=hostile)

    result = build_pack(round_2018)
    text = pdf_text(result.pdf, tmp_path)

    assert embedded_files_listing(result.pdf, tmp_path) == "0 embedded files"
    assert PASSWD_START not in text
    assert '<img src="file:///etc/passwd">' in text
    assert "url(http://169.254.169.254/css)" in text


def test_render_pool_past_the_time_limit_raises_and_stops_the_workers(settings):
    settings.PDF_RENDER_TIMEOUT = 0.01
    html = "<html><body>" + "<p>Quality improvement.</p>" * 20_000 + "</body></html>"

    with pytest.raises(PDFRenderTimeout) as raised, RenderPool(2) as pool:
        pool.render([(html, "Too long", "en-GB")] * 3)

    assert str(raised.value) == "Making the PDF took longer than 0.01 seconds and was stopped."
    assert multiprocessing.active_children() == []


def test_render_pool_returns_the_documents_in_order():
    documents = [(f"<p>Part {number}</p>", f"Part {number}", "en-GB") for number in range(3)]

    with RenderPool(2) as pool:
        pdfs = pool.render(documents)

    assert [str(pikepdf.open(io.BytesIO(pdf)).open_metadata()["dc:title"]) for pdf in pdfs] == [
        "Part 0",
        "Part 1",
        "Part 2",
    ]


def test_render_pool_is_used_inside_its_with_block():
    pool = RenderPool(1)

    with pytest.raises(RuntimeError, match="inside a with block"):
        pool.submit(("<p>Too early</p>", "Too early", "en-GB"))


def test_rendering_in_this_process_leaves_the_loggers_as_they_were():
    logger = logging.getLogger("pacesetter.pdf")
    before = (list(logger.handlers), logger.propagate)

    outcome, *_rest = _render_document(
        "<p>In process</p>", _base_url(), [str(root) for root in static_roots()], "T", "en-GB"
    )

    assert outcome == "ok"
    assert (list(logger.handlers), logger.propagate) == before


def test_render_workers_come_from_a_fork_server_that_preloads_weasyprint():
    import subprocess
    import sys

    from django.conf import settings as django_settings

    from pacesetter.pdf import _worker_context

    context = _worker_context()
    # The fork server ignores a preload that fails to import: prove this one imports, alone,
    # in a fresh interpreter without Django's settings, as the server starts.
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, pacesetter.pdf_worker; print('weasyprint' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
        env={key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"},
    )

    assert context.get_start_method() == "forkserver"
    assert loaded.stdout.strip() == "True"
