"""Who may see the panel's combined scores, moderate them and read reviewer calibration.

The score pages name reviewers, so they are for programme managers and the round's panel
chair only. A chair conflicted on an application never sees its scores: to them it does not
exist (404), exactly as for a conflicted reviewer. Programme managers see everything but
moderate only if a round names them its chair. `panel_applications` is the scoped twin of
`criteria.view_score_matrix`: anyone it leaves out gets a 404 before any permission is asked.
"""

import rules

from criteria.conflicts import conflicted_application_ids, is_conflicted
from pacesetter.rules import is_programme_manager


@rules.predicate
def chairs_round(user, round):
    return round is not None and user.is_authenticated and round.panel_chair_id == user.pk


@rules.predicate
def chairs_applications_round(user, application):
    return (
        application is not None
        and user.is_authenticated
        and application.round.panel_chair_id == user.pk
    )


@rules.predicate
def conflicted_on_application(user, application):
    return application is not None and is_conflicted(user, application)


chairs_without_conflict = chairs_applications_round & ~conflicted_on_application

rules.add_perm("criteria.view_score_matrix", is_programme_manager | chairs_without_conflict)
rules.add_perm("criteria.moderate", chairs_without_conflict)
rules.add_perm("criteria.view_calibration", is_programme_manager | chairs_round)
rules.add_perm("criteria.view_moderation_queue", is_programme_manager | chairs_round)


def panel_applications(user):
    """Applications whose panel scores `user` may see: all for programme managers; those
    of the rounds they chair, less any they are conflicted on, for a chair; none otherwise."""
    from schemes.models import Application

    if not user.is_authenticated:
        return Application.objects.none()
    if is_programme_manager(user):
        return Application.objects.all()
    return Application.objects.filter(round__panel_chair=user).exclude(
        pk__in=conflicted_application_ids(user)
    )
