"""Releasing a round's feedback: applicants then read their decision, scores and justifications.

Released once, by a programme manager, when every submitted application is approved or
declined; the release is audited and each applicant is emailed once it commits.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction, Role
from pacesetter.mail import mail_queue
from pacesetter.models import User
from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.domain.decisions import decide_round_if_complete, undecided_applications
from schemes.enums import DECIDED_STATUSES
from schemes.models import Application, Round


def _mail_feedback(round_id):
    """Email every applicant of each organisation with a decided application in the round.

    Each mail carries the decisions, in the applicant's language, and is queued on commit.
    """
    round = Round.objects.get(pk=round_id)
    applications = list(
        Application.objects.filter(round=round, status__in=DECIDED_STATUSES)
        .select_related("organisation", "decision")
        .order_by("reference")
    )
    by_organisation = {}
    for application in applications:
        by_organisation.setdefault(application.organisation_id, []).append(application)
    recipients = User.objects.filter(
        organisation_id__in=by_organisation, role=Role.APPLICANT, is_active=True
    ).order_by("email")
    for user in recipients:
        own = by_organisation[user.organisation_id]
        mail_queue(
            recipient=user,
            template="criteria/email/feedback",
            context={
                "user": user,
                "round": round,
                "applications": [
                    (
                        application,
                        reverse("schemes:application_detail", args=[application.reference]),
                    )
                    for application in own
                ],
            },
        )


def feedback_problems(round):
    """Say why feedback for `round` cannot be released now, or return "" if it can."""
    if round.feedback_released_at is not None:
        return _("Feedback for this round was released on %(date)s.") % {
            "date": timezone.localtime(round.feedback_released_at).strftime("%-d %B %Y")
        }
    undecided = list(undecided_applications(round).values_list("reference", flat=True))
    if undecided:
        return _(
            "Feedback cannot be released until every submitted application is approved or "
            "declined. Still to decide: %(references)s."
        ) % {"references": ", ".join(undecided)}
    if not Application.objects.filter(round=round, status__in=DECIDED_STATUSES).exists():
        return _("No application in this round has been decided, so there is no feedback.")
    return ""


def feedback_release(*, round, acting_user, now=None):
    """Release the round's feedback to applicants; email each applicant once committed.

    Refused (nothing changes) while any submitted application lacks a final decision, and
    on a second release. Moves the round to decided if it is not already, and writes one
    audit event for the release.
    """
    if not can(acting_user, "criteria.release_feedback", round):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        current = Round.objects.select_for_update().get(pk=round.pk)
        problem = feedback_problems(current)
        if problem:
            raise Refused(problem)
        # Claim the release: of two simultaneous requests only one matches.
        claimed = Round.objects.filter(pk=current.pk, feedback_released_at__isnull=True).update(
            feedback_released_at=now, feedback_released_by=acting_user
        )
        if not claimed:
            raise Refused(_("Feedback for this round has already been released."))
        decide_round_if_complete(current, acting_user)
        released = Round.objects.get(pk=current.pk)
        released._history_user = acting_user
        released.save()
        audit_record(AuditAction.FEEDBACK_RELEASED, actor=acting_user, obj=released, at=now)
        _mail_feedback(released.pk)
    return released
