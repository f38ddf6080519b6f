"""A reviewer's review of one application: save a draft, submit, reopen; declare a conflict.

Every save claims the review's version with a conditional UPDATE, as
`schemes.domain.editing.editing()` does for applications: if someone saved after the page
was drawn (another tab, a double click), nothing is written and the person is told. A review
changes status only through `_transition`, which passes its table of allowed moves to
`pacesetter.transitions.transition`. Every refusal is a `Refused` carrying the message.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from criteria.enums import ConflictKind, Recommendation, ReviewStatus
from criteria.models import Assignment, ConflictOfInterest, Review, Score
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.mail import mail_queue
from pacesetter.permissions import can
from pacesetter.transitions import Move, Refused, transition

R = ReviewStatus

# (from, to) -> the permission the acting user needs for the move (asked of the review's
# assignment for a submission), and the audit action it writes.
TRANSITIONS = {
    (R.IN_PROGRESS, R.SUBMITTED): Move(
        "criteria.score_application",
        AuditAction.REVIEW_SUBMITTED,
        subject=lambda review: review.assignment,
    ),
    (R.SUBMITTED, R.IN_PROGRESS): Move("criteria.reopen_review", AuditAction.REVIEW_REOPENED),
}

# Someone saved the review after this page was drawn.
STALE_REVIEW = gettext_lazy(
    "Your review was saved somewhere else (perhaps in another tab) after you opened "
    "this page. Nothing you entered here has been saved. Open the page again to see "
    "the latest version, then make your changes."
)
# The review is submitted, so it cannot change until a programme manager reopens it.
REVIEW_LOCKED = gettext_lazy(
    "Your review has been submitted, so it cannot be changed. A programme manager "
    "can reopen it if it needs to change."
)


@dataclass(frozen=True)
class Problem:
    """Something that stops a review being submitted: `part` is "score", "justification" or
    "recommendation"; `criterion` is None for the recommendation."""

    part: str
    criterion: object
    message: str


def submission_problems(criteria, scores, recommendation):
    """List what is missing before a review with these `scores` can be submitted.

    `scores` maps a criterion's id to (score or None, justification). Every criterion needs a
    score and a justification; the review needs a recommendation.
    """
    problems = []
    for criterion in criteria:
        score, justification = scores.get(criterion.pk, (None, ""))
        if score is None:
            problems.append(
                Problem(
                    "score",
                    criterion,
                    _("Choose a score for criterion %(label)s") % {"label": criterion.label},
                )
            )
        if not justification.strip():
            problems.append(
                Problem(
                    "justification",
                    criterion,
                    _("Enter a justification for your score on criterion %(label)s")
                    % {"label": criterion.label},
                )
            )
    if not recommendation:
        problems.append(Problem("recommendation", None, _("Choose a recommendation")))
    return problems


def _check_content(assignment, scores, recommendation):
    """Refuse scores for criteria outside the round's set or outside its scale."""
    criteria_set = assignment.application.round.criteria_set
    allowed = set(criteria_set.criteria.values_list("pk", flat=True))
    scale = set(criteria_set.scale_points.values_list("value", flat=True))
    for criterion_id, (score, _justification) in scores.items():
        if criterion_id not in allowed:
            raise Refused(_("That criterion is not one of this round’s criteria."))
        if score is not None and score not in scale:
            raise Refused(_("Every score must be a point on the scale."))
    if recommendation and recommendation not in Recommendation.values:
        raise Refused(_("Choose a recommendation from the list."))


def _claim(assignment, expected_version):
    """Return the review of `assignment` claimed at `expected_version`, one version higher.

    Version 0 means the page was drawn before there was a review: a new, unsaved Review is
    returned. Raises Refused (REVIEW_LOCKED) if the review is submitted and Refused
    (STALE_REVIEW) if another save came first. Call inside a transaction.
    """
    if expected_version == 0:
        current = Review.objects.filter(assignment=assignment).only("status").first()
        if current is None:
            return Review(assignment=assignment)
    else:
        claimed = Review.objects.filter(
            assignment=assignment, version=expected_version, status=R.IN_PROGRESS
        ).update(version=F("version") + 1)
        if claimed:
            return Review.objects.select_related("assignment__application").get(
                assignment=assignment
            )
        current = Review.objects.filter(assignment=assignment).only("status").first()
    if current is not None and current.status == R.SUBMITTED:
        raise Refused(REVIEW_LOCKED)
    raise Refused(STALE_REVIEW)


def _store(review, acting_user):
    review._history_user = acting_user
    if review.pk is not None:
        review.save()
        return
    try:
        with transaction.atomic():  # a second first save (another tab) meets the constraint
            review.save()
    except IntegrityError:
        raise Refused(STALE_REVIEW) from None


def _write_scores(review, scores, acting_user):
    existing = {score.criterion_id: score for score in review.scores.all()}
    for criterion_id, (value, justification) in scores.items():
        score = existing.get(criterion_id)
        if score is None:
            if value is None and not justification:
                continue
            score = Score(review=review, criterion_id=criterion_id)
        elif (score.score, score.justification) == (value, justification):
            continue
        score.score = value
        score.justification = justification
        score._history_user = acting_user
        score.save()


