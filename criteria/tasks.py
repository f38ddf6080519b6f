"""Background work: making a round's appraisal pack while the manager watches its progress."""

import logging

from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django_tasks import task

from criteria.models import PackJob

logger = logging.getLogger(__name__)


def record_progress(job_id):
    """Return a progress callback that writes percent and message onto the job."""

    def progress(percent, message):
        PackJob.objects.filter(pk=job_id).update(
            progress=max(0, min(100, percent)), message=message
        )

    return progress


@task()
def generate_pack(job_id: int):
    """Make the appraisal pack of a PackJob and attach the PDF; record failure, never hang."""
    from criteria.domain.pack import build_pack

    job = PackJob.objects.select_related("round").get(pk=job_id)
    PackJob.objects.filter(pk=job_id).update(status=PackJob.Status.RUNNING, progress=0)
    try:
        # Written in the language its requester chose: gettext, reference content and the
        # PDF's lang all follow the active language.
        with translation.override(job.language):
            result = build_pack(
                job.round, reviewers_named=job.reviewers_named, progress=record_progress(job_id)
            )
    except Exception as error:  # the manager must see that it failed, whatever the cause
        logger.exception("Appraisal pack %s failed", job_id)
        PackJob.objects.filter(pk=job_id).update(
            status=PackJob.Status.FAILED, message=str(error)[:500], finished_at=timezone.now()
        )
        return
    job.refresh_from_db()
    job.pdf.save(
        f"appraisal-pack-{job.round.code}-{job.pk}.pdf", ContentFile(result.pdf), save=False
    )
    job.pages = result.pages
    job.status = PackJob.Status.DONE
    job.progress = 100
    job.message = ""
    job.finished_at = timezone.now()
    job.save()
