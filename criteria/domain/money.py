"""Money by health board in a round: the totals the ranking, the pack and the charts all show."""

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


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
    """Return each organisation's requested and approved totals against its share."""
    boards = {}
    for share in round.indicative_shares.select_related("organisation"):
        boards[share.organisation_id] = BoardTotals(share.organisation, share.amount, ZERO, ZERO)
    for row in rows:
        organisation = row.application.organisation
        board = boards.setdefault(organisation.pk, BoardTotals(organisation, None, ZERO, ZERO))
        board.requested += row.requested
        board.approved += row.approved
    return sorted(boards.values(), key=lambda board: board.organisation.name)
