"""Small review panels built from real rows: a round with weighted criteria, reviews, scores."""

from decimal import Decimal

from django.utils import timezone

from criteria.domain.round_figures import bump_round_figures
from criteria.enums import Recommendation, ReviewStatus
from criteria.models import Assignment, Review, Score
from pacesetter.enums import Role
from schemes.enums import ApplicationStatus, RoundState, ScoreAggregation
from tests.factories import (
    ApplicationFactory,
    CriteriaSetFactory,
    CriterionFactory,
    RoundFactory,
    UserFactory,
)


def panel_round(
    weights=("1",),
    *,
    aggregation=ScoreAggregation.MEAN,
    threshold=2,
    state=RoundState.IN_REVIEW,
    chair=None,
):
    """Return a round in review on a new 0-5 criteria set, and its criteria labelled 1, 2, ...

    Criteria are created before the round, since a set a round uses cannot change.
    """
    criteria_set = CriteriaSetFactory()
    criteria = [
        CriterionFactory(
            criteria_set=criteria_set, position=index, label=str(index), weight=Decimal(weight)
        )
        for index, weight in enumerate(weights, start=1)
    ]
    round = RoundFactory(
        criteria_set=criteria_set,
        state=state,
        score_aggregation=aggregation,
        disagreement_threshold=threshold,
        panel_chair=chair,
    )
    return round, criteria


def panel_application(round, **kwargs):
    """A submitted application in `round` unless told otherwise."""
    return ApplicationFactory(round=round, **{"status": ApplicationStatus.SUBMITTED, **kwargs})


def panel_reviewer(**kwargs):
    return UserFactory(role=Role.REVIEWER, **kwargs)


def panel_review(application, reviewer, scores, *, submitted=True, assigned_by=None):
    """Give `reviewer` a review of `application` with `scores` ({criterion: score}).

    Submitted unless `submitted=False`, which leaves it a draft.
    """
    assignment = Assignment.objects.create(
        application=application,
        reviewer=reviewer,
        assigned_by=assigned_by or UserFactory(role=Role.PROGRAMME_MANAGER),
    )
    review = Review.objects.create(
        assignment=assignment,
        status=ReviewStatus.SUBMITTED if submitted else ReviewStatus.IN_PROGRESS,
        recommendation=Recommendation.FUND if submitted else "",
        submitted_at=timezone.now() if submitted else None,
    )
    Score.objects.bulk_create(
        Score(
            review=review,
            criterion=criterion,
            score=score,
            justification=f"Why {reviewer.full_name} gave {score} on {criterion.label}.",
        )
        for criterion, score in scores.items()
    )
    # A bulk insert sends no signal: move the round's figures version as a bulk path must.
    bump_round_figures([application.round_id])
    return review


def hand_checked_panel():
    """The panel `tests/test_aggregation.py` works out by hand, without its moderation.

    Criteria 1, 2 and 3 weighted 1, 2 and 0.5; Ann 4/2/5, Bryn 2/3/1 and Cai 3/2/4 submitted,
    Dai 0/0/0 a draft.
    """
    round, (one, two, three) = panel_round(weights=("1", "2", "0.5"))
    application = panel_application(round)
    ann, bryn, cai, dai = (
        panel_reviewer(full_name=name)
        for name in ("Ann Adams", "Bryn Bevan", "Cai Cole", "Dai Day")
    )
    reviews = {
        "ann": panel_review(application, ann, {one: 4, two: 2, three: 5}),
        "bryn": panel_review(application, bryn, {one: 2, two: 3, three: 1}),
        "cai": panel_review(application, cai, {one: 3, two: 2, three: 4}),
        "dai": panel_review(application, dai, {one: 0, two: 0, three: 0}, submitted=False),
    }
    return {
        "round": round,
        "application": application,
        "criteria": (one, two, three),
        "reviews": reviews,
        "reviewers": (ann, bryn, cai, dai),
    }
