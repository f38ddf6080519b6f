"""Funding decisions on a round's applications.

A decision changes the application's status only through `transition_application`, in the
same transaction as the `Decision` row. Approved and declined are final; deferred is not a
decision yet: a deferred application is approved or declined later, and until then the round
stays in review and its feedback cannot be released.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.money import format_pounds
from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.domain.applications import transition_application
from schemes.domain.rounds import round_transition
from schemes.enums import (
    AWAITING_DECISION_STATUSES,
    DECIDABLE_STATUSES,
    DECIDED_STATUSES,
    ApplicationStatus,
    DecisionOutcome,
    RoundState,
)
from schemes.models import Application, Decision, Round

S = ApplicationStatus

# A decision is recorded on an application in `DECIDABLE_STATUSES` (schemes.enums) ...
# ... in a round in one of these states (a closed round moves into review with it).
DECIDING_ROUND_STATES = (RoundState.CLOSED, RoundState.IN_REVIEW)


# What a programme manager is told about the approved amount, wherever it is checked.
AMOUNT_MISSING = gettext_lazy("Enter the approved amount in pounds and pence, like 488000.00")
AMOUNT_PRECISION = gettext_lazy(
    "Enter the approved amount with no more than 2 decimal places, like 488000.00"
)
AMOUNT_NOT_POSITIVE = gettext_lazy("The approved amount must be more than £0.00")


def as_amount(value):
    """Return `value` as a finite Decimal, or None if it is not a number at all."""
    if value is None or value == "":
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() else None


def decision_problems(
    application, *, outcome, approved_amount=None, reasons="", decided_on=None, today=None
):
    """Return what is wrong with a decision on `application`, as {field: message}.

    Approval needs an amount of more than £0.00, at most the amount requested and exact to
    the penny; a decline needs reasons; the date cannot be in the future.
    """
    problems = {}
    if outcome not in DecisionOutcome.values:
        problems["outcome"] = _("Choose approve, decline or defer")
        return problems
    if outcome == DecisionOutcome.DEFERRED and application.status == S.DEFERRED:
        problems["outcome"] = _("This application is already deferred: approve or decline it")
    if outcome == DecisionOutcome.APPROVED:
        requested = application.totals().requested
        amount = as_amount(approved_amount)
        if amount is None:
            problems["approved_amount"] = str(AMOUNT_MISSING)
        elif amount.normalize().as_tuple().exponent < -2:  # finer than a penny
            problems["approved_amount"] = str(AMOUNT_PRECISION)
        elif amount <= 0:
            problems["approved_amount"] = str(AMOUNT_NOT_POSITIVE)
        elif amount > requested:
            problems["approved_amount"] = _(
                "The approved amount must be no more than the %(requested)s requested"
            ) % {"requested": format_pounds(requested)}
    if outcome == DecisionOutcome.DECLINED and not str(reasons or "").strip():
        problems["reasons"] = _("Enter the reasons for declining the application")
    today = today or timezone.localdate()
    if decided_on is not None and decided_on > today:
        problems["decided_on"] = _("The date of the decision must be today or in the past")
    return problems


def decision_refusal(application):
    """Say why no decision can be recorded on `application` now, or return "" if one can."""
    if application.status in DECIDED_STATUSES:
        return _("This application has been decided, so its decision cannot be changed.")
    if application.status not in DECIDABLE_STATUSES:
        return _("Only a submitted application can be decided. This application is %(status)s.") % {
            "status": application.get_status_display().lower()
        }
    if application.round.state not in DECIDING_ROUND_STATES:
        return _("Decisions can be recorded only once the round has closed. It is %(state)s.") % {
            "state": application.round.get_state_display().lower()
        }
    return ""


def undecided_applications(round):
    """The round's applications that were submitted and have no final decision yet."""
    return Application.objects.filter(round=round, status__in=AWAITING_DECISION_STATUSES).order_by(
        "reference"
    )


def decide_round_if_complete(round, acting_user):
    """Move the round to decided once every submitted application is approved or declined."""
    current = Round.objects.get(pk=round.pk)
    if current.state not in DECIDING_ROUND_STATES:
        return
    if undecided_applications(current).exists():
        return
    if not Application.objects.filter(round=current, status__in=DECIDED_STATUSES).exists():
        return
    note = _("Every submitted application has a decision")
    if current.state == RoundState.CLOSED:
        current = round_transition(
            current, to=RoundState.IN_REVIEW, acting_user=acting_user, note=note
        )
    round_transition(current, to=RoundState.DECIDED, acting_user=acting_user, note=note)


def _start_review(round, acting_user):
    # Ask the database, not the object in hand: it may predate another decision.
    if Round.objects.filter(pk=round.pk, state=RoundState.CLOSED).exists():
        round_transition(
            round,
            to=RoundState.IN_REVIEW,
            acting_user=acting_user,
            note=_("Decisions started"),
        )


def _event_note(outcome, amount, conditions, reasons):
    if outcome == DecisionOutcome.APPROVED:
        note = _("Approved at %(amount)s") % {"amount": format_pounds(amount)}
        return f"{note}. {conditions}" if conditions else note
    return reasons


def decision_record(
    *,
    application,
    outcome,
    acting_user,
    approved_amount=None,
    conditions="",
    reasons="",
    decided_on=None,
):
    """Approve, decline or defer a submitted (or deferred) application; return the Decision.

    Writes the Decision and moves the application's status in one transaction, with
    `acting_user` in the history. Once every submitted application of the round is approved
    or declined the round moves to decided. Raises PermissionDenied for a user who may not
    decide, and Refused (with `errors` by field for bad input) when nothing changes. The
    application's move is the decision's one audit event: its reason says what was decided
    and its details hold the amount, conditions and reasons.
    """
    if not can(acting_user, "schemes.decide_application", application):
        raise PermissionDenied
    decided_on = decided_on or timezone.localdate()
    conditions = str(conditions or "").strip()
    reasons = str(reasons or "").strip()
    with transaction.atomic():
        current = (
            Application.objects.select_related("round")
            .prefetch_related("budget_lines", "other_funding")
            .get(pk=application.pk)
        )
        refusal = decision_refusal(current)
        if refusal:
            raise Refused(refusal)
        problems = decision_problems(
            current,
            outcome=outcome,
            approved_amount=approved_amount,
            reasons=reasons,
            decided_on=decided_on,
        )
        if problems:
            raise Refused(_("The decision has not been recorded."), errors=problems)
        approved = outcome == DecisionOutcome.APPROVED
        amount = as_amount(approved_amount) if approved else None
        _start_review(current.round, acting_user)
        transition_application(
            current,
            to=outcome,
            acting_user=acting_user,
            note=_event_note(outcome, amount, conditions, reasons),
            details={
                "approved_amount": str(amount) if amount is not None else None,
                "conditions": conditions if approved else "",
                "reasons": "" if approved else reasons,
                "decided_on": decided_on.isoformat(),
            },
        )
        decision = Decision.objects.filter(application=current).first() or Decision(
            application=current
        )
        decision.outcome = outcome
        decision.approved_amount = amount
        decision.conditions = conditions if approved else ""
        decision.reasons = "" if approved else reasons
        decision.decided_by = acting_user
        decision.decided_on = decided_on
        decision._history_user = acting_user
        decision.save()
        if outcome in DECIDED_STATUSES:
            decide_round_if_complete(current.round, acting_user)
    return decision


__all__ = [
    "decision_problems",
    "decision_refusal",
    "decision_record",
    "undecided_applications",
]