def review_save(*, assignment, expected_version, acting_user, scores, recommendation, comment):
    """Save `acting_user`'s draft review of `assignment`, drawn at `expected_version`.

    `scores` maps a criterion's id to (score or None, justification); a draft may be partial.
    Creates the review on its first save (version 0). Raises Refused once submitted
    (REVIEW_LOCKED) or if another save came first (STALE_REVIEW), and PermissionDenied for
    anyone but the assigned,
    unconflicted reviewer; in each case nothing is written. Runs in a transaction.
    """
    with transaction.atomic():
        review = _claim(assignment, expected_version)
        fresh = Assignment.objects.select_related("application__round__criteria_set").get(
            pk=assignment.pk
        )
        fresh.review = review
        if not can(acting_user, "criteria.score_application", fresh):
            raise PermissionDenied
        _check_content(fresh, scores, recommendation)
        review.recommendation = recommendation or ""
        review.comment = comment
        _store(review, acting_user)
        _write_scores(review, scores, acting_user)
    return review


def review_submit(
    *, assignment, expected_version, acting_user, scores, recommendation, comment, now=None
):
    """Save and submit `acting_user`'s review of `assignment`; from then on it is locked.

    Raises Refused if anything is missing (see `submission_problems`), and what
    `review_save` raises; in each case the review stays exactly as it was.
    """
    criteria = assignment.application.round.criteria_set.criteria.all()
    if submission_problems(criteria, scores, recommendation):
        raise Refused(_("The review is not complete."))
    with transaction.atomic():
        review = review_save(
            assignment=assignment,
            expected_version=expected_version,
            acting_user=acting_user,
            scores=scores,
            recommendation=recommendation,
            comment=comment,
        )
        return _transition(
            review,
            to=R.SUBMITTED,
            acting_user=acting_user,
            changes={"submitted_at": now or timezone.now()},
        )


def review_reopen(*, review, reason, acting_user):
    """Reopen a submitted review so its reviewer can change it; the reason is audited whole.

    Emails the reviewer, in their language, once the transaction commits. Raises Refused
    for a missing reason or a review that is not submitted, and PermissionDenied for anyone
    but a programme manager.
    """
    reason = str(reason).strip()
    if not reason:
        raise Refused(_("Enter the reason for reopening the review"))
    return _transition(
        review,
        to=R.IN_PROGRESS,
        acting_user=acting_user,
        reason=reason,
        changes={"submitted_at": None},
        mail=lambda moved: _mail_reopened(moved, reason),
    )


def _refused_message(current, to):
    if current.status == R.SUBMITTED:
        return REVIEW_LOCKED
    return _("This review is %(status)s, so it cannot be %(action)s.") % {
        "status": current.get_status_display().lower(),
        "action": _("reopened") if to == R.IN_PROGRESS else _("submitted"),
    }


def _transition(review, *, to, acting_user, reason="", changes=None, mail=None):
    """Move `review` to status `to`, recording who, when and why in one audit event.

    Raises Refused for a move the table does not allow (including one just made by a
    double click) and PermissionDenied for a user who may not make it.
    """
    return transition(
        review,
        to=to,
        moves=TRANSITIONS,
        acting_user=acting_user,
        reason=reason,
        changes=changes,
        mail=mail,
        refused_message=_refused_message,
        changed_message=STALE_REVIEW,
        select_related=("assignment__application__round", "assignment__reviewer"),
    )


def _mail_reopened(review, reason):
    mail_queue(
        recipient=review.assignment.reviewer,
        template="criteria/email/review_reopened",
        context={"review": review, "reason": reason},
    )


def conflict_declare(*, assignment, kind, note, acting_user):
    """Record the acting reviewer's conflict of interest on `assignment`'s application.

    Withdraws the assignment (kept, with the reason, for the record); from then on the
    reviewer cannot open the application anywhere. Raises Refused if it is already
    withdrawn and PermissionDenied for anyone but the assigned, unconflicted reviewer.
    """
    if kind not in ConflictKind.values:
        raise Refused(_("Choose the type of conflict"))
    if not can(acting_user, "criteria.declare_conflict", assignment):
        raise PermissionDenied
    with transaction.atomic():
        now = timezone.now()
        claimed = Assignment.objects.filter(pk=assignment.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now
        )
        if not claimed:
            raise Refused(_("This assignment has already been withdrawn."))
        conflict = ConflictOfInterest(
            reviewer=acting_user, application=assignment.application, kind=kind, note=note
        )
        conflict._history_user = acting_user
        conflict.save()
        withdrawn = Assignment.objects.get(pk=assignment.pk)
        withdrawn.withdrawn_reason = _(
            "The reviewer declared a conflict of interest (%(kind)s): %(note)s"
        ) % {"kind": ConflictKind(kind).label.lower(), "note": note}
        withdrawn._history_user = acting_user
        withdrawn._change_reason = _("Conflict of interest declared")
        withdrawn.save()
        audit_record(
            AuditAction.CONFLICT_DECLARED,
            actor=acting_user,
            obj=conflict,
            reason=note,
            details={"kind": kind, "assignment": withdrawn.pk},
        )
    return conflict
