"""Assigning panel reviewers to submitted applications: by hand or balanced in bulk.

Nobody is ever assigned to an application they are conflicted on. The first assignment of a
closed round moves it into review.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.conflicts import conflict_reason, conflicted_application_ids
from criteria.enums import ReviewStatus
from criteria.models import Assignment
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction, Role
from pacesetter.mail import mail_queue
from pacesetter.models import User
from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.domain.rounds import round_transition
from schemes.enums import ApplicationStatus, RoundState
from schemes.models import Application, Round

ASSIGNABLE_ROUND_STATES = (RoundState.CLOSED, RoundState.IN_REVIEW)


def panel_reviewers():
    """Everyone who can be asked to review: active users with the reviewer role."""
    return User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("full_name", "pk")


@dataclass(frozen=True)
class ReviewerProgress:
    """How far one panel reviewer has got with a round's live assignments."""

    reviewer: User
    assigned: int
    submitted: int
    started: int

    @property
    def in_progress(self):
        return self.started - self.submitted

    @property
    def not_started(self):
        return self.assigned - self.started


def reviewer_progress(round):
    """Every panel reviewer with their live assignments in `round`: assigned, started, submitted.

    Two queries: the reviewers, and the round's live assignments counted by reviewer.
    """
    counts = {
        row.pop("reviewer_id"): row
        for row in Assignment.objects.filter(application__round=round, withdrawn_at__isnull=True)
        .order_by()
        .values("reviewer_id")
        .annotate(
            assigned=Count("pk"),
            submitted=Count("pk", filter=Q(review__status=ReviewStatus.SUBMITTED)),
            started=Count("review"),
        )
    }
    none = {"assigned": 0, "submitted": 0, "started": 0}
    return [
        ReviewerProgress(reviewer=reviewer, **counts.get(reviewer.pk, none))
        for reviewer in panel_reviewers().select_related("organisation")
    ]


def applications_to_review(round):
    """The round's submitted applications, each with its number of live assignments."""
    return (
        Application.objects.filter(round=round, status=ApplicationStatus.SUBMITTED)
        .select_related("organisation")
        .annotate(
            live_assignments=Count(
                "review_assignments", filter=Q(review_assignments__withdrawn_at__isnull=True)
            )
        )
        .order_by("reference")
    )


def _check_round(round, acting_user):
    if not can(acting_user, "criteria.assign_reviewers", round):
        raise PermissionDenied
    if round.state not in ASSIGNABLE_ROUND_STATES:
        raise Refused(
            _("Reviewers can be assigned only after the round has closed. It is %(state)s.")
            % {"state": round.get_state_display().lower()}
        )


def _start_review(round, acting_user):
    # Ask the database, not the object in hand: it may predate an earlier assignment.
    if Round.objects.filter(pk=round.pk, state=RoundState.CLOSED).exists():
        round_transition(
            round,
            to=RoundState.IN_REVIEW,
            acting_user=acting_user,
            note=_("Reviewers assigned"),
        )


def _mail_assigned(assignments):
    """Email each assignment's reviewer, in their language, once the transaction commits."""
    for assignment in assignments:
        mail_queue(
            recipient=assignment.reviewer,
            template="criteria/email/assigned",
            context={
                "assignment": assignment,
                "path": reverse("criteria:score", args=[assignment.pk]),
            },
        )


def _audit_made(assignment, acting_user):
    audit_record(
        AuditAction.ASSIGNMENT_MADE,
        actor=acting_user,
        obj=assignment,
        details={
            "reviewer": assignment.reviewer.email,
            "due_date": assignment.due_date.isoformat() if assignment.due_date else None,
        },
        application_pk=assignment.application_id,
        round_pk=assignment.application.round_id,
    )


