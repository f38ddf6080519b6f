"""Joining tagged PDFs: order, structure, links, page numbers as artifacts, bookmarks."""

import io

import pikepdf
import pytest
from weasyprint import HTML

from pacesetter.pdf_merge import Bookmark, UntaggedPart, describe, join_tagged
from tests.test_pdf import pdf_text


def tagged(*pages, link=True):
    """A tagged PDF with one page per heading, each with a paragraph and (by default) a link."""
    body = "".join(
        f'<h1 style="break-before: page">{heading}</h1>'
        f"<p>Text of {heading}."
        + (f' <a href="https://example.org/{number}">Link {number}</a>' if link else "")
        + "</p>"
        for number, heading in enumerate(pages)
    )
    html = f"<html lang='en-GB'><head><title>Part</title></head><body>{body}</body></html>"
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def page_numbers(first, count, total):
    """Blank pages `first` to `first + count - 1` with "Page X of `total`" footers."""
    style = (
        f"<style>@page {{ @bottom-right {{ content: 'Page ' counter(page) ' of {total}' }} }}"
        f"@page :first {{ counter-reset: page {first} }} div + div {{ break-before: page }}"
        "</style>"
    )
    return HTML(string=style + "<div></div>" * count).write_pdf()


def opened(pdf):
    return pikepdf.open(io.BytesIO(pdf))


def page_contents(page):
    return b"".join(stream.read_bytes() for stream in page.obj.Contents)


def test_join_keeps_the_pages_in_order(tmp_path):
    pdf = join_tagged(
        [tagged("First", "Second"), tagged("Third")], title="Joined", lang="en-GB", bookmarks=[]
    )

    text = pdf_text(pdf, tmp_path)

    assert len(opened(pdf).pages) == 3
    assert text.index("First") < text.index("Second") < text.index("Third")


def test_join_makes_one_structure_tree_whose_parent_tree_finds_every_page_and_link():
    pdf = join_tagged(
        [tagged("First", "Second"), tagged("Third")], title="Joined", lang="cy", bookmarks=[]
    )
    document = opened(pdf)
    tree = document.Root.StructTreeRoot
    (root,) = tree.K
    parent_tree = dict(pikepdf.NumberTree(tree.ParentTree).items())

    assert root.S == "/Document"
    assert [kid.S for kid in root.K].count(pikepdf.Name.H1) == 3
    assert all(kid.P.objgen == root.objgen for kid in root.K)
    keys = [int(page.obj.StructParents) for page in document.pages]
    assert len(set(keys)) == 3
    for page, key in zip(document.pages, keys, strict=True):
        assert all(element.Pg.objgen == page.objgen for element in parent_tree[key])
        (link,) = page.obj.Annots
        # The link's structure element points back at this very annotation.
        element = parent_tree[int(link.StructParent)]
        assert element.S == "/Link"
        assert any(
            isinstance(kid, pikepdf.Dictionary) and kid.get("/Obj", None) == link
            for kid in element.K
        )
    assert int(tree.ParentTreeNextKey) == max(parent_tree) + 1
    assert document.check_pdf_syntax() == []


def test_join_says_what_the_document_is():
    pdf = join_tagged([tagged("Only")], title="Appraisal pack", lang="cy", bookmarks=[])
    document = opened(pdf)

    with document.open_metadata() as metadata:
        assert metadata["dc:title"] == "Appraisal pack"
        assert metadata["pdfuaid:part"] == "1"
    assert document.Root.Lang == "cy"
    assert document.Root.MarkInfo.Marked is True
    assert document.Root.ViewerPreferences.DisplayDocTitle is True
    assert document.docinfo.Title == "Appraisal pack"


def test_join_refuses_an_untagged_part():
    untagged = HTML(string="<p>No tags</p>").write_pdf()

    with pytest.raises(UntaggedPart, match="Part 2 has no structure tree"):
        join_tagged([tagged("Tagged"), untagged], title="Joined", lang="en-GB", bookmarks=[])


def test_page_numbers_are_drawn_over_every_page_as_pagination_artifacts(tmp_path):
    pdf = join_tagged(
        [tagged("First", "Second"), tagged("Third")],
        title="Joined",
        lang="en-GB",
        bookmarks=[],
        page_numbers=[page_numbers(1, 2, 3), page_numbers(3, 1, 3)],
    )
    document = opened(pdf)

    text = pdf_text(pdf, tmp_path)

    assert [f"Page {number} of 3" in text for number in (1, 2, 3)] == [True, True, True]
    assert text.index("Page 1 of 3") < text.index("Page 2 of 3") < text.index("Page 3 of 3")
    for page in document.pages:
        contents = page_contents(page)
        artifact = contents.rindex(b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC")
        # The page's own drawing is closed (q ... Q) before the stamp, which is then closed too.
        assert contents.startswith(b"q\n")
        assert contents.rindex(b"Q\n", 0, artifact) < artifact
        assert contents.rstrip().endswith(b"EMC")


def test_page_numbers_must_match_the_pages():
    with pytest.raises(ValueError, match="2 page numbers for 3 pages"):
        join_tagged(
            [tagged("First", "Second"), tagged("Third")],
            title="Joined",
            lang="en-GB",
            bookmarks=[],
            page_numbers=[page_numbers(1, 2, 3)],
        )


def test_bookmarks_are_nested_and_open_at_their_pages():
    bookmarks = [
        Bookmark("Front", 0),
        Bookmark("Part two", 1, [Bookmark("Second", 1), Bookmark("Third", 2)]),
    ]
    pdf = join_tagged(
        [tagged("First"), tagged("Second", "Third")],
        title="Joined",
        lang="en-GB",
        bookmarks=bookmarks,
    )

    pages, read = describe(pdf)

    assert pages == 3
    assert read == bookmarks
    assert opened(pdf).Root.PageMode == pikepdf.Name.UseOutlines


def test_describe_reads_weasyprints_own_bookmarks():
    pages, bookmarks = describe(tagged("First", "Second", link=False))

    assert pages == 2
    assert bookmarks == [Bookmark("First", 0), Bookmark("Second", 1)]
