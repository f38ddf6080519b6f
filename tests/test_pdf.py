"""The application summary PDF: what it carries, who may download it, and that it is safe."""

import http.server
import logging
import multiprocessing
import re
import subprocess
import threading
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.shortcuts import resolve_url

from pacesetter.models import User
from pacesetter.pdf import (
    PDFRenderTimeout,
    SafeURLFetcher,
    URLRefused,
    render_html_to_pdf,
    static_roots,
    stylesheet_url,
)
from schemes.enums import AttachmentKind
from schemes.models import Answer, Application, Attachment, OtherFunding, QuestionSet

pytestmark = pytest.mark.django_db

CAV = "/applications/PS-2020-CAV-001/summary.pdf"
HDD = "/applications/PS-2018-HDD-001/summary.pdf"
PASSWD_START = "root:x:0:0"


# Reading PDFs with poppler-utils.


def run(*command):
    # poppler-utils with fixed arguments and our own temporary files.
    return subprocess.run(command, capture_output=True, check=True).stdout.decode()  # noqa: S603


def pdf_text(pdf, tmp_path):
    """Return the PDF's text, whitespace collapsed to single spaces."""
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return " ".join(run("pdftotext", "-layout", str(path), "-").split())


def pdf_info(pdf, tmp_path):
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    lines = run("pdfinfo", str(path)).splitlines()
    return dict(line.split(":", 1) for line in lines)


def pdf_field(info, name):
    return info[name].strip()


def outline_titles(pdf, tmp_path):
    """Return the titles of the PDF's bookmarks (outline), in order."""
    path = tmp_path / "outline.pdf"
    path.write_bytes(pdf)
    xml = run("pdftohtml", "-xml", "-stdout", "-i", "-q", str(path))
    return [
        " ".join(title.split()) for title in re.findall(r"<item page=\"\d+\">(.*?)</item>", xml)
    ]


def embedded_files_listing(pdf, tmp_path):
    path = tmp_path / "detach.pdf"
    path.write_bytes(pdf)
    return run("pdfdetach", "-list", str(path)).strip()


