"""The panel chair's moderated (consensus) score on one criterion of one application.

A moderated score replaces the reviewers' aggregate as the criterion's final score (see
`criteria.domain.aggregation`); the reviewers' own scores are never changed. Every record and
change is kept in the moderation's history with the chair as its author.
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from criteria.models import Moderation, ScalePoint
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.enums import RANKED_STATUSES, RoundState

# Moderation settles the panel's scores before decisions; after that they stand as decided.
MODERATION_ROUND_STATES = (RoundState.IN_REVIEW,)
RATIONALE_MAX_LENGTH = 5000


def refusal(message, field=None):
    """A `Refused` whose message also belongs to the form's `field`, if one is named."""
    return Refused(message, errors={field: message} if field else None)


def _check(application, criterion, score, rationale):
    round = application.round
    if round.state not in MODERATION_ROUND_STATES:
        raise refusal(
            _("Scores can be moderated only while the round is in review. It is %(state)s.")
            % {"state": round.get_state_display().lower()}
        )
    if application.status not in RANKED_STATUSES:
        raise refusal(
            _("This application is %(status)s, so its scores cannot be moderated.")
            % {"status": application.get_status_display().lower()}
        )
    if criterion.criteria_set_id != round.criteria_set_id:
        raise refusal(_("That criterion is not one of this round’s criteria."))
    values = sorted(
        ScalePoint.objects.filter(criteria_set_id=round.criteria_set_id).values_list(
            "value", flat=True
        )
    )
    if score not in values:
        raise refusal(
            _("Choose a moderated score from %(low)s to %(high)s")
            % {"low": values[0] if values else 0, "high": values[-1] if values else 0},
            field="score",
        )
    if not rationale:
        raise refusal(_("Enter the rationale for the moderated score"), "rationale")
    if len(rationale) > RATIONALE_MAX_LENGTH:
        raise refusal(_("The rationale must be 5,000 characters or fewer"), field="rationale")


def moderation_record(*, application, criterion, score, rationale, acting_user):
    """Record (or change) the moderated score of `criterion` on `application`.

    Raises PermissionDenied unless `acting_user` chairs the round's panel and is not
    conflicted on the application, and Refused for a score off the set's scale, a
    missing rationale, a criterion of another set, or a round not in review; either way
    nothing changes. Writes a history row with `acting_user` as its author and one audit
    event, from the previous moderated score (blank for the first) to the new one.
    """
    if not can(acting_user, "criteria.moderate", application):
        raise PermissionDenied
    rationale = (rationale or "").strip()
    if isinstance(score, bool) or not isinstance(score, int):
        raise refusal(_("Choose a moderated score"), field="score")
    _check(application, criterion, score, rationale)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                moderation = Moderation.objects.filter(
                    application=application, criterion=criterion
                ).first() or Moderation(application=application, criterion=criterion)
                was = moderation.score if moderation.pk is not None else None
                moderation.score = score
                moderation.rationale = rationale
                moderation.moderated_by = acting_user
                moderation._history_user = acting_user
                moderation.save()
                audit_record(
                    AuditAction.MODERATION_RECORDED,
                    actor=acting_user,
                    obj=moderation,
                    from_state="" if was is None else str(was),
                    to_state=str(score),
                    reason=rationale,
                    details={"criterion": criterion.label},
                )
                return moderation
        except IntegrityError:  # recorded a moment ago by another request: change that one
            continue
    raise refusal(_("The portal is busy. Try again in a moment."))


def moderation_history(application):
    """Return every recorded moderation of `application`, newest first, with its author."""
    return (
        Moderation.history.filter(application_id=application.pk)
        .select_related("history_user", "criterion")
        .order_by("-history_date", "-history_id")
    )
