"""A round's panel journey on its page: each step in order, with how far it has got.

The steps run in the order the panel works: assign, progress, moderation, calibration,
ranking, decisions, feedback, exports. `round_steps` counts everything in a fixed number of
queries (two aggregates and the kept round scores), however big the round.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from criteria.domain.aggregation import round_scores
from criteria.enums import ReviewStatus
from criteria.models import Assignment
from pacesetter.permissions import can
from schemes.enums import DECIDED_STATUSES, RANKED_STATUSES
from schemes.models import Application


@dataclass(frozen=True)
class RoundStep:
    """One step of the panel's journey: its page, what it says of the round, more links."""

    key: str
    name: str
    url: str
    status: str
    links: tuple = field(default=())


def round_counts(round):
    """The figures the steps show: reviews assigned and submitted, applications by stage."""
    reviews = Assignment.objects.filter(
        application__round=round, withdrawn_at__isnull=True
    ).aggregate(
        assigned=Count("pk"),
        submitted=Count("pk", filter=Q(review__status=ReviewStatus.SUBMITTED)),
        reviewers=Count("reviewer", distinct=True, filter=Q(review__status=ReviewStatus.SUBMITTED)),
    )
    applications = Application.objects.filter(round=round).aggregate(
        ranked=Count("pk", filter=Q(status__in=RANKED_STATUSES)),
        decided=Count("pk", filter=Q(status__in=DECIDED_STATUSES)),
    )
    return {**reviews, **applications}


def round_steps(round, user):
    """Return the panel steps `user` may take in `round`, in the journey's order."""
    may = {
        name: can(user, f"criteria.{name}", round)
        for name in ("assign_reviewers", "view_moderation_queue", "release_feedback")
    }
    may["generate_pack"] = can(user, "criteria.generate_pack", round)
    if not (may["assign_reviewers"] or may["view_moderation_queue"]):
        return []
    counts = round_counts(round)
    code = (round.code,)
    steps = []
    if may["assign_reviewers"]:
        steps.append(
            RoundStep(
                "assign",
                _("Assign reviewers"),
                reverse("criteria:assignments", args=code),
                ngettext(
                    "%(count)s review assigned", "%(count)s reviews assigned", counts["assigned"]
                )
                % {"count": counts["assigned"]},
            )
        )
        steps.append(
            RoundStep(
                "progress",
                _("Reviewers’ progress"),
                reverse("criteria:assignments", args=code) + "#assignments",
                _("%(submitted)s of %(assigned)s reviews submitted") % counts,
            )
        )
    if may["view_moderation_queue"]:
        scores = round_scores(round).values()
        flagged = sum(1 for score in scores if score.flagged)
        steps.append(
            RoundStep(
                "moderation",
                _("Disagreements to moderate"),
                reverse("criteria:moderation_queue", args=code),
                ngettext(
                    "%(count)s application to moderate",
                    "%(count)s applications to moderate",
                    flagged,
                )
                % {"count": flagged},
            )
        )
        steps.append(
            RoundStep(
                "calibration",
                _("Reviewer calibration"),
                reverse("criteria:calibration", args=code),
                ngettext(
                    "%(count)s reviewer has submitted reviews",
                    "%(count)s reviewers have submitted reviews",
                    counts["reviewers"],
                )
                % {"count": counts["reviewers"]},
            )
        )
        steps.append(
            RoundStep(
                "ranking",
                _("Ranking against the envelope"),
                reverse("criteria:ranking", args=code),
                ngettext(
                    "%(count)s application ranked",
                    "%(count)s applications ranked",
                    counts["ranked"],
                )
                % {"count": counts["ranked"]},
            )
        )
        steps.append(
            RoundStep(
                "decisions",
                _("Decisions"),
                reverse("criteria:ranking", args=code) + "#ranking",
                _("%(decided)s of %(ranked)s applications decided") % counts,
            )
        )
    if may["release_feedback"]:
        released = round.feedback_released_at
        steps.append(
            RoundStep(
                "feedback",
                _("Release feedback"),
                reverse("criteria:release_feedback", args=code),
                _("Feedback released on %(when)s") % {"when": date_format(released, "j F Y")}
                if released
                else _("Feedback not released yet"),
            )
        )
    exports = []
    if may["assign_reviewers"]:
        exports += [
            (_("Download spreadsheets"), reverse("criteria:round_export", args=code)),
            (_("Committee paper"), reverse("criteria:committee_paper", args=code)),
        ]
    if may["generate_pack"]:
        exports.append((_("Appraisal pack"), reverse("criteria:pack", args=code)))
    if may["view_moderation_queue"]:
        exports.append((_("Charts"), reverse("criteria:round_charts", args=code)))
    if exports:
        steps.append(
            RoundStep(
                "exports",
                _("Exports"),
                exports[0][1],
                _("Spreadsheets, papers and charts of the round"),
                links=tuple(exports),
            )
        )
    return steps
