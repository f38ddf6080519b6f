"""The appraisal summary of one application as a PDF: scores, justifications, the decision."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.domain import aggregation
from criteria.domain.anonymity import appraisal_table
from criteria.views.panel import get_panel_application
from pacesetter.language import in_requested_language
from pacesetter.pdf import document_language, pdf_download, render_pdf
from schemes.domain.document import application_document
from schemes.models import Decision
from schemes.views.pdf import safe_filename


@login_required
@in_requested_language
def appraisal_pdf(request, reference):
    """Download the appraisal summary; reviewers lettered unless ?reviewers=named.

    In the language `?language=` asks for, else the person's own.
    """
    application = get_panel_application(request, reference, "criteria.view_score_matrix")
    named = request.GET.get("reviewers") == "named"
    matrix = aggregation.application_matrix(application)
    columns, rows = appraisal_table(matrix, named=named)
    context = {
        "application": application,
        "user": request.user,
        "matrix": matrix,
        "columns": columns,
        "rows": rows,
        "named": named,
        "document": application_document(application),
        "decision": Decision.objects.filter(application=application)
        .select_related("decided_by")
        .first(),
        "generated_at": timezone.now(),
    }
    suffix = "named" if named else "anonymised"
    return pdf_download(
        request,
        lambda: render_pdf(
            "pdf/appraisal_summary.html",
            context,
            title=_("Appraisal summary"),
            lang=document_language(),
        ),
        f"{safe_filename(application.reference)}-appraisal-{suffix}.pdf",
    )
