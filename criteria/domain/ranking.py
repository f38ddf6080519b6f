"""A round's ranking against its envelope, and its money: the one owner of both.

The ranking order (`rank_order`), ranks and the cumulative amount requested (`rank_rows`), the
amount each application requests (`round_requested`), the money by health board
(`board_totals`) and the round's totals (`round_money`) are worked out here and nowhere else:
the ranking page, the charts, the pack, the committee paper and the spreadsheets take them from
here. Ranks, the cumulative money and where it runs out are always worked out over the whole
ranked list; a page of the ranking only shows some of the rows. Every score figure comes from
`criteria.domain.aggregation`, every amount requested from `schemes.budget`. Money is Decimal
to the penny throughout, £0.00 where there is none.
"""

from dataclasses import dataclass
from decimal import Decimal

from criteria.domain.aggregation import round_scores
from criteria.domain.round_figures import kept
from criteria.rules import panel_applications
from pacesetter.permissions import can
from schemes.enums import DECIDABLE_STATUSES, RANKED_STATUSES
from schemes.models import Application, Decision

ZERO = Decimal("0.00")


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

    The totals are `Application.objects.requested_totals()`, to the penny, kept in the shared
    cache under the round's figures version, which every write to a budget line and every
    change of an application's status or round moves. No query while kept, two when worked
    out again.
    """
    return kept(
        round,
        "requested",
        lambda: Application.objects.filter(
            round=round, status__in=RANKED_STATUSES
        ).requested_totals(),
    )


def _rows(round, applications, scores):
    requested = round_requested(round)
    return [
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


def ranked_rows(round, applications):
    """Return `applications` (ranked ones of `round`) as ranking rows, in ranking order.

    Each row has its score, rank, amount requested, cumulative money and decision; whether a
    user may decide on it is left False (`with_decisions_allowed`). Select the applications'
    `decision` (and `organisation`, for the money by board). Runs in the queries of
    `applications` and, when not kept, those of `round_scores` and `round_requested`.
    """
    return rank_rows(_rows(round, applications, round_scores(round)), round.envelope_total)


def money_rows(round, applications):
    """Return `applications` as rows with their amount requested and decision, unranked.

    What `round_money` needs, without working out the scores: for pages that show only money.
    """
    return _rows(round, applications, {})


def ranked_applications(round, user):
    """Return the round's ranked applications in score order, with ranks and cumulative money.

    Only applications whose scores `user` may see are ranked. Whether `user` may decide on a
    row is left False: ask `with_decisions_allowed` for the rows actually shown. Runs in a
    fixed number of queries however many applications there are.
    """
    # Through the round's own manager, so each application's `round` is this one, unqueried.
    applications = (
        round.applications.filter(status__in=RANKED_STATUSES)
        # A chair conflicted on an application never sees it, here as on the score pages.
        .filter(pk__in=panel_applications(user).values("pk"))
        .select_related("decision")
        # A handful of organisations shared by every row, not one copy per application.
        .prefetch_related("organisation")
    )
    # The whole round's totals are kept between requests; a conflicted chair's rows not shown.
    return ranked_rows(round, applications)


def with_decisions_allowed(rows, user):
    """Mark each of `rows` that `user` may record a decision on; return them."""
    for row in rows:
        row.can_decide = row.application.status in DECIDABLE_STATUSES and can(
            user, "schemes.decide_application", row.application
        )
    return rows


# Money by health board and in total ---------------------------------------------------------


@dataclass
class BoardTotals:
    """One organisation's money in the round against its indicative share."""

    organisation: object
    share: Decimal | None
    requested: Decimal
    approved: Decimal

    @property
    def requested_over_share(self):
        if self.share is None or self.requested <= self.share:
            return None
        return self.requested - self.share

    @property
    def share_left(self):
        return None if self.share is None else self.share - self.approved


def board_totals(round, rows):
    """Return each organisation's requested and approved totals against its share, by name.

    Organisations with a share or one of `rows` (ranking rows, or anything with `application`,
    `requested` and `approved`). One query, for the shares.
    """
    boards = {}
    for share in round.indicative_shares.select_related("organisation"):
        boards[share.organisation_id] = BoardTotals(share.organisation, share.amount, ZERO, ZERO)
    for row in rows:
        organisation = row.application.organisation
        board = boards.setdefault(organisation.pk, BoardTotals(organisation, None, ZERO, ZERO))
        board.requested += row.requested
        board.approved += row.approved
    return sorted(boards.values(), key=lambda board: board.organisation.name)


@dataclass(frozen=True)
class RoundMoney:
    """A round's money as every page and document shows it: by board and in total."""

    envelope: Decimal | None
    boards: tuple[BoardTotals, ...]
    requested: Decimal
    approved: Decimal

    @property
    def shares(self):
        """The indicative shares' total (`Round.shares_total`, from the boards already read)."""
        return sum((board.share for board in self.boards if board.share is not None), ZERO)

    @property
    def envelope_left(self):
        return None if self.envelope is None else self.envelope - self.approved


def round_money(round, rows):
    """Return the money of `rows` (ranking rows of `round`): by board, requested and approved."""
    return RoundMoney(
        envelope=round.envelope_total,
        boards=tuple(board_totals(round, rows)),
        requested=sum((row.requested for row in rows), ZERO),
        approved=sum((row.approved for row in rows), ZERO),
    )
