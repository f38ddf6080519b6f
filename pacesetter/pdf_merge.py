"""Join tagged PDFs into one tagged PDF, and lay "Page X of Y" over its pages as artifacts.

WeasyPrint lays out one document on one core. A long document (the round appraisal pack) is
therefore rendered as parts on every core and joined here. Joining keeps what makes each part
accessible (PDF/UA-1): every part's structure tree moves under one /Document element, the
parent tree is renumbered so each page and link still finds its structure, and the catalogue
carries the language, the title (shown instead of the file name), /MarkInfo and the PDF/UA
identifier. Page numbers come from a separate PDF of blank pages with footers; each of its
pages is drawn over the matching page inside an /Artifact marked-content sequence, so
assistive technology skips them, as it skips WeasyPrint's own page margins.

pikepdf (qpdf) does the work: it copies objects between files natively, so a 700-page pack is
joined in well under a second.
"""

import io
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem


class UntaggedPart(ValueError):
    """A part has no structure tree, so the joined PDF could not be tagged."""


@dataclass
class Bookmark:
    """An outline entry: a title, the page it opens at (from 0) and entries under it."""

    title: str
    page: int
    children: list["Bookmark"] = field(default_factory=list)


def page_count(pdf: bytes) -> int:
    """Return how many pages a PDF has."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


def describe(pdf: bytes) -> tuple[int, list[Bookmark]]:
    """Return a PDF's page count and its outline, with pages counted from 0."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.objgen: index for index, page in enumerate(document.pages)}
        with document.open_outline() as tree:
            bookmarks = [_bookmark(item, pages) for item in tree.root]
        return len(pages), bookmarks


def _bookmark(item, pages):
    # WeasyPrint (and this module) write explicit destinations: [page, /XYZ, left, top, zoom].
    return Bookmark(
        title=str(item.title),
        page=pages[item.destination[0].objgen],
        children=[_bookmark(child, pages) for child in item.children],
    )


def _parent_tree_entries(tree_root):
    """Return the (key, value) pairs of a structure tree's parent tree."""
    parent_tree = tree_root.get("/ParentTree")
    if parent_tree is None:
        return []
    return list(pikepdf.NumberTree(parent_tree).items())


def _shift_struct_parents(document, offset):
    """Add `offset` to every page's /StructParents and every annotation's /StructParent."""
    for page in document.pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset


def _top_elements(tree_root):
    """Return the source's top structure elements: a /Document's children, or the roots."""
    kids = tree_root.get("/K")
    kids = [kids] if isinstance(kids, Dictionary) else list(kids or [])
    elements = []
    for kid in kids:
        if kid.get("/S") == Name.Document:
            inner = kid.get("/K")
            elements.extend([inner] if isinstance(inner, Dictionary) else list(inner or []))
        else:
            elements.append(kid)
    return elements


def _xmp(document, *, title, lang):
    with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = title
        meta["dc:language"] = [lang]
        meta["pdfuaid:part"] = "1"


def _stamp(document, page, stamp):
    """Draw the form XObject `stamp` over `page`, marked as a pagination artifact."""
    name = page.add_resource(stamp, Name.XObject, prefix="Pn")
    page.contents_add(document.make_stream(b"q\n"), prepend=True)
    page.contents_add(
        document.make_stream(
            b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q "
            + bytes(name.unparse())
            + b" Do Q EMC\n"
        )
    )


def _add_outline(document, bookmarks):
    def item(bookmark):
        entry = OutlineItem(bookmark.title, bookmark.page)
        entry.children.extend(item(child) for child in bookmark.children)
        return entry

    with document.open_outline() as tree:
        tree.root.extend(item(bookmark) for bookmark in bookmarks)


def join_tagged(
    parts: list[bytes],
    *,
    title: str,
    lang: str,
    bookmarks: list[Bookmark],
    page_numbers: list[bytes] | None = None,
) -> bytes:
    """Join tagged PDFs, in order, into one tagged PDF with `bookmarks` as its outline.

    `page_numbers`, if given, are PDFs whose pages, in order, are one for each page of the
    result, each drawn over its page as an artifact. Raises `UntaggedPart` for a part without
    a structure tree, and `ValueError` when there are more or fewer page numbers than pages.
    """
    result = pikepdf.new()
    tree_root = result.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document_element = result.make_indirect(
        Dictionary(Type=Name.StructElem, S=Name.Document, P=tree_root, K=Array())
    )
    tree_root.K = Array([document_element])
    numbers = []
    next_key = 0
    role_map = Dictionary()
    sources = []
    for index, pdf in enumerate(parts):
        source = pikepdf.open(io.BytesIO(pdf))
        sources.append(source)
        source_root = source.Root.get("/StructTreeRoot")
        if source_root is None:
            raise UntaggedPart(f"Part {index + 1} has no structure tree.")
        entries = _parent_tree_entries(source_root)
        _shift_struct_parents(source, next_key)
        elements = _top_elements(source_root)
        for element in elements:
            if "/P" in element:
                del element["/P"]  # otherwise copying would bring the source's whole tree
        # Pages first: the elements' /Pg and link objects then map to the copied pages.
        result.pages.extend(source.pages)
        for element in elements:
            copied = result.copy_foreign(
                element if element.is_indirect else source.make_indirect(element)
            )
            copied.P = document_element
            document_element.K.append(copied)
        for key, value in entries:
            if not value.is_indirect:
                value = source.make_indirect(value)
            numbers.extend([next_key + key, result.copy_foreign(value)])
        next_key += max((key for key, _value in entries), default=-1) + 1
        for role, standard in source_root.get("/RoleMap", Dictionary()).items():
            role_map[role] = standard
    tree_root.ParentTree = result.make_indirect(Dictionary(Nums=Array(numbers)))
    tree_root.ParentTreeNextKey = next_key
    if role_map:
        tree_root.RoleMap = role_map
    result.Root.StructTreeRoot = tree_root
    result.Root.MarkInfo = Dictionary(Marked=True)
    result.Root.Lang = pikepdf.String(lang)
    result.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    result.Root.PageMode = Name.UseOutlines
    result.docinfo[Name.Title] = pikepdf.String(title)
    _xmp(result, title=title, lang=lang)

    if page_numbers is not None:
        stamps = [pikepdf.open(io.BytesIO(pdf)) for pdf in page_numbers]
        sources.extend(stamps)
        stamp_pages = [page for document in stamps for page in document.pages]
        if len(stamp_pages) != len(result.pages):
            raise ValueError(f"{len(stamp_pages)} page numbers for {len(result.pages)} pages.")
        for page, stamp in zip(result.pages, stamp_pages, strict=True):
            _stamp(result, page, result.copy_foreign(stamp.as_form_xobject()))

    _add_outline(result, bookmarks)
    output = io.BytesIO()
    # Object streams keep the file to about a third of the size, and save faster.
    result.save(output, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for source in sources:
        source.close()
    return output.getvalue()