def pdf_objects(pdf):
    """Return the PDF's bytes with every compressed stream inflated, to look for keys."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return pdf + b"".join(inflated)


def download(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.content


# What the summary carries.


def test_cav_summary_carries_every_question_label_in_form_order(signed_in, tmp_path):
    pdf = download(signed_in("applicant.cav@example.org"), CAV)
    text = pdf_text(pdf, tmp_path)

    # Headings drop the Word form's trailing full stops (`Question.heading`, issue 17).
    expected = [
        f"{q.number}. {' '.join(q.heading.split())}"
        for q in QuestionSet.objects.get(code="2020-22").questions_in_order()
    ]
    found, position = [], 0
    for label in expected:
        position = text.find(label, position)
        found.append(label if position >= 0 else None)
        position = max(position, 0)

    assert found == expected


def test_cav_summary_carries_answers_budget_ticks_and_marking(signed_in, tmp_path):
    pdf = download(signed_in("applicant.cav@example.org"), CAV)
    text = pdf_text(pdf, tmp_path)
    pages = int(pdf_field(pdf_info(pdf, tmp_path), "Pages"))
    application = Application.objects.get(reference="PS-2020-CAV-001")

    assert "Quality improvement is recognised as a key area" in text
    assert text.count("Total year 1 £148,000.00") == 1
    assert text.count("Total year 2 £148,000.00") == 1
    assert text.count("Amount requested £296,000.00") == 2  # title block and budget totals
    assert text.count("Total project cost £296,000.00") == 2
    assert text.count("✓ Yes") == application.components.count() == 6
    for component in application.components.all():
        assert " ".join(component.text.split())[:40] in text
    # The marking heads and foots every page, and opens the title block.
    assert text.count("OFFICIAL-SENSITIVE") == 2 * pages + 1
    assert text.count("Page 1 of ") == 1
    assert f"Page {pages} of {pages}" in text
    assert text.count("Application summary · PS-2020-CAV-001") == pages + 1


def test_cav_summary_lists_attachments_by_kind_name_and_size(
    signed_in, demo_user, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    application = Application.objects.get(reference="PS-2020-CAV-001")
    Attachment.objects.create(
        application=application,
        kind=AttachmentKind.LOGIC_MODEL,
        file=ContentFile(b"%PDF-1.4\n" + b"0" * 2039, name="logic.pdf"),
        original_name="Logic model v2.pdf",
        content_type="application/pdf",
        size=2048,
        uploaded_by=demo_user("applicant.cav@example.org"),
    )

    text = pdf_text(download(signed_in("applicant.cav@example.org"), CAV), tmp_path)

    assert "Logic model Logic model v2.pdf 2.0 KB" in text
    assert "No files are attached." not in text


def test_hdd_summary_carries_requested_other_funding_and_total_cost(signed_in, tmp_path):
    text = pdf_text(download(signed_in("manager@example.org"), HDD), tmp_path)

    assert "Amount requested £488,000.00" in text
    assert "Other funding £559,000.00" in text
    assert "Total project cost £1,047,000.00" in text
    assert "Page 1 of " in text
    assert "PS-2018-HDD-001" in text


def test_summary_pdf_title_language_and_tags_are_set(signed_in, tmp_path):
    pdf = download(signed_in("manager@example.org"), CAV)
    info = pdf_info(pdf, tmp_path)

    assert pdf_field(info, "Title") == "Application summary"
    assert pdf_field(info, "Tagged") == "yes"
    assert pdf_field(info, "PDF version") == "1.7"
    assert re.findall(rb"/Lang \(([^)]*)\)", pdf_objects(pdf)) == [b"en-GB"]
    assert b'pdfuaid:part="1"' in pdf_objects(pdf)


def test_summary_pdf_of_a_welsh_application_is_marked_as_welsh(signed_in):
    Application.objects.filter(reference="PS-2020-CAV-001").update(language="cy")

    response = signed_in("manager@example.org").get(CAV)

    assert response.status_code == 200
    assert response["Content-Language"] == "cy"
    assert re.findall(rb"/Lang \(([^)]*)\)", pdf_objects(response.content)) == [b"cy"]


def test_summary_pdf_of_an_english_application_is_english_to_a_welsh_speaker(signed_in):
    User.objects.filter(email="manager@example.org").update(language="cy")

    response = signed_in("manager@example.org").get(CAV)

    assert response["Content-Language"] == "en"
    assert re.findall(rb"/Lang \(([^)]*)\)", pdf_objects(response.content)) == [b"en-GB"]


def test_summary_pdf_has_bookmarks_for_title_sections_and_questions(signed_in, tmp_path):
    pdf = download(signed_in("manager@example.org"), CAV)
    titles = outline_titles(pdf, tmp_path)
    sections = [
        section.title
        for section in QuestionSet.objects.get(code="2020-22").sections.order_by("number")
    ]

    assert titles[0] == "Embedding Quality Improvement in Primary Care"
    assert [title for title in titles if title in sections] == sections
    assert "1. Health Board" in titles
    assert titles[-2:] == ["Strategic components", "Attachments"]


def test_summary_pdf_download_headers_name_the_reference(signed_in):
    response = signed_in("applicant.cav@example.org").get(CAV)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == ('attachment; filename="PS-2020-CAV-001-summary.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF-1.7")


def test_application_page_links_to_its_pdf(signed_in):
    response = signed_in("applicant.cav@example.org").get("/applications/PS-2020-CAV-001/")

    assert response.status_code == 200
    assert b'href="/applications/PS-2020-CAV-001/summary.pdf"' in response.content


# Who may download it.


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("applicant.cav@example.org", 200),
        ("applicant.hdd@example.org", 404),
        ("applicant.pth@example.org", 404),
        ("reviewer1@example.org", 404),
        ("reviewer2@example.org", 404),
        ("reviewer3@example.org", 404),
        ("chair@example.org", 404),
        ("manager@example.org", 200),
        ("admin@example.org", 200),
    ],
)
def test_summary_pdf_is_served_only_to_those_who_may_see_the_application(signed_in, email, status):
    response = signed_in(email).get(CAV)

    assert response.status_code == status


def test_summary_pdf_of_a_missing_application_is_404(signed_in):
    response = signed_in("manager@example.org").get("/applications/PS-1999-XXX-001/summary.pdf")

    assert response.status_code == 404


def test_summary_pdf_signed_out_redirects_to_sign_in(client):
    response = client.get(CAV)

    assert response.status_code == 302
    assert response["Location"] == f"{resolve_url(settings.LOGIN_URL)}?next={CAV}"


# Safety: nothing typed is interpreted, nothing is fetched, nothing is embedded.


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the standard library's name
        self.server.paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the standard library's signature
        pass


@pytest.fixture
def listening_server():
    """Run an HTTP server on 127.0.0.1 that records every request it receives."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def hostile_text(port):
    return (
        '<img src="file:///etc/passwd">'
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>'
        '<img src="http://169.254.169.254/latest/meta-data/">'
        f'<img src="http://127.0.0.1:{port}/x">'
        f'<p style="background: url(http://127.0.0.1:{port}/css)">css</p>'
    )


