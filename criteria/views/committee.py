"""A round's committee paper: the manager writes the narrative, the record gives the numbers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from criteria.domain.committee import (
    committee_figures,
    committee_paper_for,
    committee_paper_pdf_bytes,
    committee_paper_save,
    committee_paper_title,
)
from criteria.forms.committee import CommitteePaperForm
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.language import in_requested_language
from pacesetter.pdf import document_language, pdf_download
from pacesetter.permissions import can
from schemes.models import Round
from schemes.views.pdf import safe_filename


def committee_round(request, code):
    round = get_object_or_404(Round.objects.visible_to(request.user), code=code)
    # The paper holds every organisation's money: programme managers only, as the exports.
    if not can(request.user, "criteria.export_round", round):
        raise PermissionDenied
    return round


@login_required
def committee_paper(request, code):
    round = committee_round(request, code)
    paper = committee_paper_for(round)
    if request.method == "POST":
        form = CommitteePaperForm(request.POST)
        if form.is_valid():
            committee_paper_save(round=round, acting_user=request.user, **form.cleaned_data)
            messages.success(request, _("The committee paper has been saved."))
            return redirect("criteria:committee_paper", code=round.code)
    else:
        form = CommitteePaperForm(initial=CommitteePaperForm.initial_from(paper))
    return render(
        request,
        "criteria/committee/paper.html",
        {
            "round": round,
            "paper": paper,
            "form": form,
            "figures": committee_figures(round),
            "title": committee_paper_title(round),
        },
    )


@never_cache
@login_required
@in_requested_language
def committee_paper_pdf(request, code):
    """The committee paper as a PDF, in the language `?language=` asks for (else theirs)."""
    round = committee_round(request, code)
    response = pdf_download(
        request,
        lambda: committee_paper_pdf_bytes(round, lang=document_language()),
        f"{safe_filename(round.code)}-committee-paper.pdf",
    )
    if response.status_code == 200:  # audited once there is something downloaded
        audit_record(AuditAction.EXPORT_COMMITTEE_PAPER, actor=request.user, obj=round)
    return response
