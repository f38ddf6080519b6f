"""The round appraisal pack: ask for it, watch it being made, download it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from criteria.forms.packs import PackRequestForm
from criteria.models import PackJob
from criteria.tasks import generate_pack
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.language import supported
from pacesetter.permissions import can
from schemes.models import Round


def get_round(request, code):
    round = get_object_or_404(Round.objects.visible_to(request.user), code=code)
    if not can(request.user, "criteria.generate_pack", round):
        raise PermissionDenied
    return round


@login_required
def pack(request, code):
    round = get_round(request, code)
    form = PackRequestForm(
        request.POST if request.method == "POST" else None,
        language=supported(request.user.language) or "en",
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            job = PackJob.objects.create(
                round=round,
                requested_by=request.user,
                reviewers_named=form.cleaned_data["reviewers"] == "named",
                language=form.cleaned_data["language"],
            )
            # Audited when asked for: whoever asks is the one the personal data goes to.
            audit_record(
                AuditAction.EXPORT_PACK,
                actor=request.user,
                obj=job,
                details={"reviewers_named": job.reviewers_named, "language": job.language},
            )
            transaction.on_commit(lambda: generate_pack.enqueue(job.pk))
        return redirect("criteria:pack_job", code, job.pk)
    jobs = round.pack_jobs.select_related("requested_by")[:10]
    return render(
        request, "criteria/pack/request.html", {"round": round, "form": form, "jobs": jobs}
    )


@login_required
@never_cache
def pack_job(request, code, job_id):
    round = get_round(request, code)
    job = get_object_or_404(round.pack_jobs.select_related("requested_by"), pk=job_id)
    return render(request, "criteria/pack/job.html", {"round": round, "job": job})


@login_required
@never_cache
def pack_download(request, code, job_id):
    round = get_round(request, code)
    job = get_object_or_404(round.pack_jobs, pk=job_id, status=PackJob.Status.DONE)
    try:
        stored = job.pdf.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=f"appraisal-pack-{round.code}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
