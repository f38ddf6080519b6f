"""PDF rendering shared by every PDF the portal makes: safe, tagged, and time-limited.

WeasyPrint's default URL fetcher opens any URL it meets: it would embed `/etc/passwd` for an
`<a rel="attachment">` and request cloud metadata addresses. `SafeURLFetcher` allows only
`data:` URIs and files inside the static folders. Rendering runs in a separate process that
is terminated when it exceeds `PDF_RENDER_TIMEOUT` seconds, so a hostile or huge document
cannot hang a web worker.
"""

import functools
import logging
import mimetypes
import multiprocessing
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.html import UA as WEASYPRINT_UA
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"
STYLESHEET = Path("css") / "pdf.css"


class PDFRenderError(Exception):
    """The PDF could not be made."""


class PDFRenderTimeout(PDFRenderError):
    """Rendering took longer than `PDF_RENDER_TIMEOUT` seconds and was stopped."""


class URLRefused(ValueError):
    """A document asked for a resource outside `data:` URIs and the static folders."""


def static_roots() -> list[Path]:
    """Return the folders a PDF may read files from: `static/` and `STATICFILES_DIRS`."""
    roots = [Path(settings.BASE_DIR) / "static"]
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, tuple | list) else entry))
    return list(dict.fromkeys(root.resolve() for root in roots))


def stylesheet_url() -> str:
    """Return the `file:` URL of the PDF stylesheet (allowed by `SafeURLFetcher`)."""
    return (Path(settings.BASE_DIR) / "static" / STYLESHEET).resolve().as_uri()


class SafeURLFetcher(URLFetcher):
    """Fetch only `data:` URIs and files that resolve inside `roots`; refuse the rest.

    A refusal raises `URLRefused`, which WeasyPrint catches: it skips the resource and goes on.
    Every URL asked for is recorded in `requested` as (url, allowed).
    """

    def __init__(self, roots, **kwargs):
        super().__init__(allowed_protocols=("data",), allow_redirects=False, **kwargs)
        self.roots = [Path(root).resolve() for root in roots]
        self.requested: list[tuple[str, bool]] = []

    def fetch(self, url, headers=None):
        try:
            response = self._fetch_allowed(url, headers)
        except URLRefused:
            self.requested.append((url, False))
            logger.warning("PDF rendering refused to fetch %s", url[:200])
            raise
        self.requested.append((url, True))
        return response

    def _fetch_allowed(self, url, headers):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._static_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
            )
        raise URLRefused(f"Only data: and static files may be used in a PDF: {url[:200]}")

    def _static_path(self, url) -> Path:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise URLRefused(f"Not a local file: {url[:200]}")
        try:
            # resolve() follows symlinks and "..", so the check is on the real file.
            path = Path(url2pathname(unquote(parts.path))).resolve(strict=True)
        except (OSError, RuntimeError, ValueError) as error:
            raise URLRefused(f"No such file: {url[:200]}") from error
        if not path.is_file() or not any(path.is_relative_to(root) for root in self.roots):
            raise URLRefused(f"Outside the static folders: {url[:200]}")
        return path


# WeasyPrint's user-agent stylesheet styles ::marker, the footnote and the note pseudo-elements
# of every element, so it works out six extra styles for every <td> and <p> of a document: a
# sixth of the time a dense page takes. The portal's PDFs have no footnotes or notes, and only
# <li> elements are list items, so these rules are scoped to <li> or left out.
UA_MARKER = re.compile(r"^::marker(?= )", re.MULTILINE)
UA_UNUSED = re.compile(r"^::(?:footnote|note)-[a-z-]+ \{[^}\n]*\}\n", re.MULTILINE)


def lean_ua_text(stock=WEASYPRINT_UA):
    """WeasyPrint's user-agent stylesheet with markers for <li> only, and no footnotes or notes.

    None if the stylesheet no longer has those rules as expected (a new WeasyPrint): the
    portal then uses WeasyPrint's own, and a test says so.
    """
    lean, markers = UA_MARKER.subn("li::marker", stock)
    lean, unused = UA_UNUSED.subn("", lean)
    return lean if (markers, unused) == (1, 5) else None


@functools.cache
def _lean_ua_stylesheet():
    text = lean_ua_text()
    # Its @counter-style rules are WeasyPrint's own, already known: keep them apart.
    return None if text is None else CSS(string=text, counter_style={})


