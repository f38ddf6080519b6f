"""A round's life: draft -> open -> closed -> in review -> decided -> archived.

Every change of state goes through `round_transition`, which holds the table of allowed
moves and passes it to `pacesetter.transitions.transition` (one transaction, one audit event).
A round opens only when everything it offers is in Welsh and English
(`schemes.domain.translation_status.round_untranslated`).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.enums import AuditAction
from pacesetter.transitions import Move, Refused, transition
from schemes.domain.translation_status import round_untranslated, round_untranslated_message
from schemes.enums import RoundState
from schemes.models import Round

R = RoundState

# (from, to) -> the move a programme manager may make, and the audit action it writes.
ROUND_TRANSITIONS = {
    (R.DRAFT, R.OPEN): Move("schemes.manage_round", AuditAction.ROUND_OPENED),
    (R.OPEN, R.CLOSED): Move("schemes.manage_round", AuditAction.ROUND_CLOSED),
    (R.CLOSED, R.IN_REVIEW): Move("schemes.manage_round", AuditAction.ROUND_REVIEW_STARTED),
    (R.IN_REVIEW, R.DECIDED): Move("schemes.manage_round", AuditAction.ROUND_DECIDED),
    (R.DECIDED, R.ARCHIVED): Move("schemes.manage_round", AuditAction.ROUND_ARCHIVED),
}


def _refused_message(current, to):
    return _("The round is %(state)s, so it cannot be moved to %(to)s.") % {
        "state": current.get_state_display().lower(),
        "to": R(to).label.lower(),
    }


def round_transition(round, *, to, acting_user, note="", now=None):
    """Move `round` to state `to`, recording who, when and why in one audit event.

    Closing a round before its closing time brings the closing time forward to now, and
    opening it before its opening time brings that forward, so the times and the state
    agree. Raises Refused for a move the table does not allow, and for opening a round
    whose texts, criteria set, question set or frameworks lack Welsh or English (naming
    what lacks it), and PermissionDenied for a user who may not manage rounds; nothing
    changes then.
    """
    now = now or timezone.now()
    with transaction.atomic():
        current = Round.objects.get(pk=round.pk)
        changes = {}
        if to == R.CLOSED and current.closes_at > now:
            changes["closes_at"] = now
        if to == R.OPEN and current.opens_at > now:
            changes["opens_at"] = now
        if to == R.OPEN and (current.state, to) in ROUND_TRANSITIONS:
            untranslated = round_untranslated_message(round_untranslated(current))
            if untranslated:
                raise Refused(untranslated)
        return transition(
            round,
            to=to,
            moves=ROUND_TRANSITIONS,
            acting_user=acting_user,
            state_field="state",
            reason=str(note),
            changes=changes,
            refused_message=_refused_message,
            changed_message=_("The round changed while you were working on it."),
        )
