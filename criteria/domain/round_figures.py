"""A round's worked-out figures, kept in the shared cache under the round's figures version.

The slowest part of the ranking page is working out a round's scores (`round_scores`) and the
money its applications ask for (`round_requested`) from every submitted score and budget
line. Both are kept in Django's cache (`caches["default"]`: local memory in development,
shared by every app server once it is Redis) under a key made of the round's id and its
`Round.figures_version`, which every write that can change them moves, in the same
transaction:

- scores, reviews, assignments, moderations, budget lines and applications saved or
  deleted (both rounds when an application moves between them): receivers here, on
  `post_save` and `post_delete`, connected in `CriteriaConfig.ready()`, so no write function
  has to remember it;
- bulk paths, which send no signals (`bulk_create`, the benchmark's synthetic programme), call
  `bump_round_figures` themselves.

Why this design. It replaces database triggers that added a row to one table for every write
and read the version as a `COUNT(*)` over that table: its cost grew with the life of the
database, a score in any round moved every round's version, each worker process kept its own
copy of the figures, and the triggers had to be dropped and made again around every migrate.
Here reading the version costs nothing (the page has loaded the round row), a write costs one
`UPDATE` of one round row by key, a round's figures move only with its own writes, and every
app server shares one copy. Storing each application's final score when its inputs are
written (and ranking with window functions) was the alternative: it would put the
aggregation's rules (moderation, mean or median, the percentage's scale) into every write
path and a backfill, where this keeps them in `criteria.domain.aggregation` alone.

How it stays right:

- The version moves by a random step (`F() + 1 ..`), inside the writing transaction. A
  rolled-back write takes its step back with it, and figures worked out inside that
  transaction sit under a version no committed write will ever reach. Rounds start at a random
  version too (`schemes.models.rounds.new_figures_version`), so a round made again with a
  reused id (a test database, a restored copy) never meets figures kept for the old one.
- Readers take the version from the round they were given and work the figures out after
  loading it, so kept figures are never older than their version. A round loaded before a
  write in the same request still names the older figures: load the round after the write.
- `Round.save()` never writes the version, so a form saving a round loaded earlier cannot
  carry an older version back.
- On PostgreSQL the bump holds the round row's lock until commit, so writes in one round
  commit one after another; they are short (one review's scores).

Known limit: a write that goes round the portal's write functions with raw SQL or a queryset
`.update()` sends no signal and does not move the version; until the next watched write or
`KEPT_FOR`, pages show the figures from before it. The write functions and the admin (read-only
for workflow fields) are the only writers; a script that writes in bulk calls
`bump_round_figures`.
"""

import logging
import secrets

from django.core.cache import caches
from django.db.models import F
from django.db.models.signals import post_delete, post_init, post_save, pre_save

# How long kept figures live in the cache: long enough for a panel meeting, short enough that
# a write made round the portal (see the known limit) shows by the next working day.
KEPT_FOR = 6 * 60 * 60
# A version's step: random so that no two transactions move a round to the same version.
STEP_BITS = 31
_UNKNOWN = object()

logger = logging.getLogger(__name__)


def bump_round_figures(round_ids):
    """Move the figures version of each round in `round_ids` (ids or a queryset of ids).

    Call inside the transaction that wrote; rolled back with it. One UPDATE.
    """
    from schemes.models import Round

    Round.objects.filter(pk__in=round_ids).update(
        figures_version=F("figures_version") + 1 + secrets.randbits(STEP_BITS)
    )


def kept(round, name, work_out):
    """Return `work_out()` as kept for `round` under its figures version; a fresh copy.

    `name` tells one kind of figure from another. The key holds the round's settings the
    figures depend on too, so changing the aggregation or threshold needs no bump; a round's
    criteria set cannot change once the round uses it. When the cache cannot be reached
    (Redis down), the figures are worked out every time and a warning is logged.
    """
    cache = caches["default"]
    key = ":".join(
        str(part)
        for part in (
            "round-figures",
            name,
            round.pk,
            round.figures_version,
            round.criteria_set_id,
            round.score_aggregation,
            round.disagreement_threshold,
        )
    )
    try:
        figures = cache.get(key)
    except Exception:  # the shared cache is down (any client's error): pages still work
        logger.warning("round figures: the cache could not be read", exc_info=True)
        return work_out()
    if figures is None:
        figures = work_out()
        try:
            cache.set(key, figures, KEPT_FOR)
        except Exception:  # as above: the figures are right, only not kept
            logger.warning("round figures: the cache could not be written", exc_info=True)
    return figures


# What each watched write moves --------------------------------------------------------------


def _applications():
    from schemes.models import Application

    return Application.objects.order_by()


def _rounds_of_score(score):
    return _applications().filter(review_assignments__review=score.review_id).values("round_id")


def _rounds_of_review(review):
    return _applications().filter(review_assignments=review.assignment_id).values("round_id")


def _rounds_of_application_child(instance):
    # Assignments, moderations and budget lines belong to one application.
    return _applications().filter(pk=instance.application_id).values("round_id")


def _watched():
    from criteria.models import Assignment, Moderation, Review, Score
    from schemes.models import BudgetLine

    return {
        Score: _rounds_of_score,
        Review: _rounds_of_review,
        Assignment: _rounds_of_application_child,
        Moderation: _rounds_of_application_child,
        BudgetLine: _rounds_of_application_child,
    }


def _child_written(sender, instance, **kwargs):
    bump_round_figures(_watched()[sender](instance))


def _application_seen(instance, **kwargs):
    # The round the application was in when loaded, without loading a deferred field.
    instance._figures_round_id = instance.__dict__.get("round_id", _UNKNOWN)


def _application_saving(sender, instance, **kwargs):
    if instance._state.adding or getattr(instance, "_figures_round_id", None) is not _UNKNOWN:
        return
    # Loaded with its round deferred: ask the database where it was before this save.
    instance._figures_round_id = (
        sender._default_manager.filter(pk=instance.pk).values_list("round_id", flat=True).first()
    )


def _application_saved(sender, instance, **kwargs):
    # Every save, not only a change seen here: the transition helper moves the status with a
    # conditional UPDATE, then saves a copy loaded after it.
    was = getattr(instance, "_figures_round_id", None)
    instance._figures_round_id = instance.round_id
    bump_round_figures({instance.round_id} | ({was} - {None, _UNKNOWN}))


def _application_deleted(sender, instance, **kwargs):
    bump_round_figures([instance.round_id])


def connect_receivers():
    """Connect the receivers that move a round's figures version; called once, by the app."""
    from schemes.models import Application

    for model in _watched():
        uid = f"round_figures.{model._meta.label_lower}"
        post_save.connect(_child_written, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_child_written, sender=model, dispatch_uid=f"{uid}.delete")
    uid = "round_figures.schemes.application"
    post_init.connect(_application_seen, sender=Application, dispatch_uid=f"{uid}.init")
    pre_save.connect(_application_saving, sender=Application, dispatch_uid=f"{uid}.pre_save")
    post_save.connect(_application_saved, sender=Application, dispatch_uid=f"{uid}.save")
    post_delete.connect(_application_deleted, sender=Application, dispatch_uid=f"{uid}.delete")
