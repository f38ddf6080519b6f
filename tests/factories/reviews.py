"""Factories for panel review: assignments, reviews and scores."""

import factory
from django.utils import timezone

from criteria.enums import Recommendation, ReviewStatus
from criteria.models import Assignment, Review, Score
from pacesetter.enums import Role
from schemes.enums import ApplicationStatus
from tests.factories import ApplicationFactory, CriterionFactory, UserFactory


class ReviewerFactory(UserFactory):
    role = Role.REVIEWER


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    application = factory.SubFactory(ApplicationFactory, status=ApplicationStatus.SUBMITTED)
    reviewer = factory.SubFactory(ReviewerFactory)
    assigned_by = factory.SubFactory(UserFactory, role=Role.PROGRAMME_MANAGER, organisation=None)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    assignment = factory.SubFactory(AssignmentFactory)
    status = ReviewStatus.IN_PROGRESS

    class Params:
        submitted = factory.Trait(
            status=ReviewStatus.SUBMITTED,
            recommendation=Recommendation.FUND,
            submitted_at=factory.LazyFunction(timezone.now),
        )


class ScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(CriterionFactory)
    score = 3
    justification = factory.Faker("sentence")