class PortalHTML(HTML):
    """WeasyPrint's HTML, with the leaner user-agent stylesheet (`lean_ua_text`)."""

    def _ua_stylesheets(self, forms=False):
        lean = None if forms else _lean_ua_stylesheet()
        return [lean] if lean is not None else super()._ua_stylesheets(forms)


@dataclass
class RenderedPDF:
    """A rendered PDF and the URLs its document asked for, as (url, allowed)."""

    pdf: bytes
    requested: list[tuple[str, bool]] = field(default_factory=list)


class _MessageCollector(logging.Handler):
    """Keep WeasyPrint's warnings and errors to send to the parent process."""

    def __init__(self, messages):
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record):
        if record.name != __name__:
            self.messages.append(record.getMessage()[:500])


def _render_document(html, base_url, roots, title, lang, pdf_variant=PDF_VARIANT):
    """Render `html` to PDF in this process: (outcome, pdf or error, requested, messages)."""
    # The parent logs what happened here through Django's logging; the child keeps quiet.
    # The loggers are put back afterwards, for a caller (the benchmark) rendering in-process.
    messages = []
    collector = _MessageCollector(messages)
    loggers = [logging.getLogger(name) for name in (__name__, "weasyprint")]
    saved = [(logger.handlers, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.handlers = [collector]
        logger.propagate = False
    try:
        fetcher = SafeURLFetcher(roots)
        document = PortalHTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            pdf_variant=pdf_variant
        )
        document.metadata.title = title
        document.metadata.lang = lang
        pdf = document.write_pdf(pdf_variant=pdf_variant)
        return ("ok", pdf, fetcher.requested, messages)
    except Exception as error:  # noqa: BLE001 - reported to the parent, which raises
        return ("error", f"{type(error).__name__}: {error}", [], messages)
    finally:
        for logger, (handlers, propagate) in zip(loggers, saved, strict=True):
            logger.handlers = handlers
            logger.propagate = propagate


def _render_worker(connection, html, base_url, roots, title, lang):
    """Render `html` to PDF in a child process and send the result back through `connection`."""
    try:
        connection.send(_render_document(html, base_url, roots, title, lang))
    finally:
        connection.close()


def _warm_up():
    """Load WeasyPrint as a pool worker starts, while its parent is still preparing HTML."""
    _lean_ua_stylesheet()


@functools.cache
def _worker_context():
    """Where pool workers come from: a fork server that has already loaded WeasyPrint.

    The server is a fresh interpreter (no database connections or threads of this process),
    started once per process; each worker is then a fork of it, ready in milliseconds rather
    than the half second a spawned interpreter takes to import WeasyPrint.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pacesetter.pdf_worker"])
    return context


def _render_pooled(arguments):
    return _render_document(*arguments)


def _time_limit(timeout):
    return getattr(settings, "PDF_RENDER_TIMEOUT", 60) if timeout is None else timeout


def _timed_out(timeout):
    return PDFRenderTimeout(
        _("Making the PDF took longer than %(seconds)s seconds and was stopped.")
        % {"seconds": timeout}
    )


def _base_url():
    return (Path(settings.BASE_DIR) / "static").resolve().as_uri() + "/"


def _report(outcome, payload, requested, messages):
    """Log what a worker fetched, refused and warned about; raise if it failed."""
    for url, allowed in requested:
        if allowed:
            logger.debug("PDF rendering fetched %s", url[:200])
        else:
            logger.warning("PDF rendering refused to fetch %s", url[:200])
    for message in messages:
        logger.warning("WeasyPrint: %s", message)
    if outcome != "ok":
        raise PDFRenderError(payload)
    return RenderedPDF(pdf=payload, requested=requested)


def render_html_to_pdf(html, *, title, lang="en-GB", timeout=None) -> RenderedPDF:
    """Render an HTML string to a tagged PDF in a worker process, within the time limit.

    Raises `PDFRenderTimeout` (after terminating the worker) when the limit passes, and
    `PDFRenderError` when the worker fails. Refused URLs are logged at warning level.
    """
    timeout = _time_limit(timeout)
    roots = [str(root) for root in static_roots()]
    base_url = _base_url()
    # "spawn" starts a clean interpreter: no forked database connections or threads.
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_render_worker,
        args=(sender, html, base_url, roots, title, lang),
        daemon=True,
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise _timed_out(timeout)
        try:
            outcome, payload, requested, messages = receiver.recv()
        except EOFError as error:
            raise PDFRenderError(_("The PDF worker stopped without a result.")) from error
    finally:
        receiver.close()
        if process.is_alive():
            process.terminate()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
    return _report(outcome, payload, requested, messages)


class RenderPool:
    """Worker processes that render documents to PDF, kept for several batches.

    Workers are forked from a fork server that has loaded WeasyPrint (`_worker_context`), and
    one pool serves every batch of a job: `render(documents)` may be called many times inside
    `with RenderPool(workers) as pool:`. Leaving the block normally closes the workers;
    leaving it with an error (a time limit or a failed document) terminates them.
    """

    def __init__(self, workers=2, *, timeout=None):
        self.workers = max(1, workers)
        self.timeout = _time_limit(timeout)
        self.roots = [str(root) for root in static_roots()]
        self.base_url = _base_url()
        self._pool = None

    def __enter__(self):
        # The workers start now, in the background, and are ready by the first batch.
        self._pool = _worker_context().Pool(processes=self.workers, initializer=_warm_up)
        return self

    def __exit__(self, error_type, error, traceback):
        if self._pool is not None:
            if error_type is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
            self._pool = None
        return False

    def submit(self, document, *, pdf_variant=PDF_VARIANT):
        """Start rendering one (html, title, lang[, variant]) document; return its handle.

        Documents are rendered as they are submitted, so a caller can go on preparing the next
        one meanwhile. Pass the handle to `result`.
        """
        if self._pool is None:
            raise RuntimeError("RenderPool is used inside a with block.")
        html, title, lang, *variant = document
        return self._pool.apply_async(
            _render_pooled,
            (
                (
                    html,
                    self.base_url,
                    self.roots,
                    title,
                    lang,
                    variant[0] if variant else pdf_variant,
                ),
            ),
        )

    def result(self, handle) -> bytes:
        """Wait for a submitted document's PDF, for at most the time limit.

        Raises `PDFRenderTimeout` when the limit passes, and `PDFRenderError` when the document
        failed.
        """
        try:
            outcome = handle.get(self.timeout)
        except multiprocessing.TimeoutError as error:
            raise _timed_out(self.timeout) from error
        return _report(*outcome).pdf

    def render(self, documents, *, on_each=None, pdf_variant=PDF_VARIANT) -> list[bytes]:
        """Render (html, title, lang[, variant]) documents to PDFs, in order, on the workers.

        A document's fourth item, if any, is its own PDF variant (None for an untagged PDF);
        otherwise `pdf_variant` applies. `on_each(index, pdf)` is called as each document
        arrives, in order. See `result` for the time limit and failures.
        """
        handles = [self.submit(document, pdf_variant=pdf_variant) for document in documents]
        pdfs = []
        for index, handle in enumerate(handles):
            pdfs.append(self.result(handle))
            if on_each is not None:
                on_each(index, pdfs[-1])
        return pdfs


def document_language() -> str:
    """Return the BCP 47 tag of the language the PDF is written in: Welsh, or British English."""
    return "cy" if (get_language() or "").startswith("cy") else "en-GB"


def render_pdf(template_name, context, *, title, lang="en-GB") -> bytes:
    """Render a Django template to a tagged PDF (PDF/UA-1) with the safe URL fetcher.

    The template gets `document_title`, `document_lang`, `generated_at` and `stylesheet_url`
    besides `context`.
    """
    html = render_to_string(
        template_name,
        {
            **context,
            "document_title": title,
            "document_lang": lang,
            "generated_at": timezone.localtime(),
            "stylesheet_url": stylesheet_url(),
        },
    )
    return render_html_to_pdf(html, title=title, lang=lang).pdf


def pdf_download(request, make_pdf, filename):
    """The PDF `make_pdf()` renders, as an attachment named `filename`; the "try again later"
    page (503) when rendering runs out of time."""
    from django.http import HttpResponse
    from django.shortcuts import render
    from django.utils.http import content_disposition_header

    try:
        pdf = make_pdf()
    except PDFRenderTimeout as error:
        return render(request, "pdf/unavailable.html", {"message": str(error)}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
