"""Remind reviewers of reviews due soon; run it daily from a scheduler (cron, systemd timer)."""

import datetime
from itertools import groupby

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from criteria.enums import ReviewStatus
from criteria.models import Assignment, ConflictOfInterest
from pacesetter.mail import mail_queue


def assignments_due_for_reminder(*, within_days, today=None):
    """Live, unsubmitted, unconflicted assignments due within `within_days`, never reminded.

    Overdue ones count too: a reviewer who has not been reminded should hear about them.
    """
    today = today or timezone.localdate()
    declared = ConflictOfInterest.objects.filter(reviewer=OuterRef("reviewer")).filter(
        Q(application=OuterRef("application"))
        | Q(organisation=OuterRef("application__organisation"))
    )
    return (
        Assignment.objects.active()
        .filter(
            reminded_at__isnull=True,
            due_date__isnull=False,
            due_date__lte=today + datetime.timedelta(days=within_days),
            reviewer__is_active=True,
        )
        .exclude(review__status=ReviewStatus.SUBMITTED)
        .exclude(reviewer__organisation=F("application__organisation"))
        .exclude(Exists(declared))
        .select_related("reviewer", "application")
        .order_by("reviewer_id", "due_date", "application__reference")
    )


def remind(reviewer, assignments, now):
    """Claim the reminders for `assignments` and email `reviewer` once, in their language.

    Each assignment is claimed with a conditional update (reminded_at still empty), so of
    two runs at once, on one server or several, only one claims it: on PostgreSQL the second
    waits for the first's row lock and then finds it reminded. The mail, listing only what
    this run claimed, is queued for the worker when the claim commits. Returns the
    assignments claimed: none if another run reminded them first.
    """
    with transaction.atomic():
        claimed = [
            assignment
            for assignment in assignments
            if Assignment.objects.filter(pk=assignment.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
        ]
        if claimed:
            mail_queue(
                recipient=reviewer,
                template="criteria/email/review_reminder",
                context={"reviewer": reviewer, "assignments": claimed},
            )
    return claimed


class Command(BaseCommand):
    help = (
        "Email every reviewer whose live, unsubmitted review is due within --days days "
        "(default 3) and who has not been reminded of it, then record the reminder. "
        "Safe to run again, and on every server at once: nobody is reminded twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=3, help="Remind of reviews due within this many days."
        )

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError(_("--days must be 0 or more."))
        now = timezone.now()
        due = assignments_due_for_reminder(within_days=days)
        sent = 0
        for _reviewer_id, group in groupby(due, key=lambda assignment: assignment.reviewer_id):
            assignments = list(group)
            sent += bool(remind(assignments[0].reviewer, assignments, now))
        self.stdout.write(
            ngettext("Sent %(count)d review reminder.", "Sent %(count)d review reminders.", sent)
            % {"count": sent}
        )
