"""Who may do what in panel review.

Reviewer pages start from `Assignment.objects.for_reviewer(user)`, which leaves out withdrawn
assignments and anything the reviewer is conflicted on; these permissions mirror it.
"""

import rules

from criteria.conflicts import is_conflicted
from criteria.enums import ReviewStatus
from pacesetter.rules import is_programme_manager, is_reviewer

rules.add_perm("criteria.view_criteriaset", rules.is_authenticated)


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
rules.add_perm("criteria.change_criteria_set", is_programme_manager)
# Registers the permissions for the score matrix and moderation, exports, ranking and feedback.
from criteria import decision_rules, export_rules, ranking_rules  # noqa: E402, F401
