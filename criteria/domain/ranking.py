"""A round's ranking against its envelope: order by final score, ranks and cumulative money.

Ranks, the cumulative amount requested and where the money runs out are always worked out
over the whole ranked list; a page of the ranking only shows some of the rows. Every score
figure comes from `criteria.domain.aggregation`, every amount requested from `schemes.budget`.
"""

from dataclasses import dataclass
from decimal import Decimal

from criteria.domain.aggregation import round_scores
from criteria.domain.ranking_version import kept, ranking_version
from criteria.rules import panel_applications
from pacesetter.permissions import can
from schemes.domain.decisions import DECIDABLE, RANKED
from schemes.models import Application, Decision

ZERO = Decimal("0.00")

# Round id -> ((the ranking's version,), {application id: amount requested}), in this process.
_requested: dict[int, tuple[tuple, dict[int, Decimal]]] = {}


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


def rank_rows(rows, envelope):
    """Sort `rows` into ranking order and give each its rank and cumulative money, in place.

    Equal scores share a rank (1, 2, 2, 4); rows without a score have no rank and come last.
    """
    rows.sort(key=rank_order)
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


def round_requested(round):
    """Return {application id: amount requested} for every ranked application of `round`.

    The totals are `Application.objects.requested_totals()`, to the penny; they are kept
    under the ranking's version (`ranking_version`), which every write to a budget line and
    every change of an application's status or round moves. One query while kept, three when
    worked out again.
    """
    return kept(
        _requested,
        round.pk,
        (ranking_version(),),
        lambda: Application.objects.filter(round=round, status__in=RANKED).requested_totals(),
    )


def ranked_applications(round, user):
    """Return the round's ranked applications in score order, with ranks and cumulative money.

    Only applications whose scores `user` may see are ranked. Whether `user` may decide on a
    row is left False: ask `with_decisions_allowed` for the rows actually shown. Runs in a
    fixed number of queries however many applications there are.
    """
    scores = round_scores(round)
    # Through the round's own manager, so each application's `round` is this one, unqueried.
    applications = (
        round.applications.filter(status__in=RANKED)
        # A chair conflicted on an application never sees it, here as on the score pages.
        .filter(pk__in=panel_applications(user).values("pk"))
        .select_related("organisation", "decision")
    )
    # The whole round's totals, kept between requests; a conflicted chair's rows are not shown.
    requested = round_requested(round)
    rows = [
        RankedApplication(
            application=application,
            score=scores.get(application.pk),
            rank=None,
            requested=requested.get(application.pk, ZERO),
            cumulative=ZERO,
            over_envelope=False,
            money_runs_out=False,
            decision=getattr(application, "decision", None),
            can_decide=False,
        )
        for application in applications
    ]
    return rank_rows(rows, round.envelope_total)


def with_decisions_allowed(rows, user):
    """Mark each of `rows` that `user` may record a decision on; return them."""
    for row in rows:
        row.can_decide = row.application.status in DECIDABLE and can(
            user, "schemes.decide_application", row.application
        )
    return rows
