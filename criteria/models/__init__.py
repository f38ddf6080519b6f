from criteria.models.criteria_sets import (
    CriteriaSet,
    CriteriaSource,
    Criterion,
    CriterionGroup,
    ScalePoint,
)
from criteria.models.moderation import Moderation
from criteria.models.packs import CommitteePaper, PackJob
from criteria.models.reviews import Assignment, ConflictOfInterest, Review, Score

__all__ = [
    "Assignment",
    "ConflictOfInterest",
    "CommitteePaper",
    "CriteriaSet",
    "CriteriaSource",
    "Criterion",
    "CriterionGroup",
    "Moderation",
    "PackJob",
    "Review",
    "ScalePoint",
    "Score",
]
