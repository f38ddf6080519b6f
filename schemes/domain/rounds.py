"""A round's life: draft -> open -> closed -> in review -> decided -> archived.

Every change of state goes through `round_transition`, which holds the table of allowed
moves, runs in a transaction and writes the audit row.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.permissions import can
from schemes.enums import RoundState
from schemes.models import Round, RoundEvent

R = RoundState

# (from, to): the moves a programme manager may make.
ROUND_TRANSITIONS = {
    (R.DRAFT, R.OPEN),
    (R.OPEN, R.CLOSED),
    (R.CLOSED, R.IN_REVIEW),
    (R.IN_REVIEW, R.DECIDED),
    (R.DECIDED, R.ARCHIVED),
}


class RoundTransitionRefused(Exception):  # noqa: N818 - a domain outcome shown to the user
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def round_transition(round, *, to, acting_user, note="", now=None):
    """Move `round` to state `to`, recording who, when and why.

    Closing a round before its closing time brings the closing time forward to now, so the
    deadline and the state agree. Raises RoundTransitionRefused for a move the table does not
    allow and PermissionDenied for a user who may not manage rounds; nothing changes then.
    """
    if not can(acting_user, "schemes.manage_round", round):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        current = Round.objects.select_for_update().get(pk=round.pk)
        if (current.state, to) not in ROUND_TRANSITIONS:
            raise RoundTransitionRefused(
                _("The round is %(state)s, so it cannot be moved to %(to)s.")
                % {"state": current.get_state_display().lower(), "to": R(to).label.lower()}
            )
        claimed = Round.objects.filter(pk=current.pk, state=current.state).update(state=to)
        if not claimed:
            raise RoundTransitionRefused(_("The round changed while you were working on it."))
        moved = Round.objects.get(pk=current.pk)
        if to == R.CLOSED and moved.closes_at > now:
            moved.closes_at = now
        if to == R.OPEN and moved.opens_at > now:
            moved.opens_at = now
        moved._history_user = acting_user
        moved.save()
        RoundEvent.objects.create(
            round=moved, actor=acting_user, from_state=current.state, to_state=to, note=str(note)
        )
    return moved
