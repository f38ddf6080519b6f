"""The one way a record changes state: a table of allowed moves, a claim, an audit event.

Every workflow (applications, rounds, reviews, and every later one) describes its moves as a
table from (from, to) to a `Move` and calls `transition()`. The helper runs in a
transaction, refuses a move the table lacks, asks the portal's rules whether the acting user
may make it, claims the move with a conditional UPDATE (of two simultaneous requests, a
double click say, only one matches), saves the further changes with the acting user in the
record's history, writes one audit event and sends mail once the transaction commits.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from pacesetter.audit import audit_record
from pacesetter.permissions import can


class Refused(Exception):  # noqa: N818 - a domain outcome shown to the user
    """The portal will not do this; `message` says why, for the person who asked.

    `errors` maps a form field's name to its own message, where the refusal is about input.
    Nothing has changed when it is raised.
    """

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


@dataclass(frozen=True)
class Move:
    """One allowed move: the permission it needs and the audit action it writes.

    `subject` picks what the permission is asked of (default: the record itself), e.g. a
    review's assignment.
    """

    permission: str
    action: str
    subject: Callable | None = None


def transition(
    obj,
    *,
    to,
    moves,
    acting_user,
    state_field="status",
    reason="",
    changes=None,
    details=None,
    mail=None,
    refused_message=None,
    changed_message=None,
    select_related=(),
):
    """Move `obj` to state `to` if `moves` allows it; return the moved record, fresh.

    `moves` maps (from, to) to a `Move`. `changes` are further fields set in the same save;
    `mail(moved)` is called once the transaction commits. Raises `Refused` (with
    `refused_message(current, to)` if given) for a move the table lacks, including a repeat
    of a move just made, and for a record that changed meanwhile (`changed_message`); raises
    PermissionDenied for a user who may not make the move. Nothing changes in either case.
    """
    model = type(obj)
    manager = model._default_manager
    with transaction.atomic():
        current = manager.select_related(*select_related).get(pk=obj.pk)
        was = getattr(current, state_field)
        move = moves.get((was, to))
        if move is None:
            raise Refused(
                refused_message(current, to)
                if refused_message
                else _("This cannot be done now: it has already changed.")
            )
        subject = move.subject(current) if move.subject else current
        if not can(acting_user, move.permission, subject):
            raise PermissionDenied
        claim = {state_field: to}
        if any(field.name == "version" for field in model._meta.concrete_fields):
            claim["version"] = F("version") + 1
        claimed = manager.filter(pk=current.pk, **{state_field: was}).update(**claim)
        if not claimed:
            raise Refused(changed_message or _("This changed while you were working on it."))
        moved = manager.select_related(*select_related).get(pk=current.pk)
        for field, value in (changes or {}).items():
            setattr(moved, field, value)
        moved._history_user = acting_user
        moved.save()
        audit_record(
            move.action,
            actor=acting_user,
            obj=moved,
            from_state=was,
            to_state=to,
            reason=reason,
            details=details,
        )
        if mail:
            transaction.on_commit(lambda: mail(moved))
    return moved
