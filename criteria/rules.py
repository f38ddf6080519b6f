"""Who may do what in panel review, the panel's scores, ranking, feedback and exports.

Each permission that has a scoped twin says so: reviewer pages start from
`Assignment.objects.for_reviewer(user)` (withdrawn and conflicted assignments left out) and
the panel's pages from `panel_applications(user)`; anyone a scoped queryset leaves out gets a
404 before any permission is asked. The tests check that each pair agrees for every role.
"""

import rules

from criteria.conflicts import conflicted_application_ids, is_conflicted
from criteria.enums import ReviewStatus
from pacesetter.rules import is_applicant, is_programme_manager, is_reviewer
from schemes.enums import DECIDED_STATUSES
from schemes.rules import belongs_to_applying_organisation

# Criteria sets

rules.add_perm("criteria.view_criteriaset", rules.is_authenticated)
rules.add_perm("criteria.change_criteria_set", is_programme_manager)

# Reviews


@rules.predicate
def holds_live_assignment(user, assignment):
    return (
        assignment is not None
        and assignment.reviewer_id == user.pk
        and assignment.withdrawn_at is None
        and not is_conflicted(user, assignment.application)
    )


@rules.predicate
def review_not_submitted(user, assignment):
    review = getattr(assignment, "review", None) if assignment is not None else None
    return review is None or review.status != ReviewStatus.SUBMITTED


@rules.predicate
def own_review_submitted(user, assignment):
    review = getattr(assignment, "review", None) if assignment is not None else None
    return review is not None and review.status == ReviewStatus.SUBMITTED


can_review = is_reviewer & holds_live_assignment
can_score = can_review & review_not_submitted
can_see_panel_scores = can_review & own_review_submitted

rules.add_perm("criteria.review_application", can_review)
rules.add_perm("criteria.score_application", can_score)
rules.add_perm("criteria.declare_conflict", can_review)
rules.add_perm("criteria.view_panel_scores", can_see_panel_scores)
rules.add_perm("criteria.assign_reviewers", is_programme_manager)
rules.add_perm("criteria.reopen_review", is_programme_manager)

# The panel's combined scores: the score matrix, moderation and calibration. The score pages
# name reviewers, so they are for programme managers and the round's panel chair only. A chair
# conflicted on an application never sees its scores: to them it does not exist (404), exactly
# as for a conflicted reviewer. Programme managers see everything but moderate only if a round
# names them its chair.


@rules.predicate
def chairs_round(user, round):
    """Whether `user` is the panel chair of `round`: the one test of chairing a round.

    (`pacesetter.rules.chairs_a_panel` asks something else: whether they chair any round.)
    """
    return bool(round is not None and user.is_authenticated and round.panel_chair_id == user.pk)


@rules.predicate
def chairs_applications_round(user, application):
    return application is not None and chairs_round(user, application.round)


@rules.predicate
def conflicted_on_application(user, application):
    return application is not None and is_conflicted(user, application)


chairs_without_conflict = chairs_applications_round & ~conflicted_on_application

rules.add_perm("criteria.view_score_matrix", is_programme_manager | chairs_without_conflict)
rules.add_perm("criteria.moderate", chairs_without_conflict)
rules.add_perm("criteria.view_calibration", is_programme_manager | chairs_round)
rules.add_perm("criteria.view_moderation_queue", is_programme_manager | chairs_round)


def panel_applications(user):
    """Applications whose panel scores `user` may see: the scoped twin of
    `criteria.view_score_matrix`. All for programme managers; those of the rounds they chair,
    less any they are conflicted on, for a chair; none otherwise."""
    from schemes.models import Application

    if not user.is_authenticated:
        return Application.objects.none()
    if is_programme_manager(user):
        return Application.objects.all()
    return Application.objects.filter(round__panel_chair=user).exclude(
        pk__in=conflicted_application_ids(user)
    )


# Ranking and feedback


@rules.predicate
def feedback_released(user, application):
    return application is not None and application.round.feedback_released_at is not None


@rules.predicate
def application_decided(user, application):
    return application is not None and application.status in DECIDED_STATUSES


can_view_ranking = is_programme_manager | chairs_round
# Programme managers may read an application's feedback before release, to check it.
can_view_feedback = is_programme_manager | (
    is_applicant & belongs_to_applying_organisation & feedback_released & application_decided
)

rules.add_perm("criteria.view_ranking", can_view_ranking)
rules.add_perm("criteria.view_feedback", can_view_feedback)
rules.add_perm("criteria.release_feedback", is_programme_manager)

# Exports: programme managers only, since the spreadsheets and the pack hold every
# organisation's money and every score.

rules.add_perm("criteria.export_round", is_programme_manager)
rules.add_perm("criteria.generate_pack", is_programme_manager)