def assignment_create(*, application, reviewer, acting_user, due_date=None):
    """Assign one reviewer to one submitted application; email them once committed.

    Refuses (Refused, with the reason) a conflicted reviewer, someone who is not a
    panel reviewer, an application that is not submitted, a round not yet closed, and a
    reviewer already assigned.
    """
    round = application.round
    _check_round(round, acting_user)
    if application.status != ApplicationStatus.SUBMITTED:
        raise Refused(_("Only submitted applications can be assigned for review."))
    if reviewer.role != Role.REVIEWER or not reviewer.is_active:
        raise Refused(_("%(name)s is not a panel reviewer.") % {"name": reviewer.full_name})
    reason = conflict_reason(reviewer, application)
    if reason:
        raise Refused(
            _("%(name)s cannot review %(reference)s: %(reason)s")
            % {"name": reviewer.full_name, "reference": application.reference, "reason": reason}
        )
    if Assignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise Refused(
            _("%(name)s is already assigned to %(reference)s.")
            % {"name": reviewer.full_name, "reference": application.reference}
        )
    with transaction.atomic():
        assignment = Assignment(
            application=application, reviewer=reviewer, assigned_by=acting_user, due_date=due_date
        )
        assignment._history_user = acting_user
        assignment.save()
        _audit_made(assignment, acting_user)
        _start_review(round, acting_user)
        _mail_assigned([assignment])
    return assignment


@dataclass
class BulkResult:
    created: list = field(default_factory=list)
    short: dict = field(default_factory=dict)  # reference -> how many more it still needs


def assignments_balance(*, round, per_application, acting_user, due_date=None):
    """Give every submitted application `per_application` live reviewers, spreading the load.

    Each place goes to the eligible reviewer with the fewest assignments in the round so far
    (ties by name), never to anyone conflicted or already assigned. Applications that cannot
    be filled are reported in `short`. One transaction; reviewers emailed once committed.
    """
    _check_round(round, acting_user)
    if per_application < 1:
        raise Refused(_("Each application needs at least one reviewer."))
    reviewers = list(panel_reviewers())
    conflicted = {
        reviewer.pk: set(conflicted_application_ids(reviewer).values_list("pk", flat=True))
        for reviewer in reviewers
    }
    existing = Assignment.objects.filter(application__round=round)
    assigned = {(a.application_id, a.reviewer_id) for a in existing}
    load = Counter(existing.active().values_list("reviewer_id", flat=True))
    result = BulkResult()
    with transaction.atomic():
        for application in applications_to_review(round):
            needed = per_application - application.live_assignments
            while needed > 0:
                eligible = [
                    r
                    for r in reviewers
                    if application.pk not in conflicted[r.pk]
                    and (application.pk, r.pk) not in assigned
                ]
                if not eligible:
                    result.short[application.reference] = needed
                    break
                chosen = min(eligible, key=lambda r: (load[r.pk], r.full_name, r.pk))
                assignment = Assignment(
                    application=application,
                    reviewer=chosen,
                    assigned_by=acting_user,
                    due_date=due_date,
                )
                assignment._history_user = acting_user
                assignment.save()
                _audit_made(assignment, acting_user)
                assigned.add((application.pk, chosen.pk))
                load[chosen.pk] += 1
                result.created.append(assignment)
                needed -= 1
        if result.created:
            _start_review(round, acting_user)
            _mail_assigned(result.created)
    return result


def assignment_withdraw(*, assignment, reason, acting_user):
    """Withdraw a reviewer's assignment (kept, with the reason, for the record); audit it."""
    if not can(acting_user, "criteria.assign_reviewers", assignment.application.round):
        raise PermissionDenied
    if assignment.withdrawn_at:
        raise Refused(_("This assignment has already been withdrawn."))
    with transaction.atomic():
        assignment.withdrawn_at = timezone.now()
        assignment.withdrawn_reason = reason
        assignment._history_user = acting_user
        assignment.save()
        audit_record(
            AuditAction.ASSIGNMENT_WITHDRAWN,
            actor=acting_user,
            obj=assignment,
            reason=reason,
            details={"reviewer": assignment.reviewer.email},
        )
    return assignment


def default_due_date(today=None):
    """Three weeks from today: the usual time a panel is given."""
    return (today or timezone.localdate()) + datetime.timedelta(weeks=3)
