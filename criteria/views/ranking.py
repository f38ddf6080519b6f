"""A round's ranking against its envelope, and an applicant's feedback once released.

Both live in `criteria` because they need the panel's scores; every score figure comes from
`criteria.domain.aggregation`.
"""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from criteria.decision_rules import panel_applications
from criteria.domain.aggregation import application_matrix, round_scores
from criteria.domain.anonymity import anonymous_order, reviewer_label
from criteria.domain.money import board_totals
from pacesetter.permissions import can
from schemes.domain.decisions import DECIDABLE, RANKED
from schemes.enums import ApplicationStatus
from schemes.models import Application, Decision, Round

ZERO = Decimal("0.00")

SORT_SCORE = "score"
SORTS = {
    SORT_SCORE: _("Final score"),
    "requested": _("Amount requested"),
    "organisation": _("Organisation"),
    "reference": _("Reference"),
}


@dataclass
class RankedApplication:
    """One row of the ranking: the application, its score and where it sits in the money."""

    application: Application
    score: object  # criteria.domain.aggregation.ApplicationScore, or None if not scored
    rank: int | None
    requested: Decimal
    cumulative: Decimal
    over_envelope: bool  # the cumulative requested is more than the envelope
    money_runs_out: bool  # the first row whose cumulative requested exceeds the envelope
    decision: Decision | None
    can_decide: bool

    @property
    def percentage(self):
        return self.score.percentage if self.score else None

    @property
    def approved(self):
        if self.decision is not None and self.decision.approved_amount is not None:
            return self.decision.approved_amount
        return ZERO


def rank_order(row):
    """Highest final score first; not scored last; ties by reference."""
    percentage = row.score.percentage if row.score else None
    return (percentage is None, -(percentage or 0), row.application.reference)


def ranked_applications(round, user):
    """Return the round's ranked applications in score order, with ranks and cumulative money.

    Equal scores share a rank (1, 2, 2, 4); applications without a submitted review have no
    rank and come last. Only applications whose scores `user` may see are ranked. Runs in a
    fixed number of queries however many applications there are.
    """
    scores = round_scores(round)
    applications = (
        Application.objects.filter(round=round, status__in=RANKED)
        # A chair conflicted on an application never sees it, here as on the score pages.
        .filter(pk__in=panel_applications(user).values("pk"))
        .select_related("organisation", "decision")
        .prefetch_related("budget_lines", "other_funding")
    )
    rows = []
    for application in applications:
        decision = getattr(application, "decision", None)
        rows.append(
            RankedApplication(
                application=application,
                score=scores.get(application.pk),
                rank=None,
                requested=application.totals().requested,
                cumulative=ZERO,
                over_envelope=False,
                money_runs_out=False,
                decision=decision,
                can_decide=application.status in DECIDABLE
                and can(user, "schemes.decide_application", application),
            )
        )
    rows.sort(key=rank_order)
    envelope = round.envelope_total
    cumulative = ZERO
    previous = None
    for position, row in enumerate(rows, start=1):
        if row.percentage is not None:
            row.rank = (
                previous.rank if previous and previous.percentage == row.percentage else position
            )
        cumulative += row.requested
        row.cumulative = cumulative
        row.over_envelope = envelope is not None and cumulative > envelope
        row.money_runs_out = row.over_envelope and not (previous and previous.over_envelope)
        previous = row
    return rows


def sorted_rows(rows, sort):
    if sort == "requested":
        return sorted(rows, key=lambda row: (-row.requested, row.application.reference))
    if sort == "organisation":
        return sorted(
            rows, key=lambda row: (row.application.organisation.name, row.application.reference)
        )
    if sort == "reference":
        return sorted(rows, key=lambda row: row.application.reference)
    return rows


def choice(value, allowed, default=""):
    return value if value in allowed else default


@login_required
def ranking(request, code):
    round = get_object_or_404(Round.objects.visible_to(request.user), code=code)
    if not can(request.user, "criteria.view_ranking", round):
        raise PermissionDenied
    rows = ranked_applications(round, request.user)
    organisations = sorted(
        {row.application.organisation for row in rows}, key=lambda organisation: organisation.name
    )
    statuses = [
        (value, label)
        for value, label in ApplicationStatus.choices
        if value in {row.application.status for row in rows}
    ]
    sort = choice(request.GET.get("sort"), SORTS, SORT_SCORE)
    organisation = choice(request.GET.get("organisation"), {o.code for o in organisations})
    status = choice(request.GET.get("status"), {value for value, _label in statuses})
    shown_rows = [
        row
        for row in sorted_rows(rows, sort)
        if (not organisation or row.application.organisation.code == organisation)
        and (not status or row.application.status == status)
    ]
    filters = {"organisation": organisation, "status": status}
    sort_links = [
        {
            "key": key,
            "label": label,
            "current": key == sort,
            "url": "?" + urlencode({"sort": key, **{k: v for k, v in filters.items() if v}}),
        }
        for key, label in SORTS.items()
    ]
    boards = board_totals(round, rows)
    requested_total = sum((row.requested for row in rows), ZERO)
    approved_total = sum((row.approved for row in rows), ZERO)
    envelope = round.envelope_total
    return render(
        request,
        "criteria/ranking/ranking.html",
        {
            "round": round,
            "rows": shown_rows,
            "row_count": len(rows),
            "runs_out": next((row for row in rows if row.money_runs_out), None),
            "sort": sort,
            "sorted_by_score": sort == SORT_SCORE,
            "sort_links": sort_links,
            "sort_label": SORTS[sort],
            "organisations": organisations,
            "statuses": statuses,
            "organisation": organisation,
            "status": status,
            "filtered": bool(organisation or status),
            "boards": boards,
            "requested_total": requested_total,
            "approved_total": approved_total,
            "envelope_left": None if envelope is None else envelope - approved_total,
            "shares_total": sum((board.share for board in boards if board.share is not None), ZERO),
            "can_release": can(request.user, "schemes.release_feedback", round),
        },
    )


@login_required
def feedback(request, reference):
    application = get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "round", "round__criteria_set", "organisation"
        ),
        reference=reference,
    )
    if not can(request.user, "criteria.view_feedback", application):
        # Until feedback is released the applicant cannot know there is any.
        raise Http404
    decision = Decision.objects.filter(application=application).first()
    matrix = application_matrix(application)
    columns = {column.review.pk: index for index, column in enumerate(matrix.columns)}
    reviews = anonymous_order(application, [column.review for column in matrix.columns])
    order = [
        (reviewer_label(position), columns[review.pk]) for position, review in enumerate(reviews)
    ]
    sections = [
        {
            "group": section.group,
            "rows": [
                {
                    "criterion": row.criterion,
                    "final": row.final_shown,
                    "moderation": row.moderation,
                    "justifications": [
                        {
                            "reviewer": label,
                            "score": row.cells[index].score,
                            "justification": row.cells[index].justification,
                        }
                        for label, index in order
                    ],
                }
                for row in section.rows
            ],
        }
        for section in matrix.sections
    ]
    return render(
        request,
        "criteria/ranking/feedback.html",
        {
            "application": application,
            "round": application.round,
            "decision": decision,
            "released": application.round.feedback_released_at is not None,
            "sections": sections,
            "percentage": matrix.result.percentage,
            "final_total": matrix.final_total_shown,
            "max_total": matrix.max_total_shown,
            "scale_max": max((point.value for point in matrix.scale_points), default=0),
            "reviews_submitted": matrix.result.reviews_submitted,
        },
    )
