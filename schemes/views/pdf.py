"""PDF downloads of applications."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _

from pacesetter.language import respond_in
from pacesetter.pdf import document_language, pdf_download, render_pdf
from pacesetter.permissions import can
from schemes.domain.document import application_document, document_queryset
from schemes.views.common import get_visible_application


@login_required
def application_pdf(request, reference):
    """Download an application as a PDF summary, in its language; a 404 for anyone else."""
    application = get_visible_application(request, reference, document_queryset())
    if not can(request.user, "schemes.view_application", application):
        raise Http404
    context = {
        "application": application,
        "user": request.user,
        "document": application_document(application),
    }
    # In the language the application is written in, whoever downloads it.
    return respond_in(
        application.language,
        pdf_download,
        request,
        lambda: render_pdf(
            "pdf/application_summary.html",
            context,
            title=_("Application summary"),
            lang=document_language(),
        ),
        f"{safe_filename(application.reference)}-summary.pdf",
    )


def safe_filename(text):
    """Keep letters, digits and hyphens only, so a reference can never break the header."""
    return (
        "".join(
            character
            for character in text
            if character.isascii() and (character.isalnum() or character == "-")
        )
        or "application"
    )