def test_summary_pdf_with_hostile_text_renders_without_fetching_or_embedding(
    signed_in, demo_user, listening_server, tmp_path, settings, caplog
):
    settings.MEDIA_ROOT = tmp_path / "media"
    hostile = hostile_text(listening_server.server_address[1])
    application = Application.objects.get(reference="PS-2020-CAV-001")
    Application.objects.filter(pk=application.pk).update(title=hostile)
    for question in application.round.question_set.questions_in_order():
        Answer.objects.update_or_create(
            application=application, question=question, defaults={"text": hostile}
        )
    application.budget_lines.update(description=hostile[:300], comment=hostile)
    OtherFunding.objects.create(
        application=application, source=hostile[:300], amount="1.00", comment=hostile
    )
    Attachment.objects.create(
        application=application,
        kind=AttachmentKind.PLAN_ON_A_PAGE,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="plan.pdf"),
        original_name=hostile[:255],
        content_type="application/pdf",
        size=15,
        uploaded_by=demo_user("applicant.cav@example.org"),
    )
    caplog.set_level(logging.DEBUG, logger="pacesetter.pdf")

    response = signed_in("manager@example.org").get(CAV)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-1.7")
    text = pdf_text(response.content, tmp_path)
    fetched = [r.getMessage() for r in caplog.records if r.name == "pacesetter.pdf"]
    assert fetched == [f"PDF rendering fetched {stylesheet_url()}"]
    assert listening_server.paths == []
    assert embedded_files_listing(response.content, tmp_path) == "0 embedded files"
    assert b"/EmbeddedFile" not in pdf_objects(response.content)
    assert b"/FileAttachment" not in pdf_objects(response.content)
    assert PASSWD_START not in text
    # The markup is printed as the applicant typed it.
    assert '<img src="file:///etc/passwd">' in text
    assert '<a rel="attachment" href="file:///etc/passwd">passwd</a>' in text
    assert "url(http://127.0.0.1:" in text


def test_render_of_raw_hostile_html_fetches_nothing_outside_static(listening_server, tmp_path):
    # Defence in depth: even markup that escaped escaping cannot reach files or the network.
    port = listening_server.server_address[1]
    html = (
        f"<html><head><title>Hostile</title>"
        f'<link rel="stylesheet" href="{stylesheet_url()}">'
        f'<style>@import url("http://127.0.0.1:{port}/import.css");'
        f"body {{ background: url(http://127.0.0.1:{port}/css) }}</style></head>"
        f"<body>{hostile_text(port)}"
        f'<img src="../../../../etc/passwd"><img src="css/../../pyproject.toml">'
        f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACwAAAAAAQABAAA=" alt=""></body></html>'
    )

    result = render_html_to_pdf(html, title="Hostile")

    allowed = [url for url, ok in result.requested if ok]
    refused = {url for url, ok in result.requested if not ok}
    assert allowed == [
        stylesheet_url(),
        "data:image/gif;base64,R0lGODlhAQABAAAAACwAAAAAAQABAAA=",
    ]
    assert refused == {
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        f"http://127.0.0.1:{port}/x",
        f"http://127.0.0.1:{port}/css",
        f"http://127.0.0.1:{port}/import.css",
        (Path(settings.BASE_DIR) / "pyproject.toml").as_uri(),
    }
    assert listening_server.paths == []
    assert embedded_files_listing(result.pdf, tmp_path) == "0 embedded files"
    assert PASSWD_START not in pdf_text(result.pdf, tmp_path)


# The URL fetcher on its own.


@pytest.fixture
def static_folder(tmp_path):
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    (folder / "css" / "print.css").write_text("p { color: black }")
    (tmp_path / "secret.txt").write_text(PASSWD_START)
    (folder / "css" / "link.css").symlink_to(tmp_path / "secret.txt")
    return folder


def test_fetcher_allows_data_uri(static_folder):
    response = SafeURLFetcher([static_folder]).fetch("data:text/plain;base64,aGVsbG8=")

    assert response.read() == b"hello"


def test_fetcher_allows_a_file_in_the_static_folder(static_folder):
    fetcher = SafeURLFetcher([static_folder])

    response = fetcher.fetch((static_folder / "css" / "print.css").as_uri())

    assert response.read() == b"p { color: black }"
    assert response.content_type == "text/css"
    assert fetcher.requested == [((static_folder / "css" / "print.css").as_uri(), True)]


def test_fetcher_allows_the_portal_pdf_stylesheet():
    fetcher = SafeURLFetcher(static_roots())

    response = fetcher.fetch(stylesheet_url())

    assert response.read().startswith(b"/* Print stylesheet")


