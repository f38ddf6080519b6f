from criteria.models.criteria_sets import (
    CriteriaSet,
    CriteriaSource,
    Criterion,
    CriterionGroup,
    ScalePoint,
)
from criteria.models.moderation import Moderation
from criteria.models.reviews import Assignment, ConflictOfInterest, Review, Score

__all__ = [
    "Assignment",
    "ConflictOfInterest",
    "CriteriaSet",
    "CriteriaSource",
    "Criterion",
    "CriterionGroup",
    "Moderation",
    "Review",
    "ScalePoint",
    "Score",
]