def test_static_roots_are_the_static_folder_and_govuk_frontend():
    base = Path(settings.BASE_DIR)

    assert static_roots() == [
        (base / "static").resolve(),
        (base / "node_modules" / "govuk-frontend" / "dist" / "govuk").resolve(),
    ]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://evil.example/etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/style.css",
        "ftp://example.org/file",
        "STATIC/css/../../secret.txt",
        "STATIC/css/%2e%2e/%2e%2e/secret.txt",
        "STATIC/css/link.css",
        "STATIC/css/missing.css",
        "STATIC/css/",
    ],
)
def test_fetcher_refuses_anything_outside_the_static_folder(static_folder, url, caplog):
    url = url.replace("STATIC", static_folder.as_uri())
    fetcher = SafeURLFetcher([static_folder])

    with pytest.raises(URLRefused):
        fetcher.fetch(url)

    assert fetcher.requested == [(url, False)]
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"PDF rendering refused to fetch {url}")
    ]


# The time limit.


def test_render_past_the_time_limit_raises_and_stops_the_worker(settings):
    settings.PDF_RENDER_TIMEOUT = 0.01
    html = "<html><body>" + "<p>Quality improvement.</p>" * 20_000 + "</body></html>"

    with pytest.raises(PDFRenderTimeout) as raised:
        render_html_to_pdf(html, title="Too long")

    assert str(raised.value) == ("Making the PDF took longer than 0.01 seconds and was stopped.")
    assert multiprocessing.active_children() == []


def test_summary_pdf_past_the_time_limit_is_a_503_page(signed_in, settings):
    settings.PDF_RENDER_TIMEOUT = 0.01

    response = signed_in("manager@example.org").get(CAV)

    assert response.status_code == 503
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Making the PDF took longer than 0.01 seconds and was stopped." in (
        response.content.decode()
    )


# The leaner user-agent stylesheet.


def test_lean_user_agent_stylesheet_drops_only_footnotes_notes_and_non_list_markers():
    import difflib

    from weasyprint.html import UA

    from pacesetter.pdf import lean_ua_text

    changed = [
        line.rstrip("\n")
        for line in difflib.unified_diff(UA.splitlines(True), lean_ua_text().splitlines(True), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]

    assert [line.split(" {")[0] for line in changed] == [
        "-::marker",
        "+li::marker",
        "-::footnote-call",
        "-::footnote-marker",
        "-::note-call",
        "-::note-marker",
        "-::note-callback",
    ]


def test_an_unexpected_user_agent_stylesheet_is_used_as_it_is():
    from pacesetter.pdf import lean_ua_text

    assert lean_ua_text("p { margin: 0 }\n") is None
    assert lean_ua_text("::marker { color: red }\n") is None


def portal_and_stock_pdfs(html):
    from weasyprint import HTML

    from pacesetter.pdf import PortalHTML, _base_url

    def render(cls):
        return cls(
            string=html, base_url=_base_url(), url_fetcher=SafeURLFetcher(static_roots())
        ).write_pdf(pdf_variant="pdf/ua-1")

    return render(PortalHTML), render(HTML)


def page_images(pdf, tmp_path, name):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    run("pdftoppm", "-r", "40", "-gray", str(path), str(tmp_path / name))
    return [image.read_bytes() for image in sorted(tmp_path.glob(f"{name}-*.pgm"))]


def test_lists_keep_their_markers_with_the_lean_stylesheet(tmp_path):
    html = (
        f'<html lang="en-GB"><head><link rel="stylesheet" href="{stylesheet_url()}"></head>'
        "<body><ul><li>Apple</li></ul><ol><li>Pear</li><li>Plum</li></ol></body></html>"
    )
    portal, stock = portal_and_stock_pdfs(html)

    assert pdf_text(portal, tmp_path) == "• Apple 1. Pear 2. Plum"
    assert page_images(portal, tmp_path, "portal") == page_images(stock, tmp_path, "stock")


def test_pack_part_looks_the_same_with_the_lean_stylesheet(tmp_path):
    """The CAV application's pack part: its text and every page, pixel for pixel."""
    from criteria.domain.pack import _application_html
    from schemes.views.browse import frameworks_with_components

    application = Application.objects.get(reference="PS-2020-CAV-001")
    html = _application_html(
        application,
        frameworks=list(frameworks_with_components(application.round)),
        named=False,
        lang="en-GB",
        title="",
    )
    portal, stock = portal_and_stock_pdfs(html)
    portal_pages = page_images(portal, tmp_path, "portal")

    assert len(portal_pages) > 5
    assert pdf_text(portal, tmp_path) == pdf_text(stock, tmp_path)
    assert portal_pages == page_images(stock, tmp_path, "stock")
