"""Factories for real objects in tests (no mocks of our own code)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from criteria.models import CriteriaSet, Criterion, ScalePoint
from pacesetter.enums import OrganisationKind, Role
from pacesetter.models import Organisation, User
from schemes.enums import ApplicationStatus, BudgetCategory, RoundState
from schemes.models import (
    Answer,
    Application,
    BudgetLine,
    OtherFunding,
    Question,
    QuestionSet,
    Round,
    Section,
)

factory.Faker._DEFAULT_LOCALE = "en_GB"


def welsh(field):
    """A stand-in Welsh text for `field`: the content factories make is complete in both
    languages, as a round needs to open; a test of missing Welsh blanks it."""
    return factory.LazyAttribute(lambda obj: f"{getattr(obj, field)} (cy)")


PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Test University Health Board {n}")
    name_cy = factory.Sequence(lambda n: f"Bwrdd Iechyd Prifysgol Prawf {n}")
    kind = OrganisationKind.HEALTH_BOARD


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    role = Role.APPLICANT
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(PASSWORD)


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaSet
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"test-{n}")
    title = factory.Sequence(lambda n: f"Test criteria {n}")
    title_cy = welsh("title")

    @factory.post_generation
    def scale(obj, create, extracted, **kwargs):
        if create:
            for value in range(6):
                ScalePoint.objects.create(
                    criteria_set=obj,
                    value=value,
                    label_en=f"Point {value}",
                    label_cy=f"Pwynt {value}",
                )


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: str(n + 1))
    wording = factory.Faker("sentence")
    wording_cy = welsh("wording")
    weight = Decimal("1.00")


class QuestionSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionSet

    code = factory.Sequence(lambda n: f"form-{n}")
    name = factory.Sequence(lambda n: f"Test form {n}")
    name_cy = welsh("name")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    question_set = factory.SubFactory(QuestionSetFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Faker("sentence", nb_words=3)
    title_cy = welsh("title")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    number = factory.Sequence(lambda n: n + 1)
    label = factory.Faker("sentence")
    label_cy = welsh("label")


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    code = factory.Sequence(lambda n: f"{2030 + n}-{(31 + n) % 100:02d}")
    name = factory.Sequence(lambda n: f"Test round {n}")
    # Proper names stay as they are in Welsh.
    name_cy = factory.LazyAttribute(lambda round: round.name)
    state = RoundState.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    max_duration_months = 24
    criteria_set = factory.SubFactory(CriteriaSetFactory)
    question_set = factory.SubFactory(QuestionSetFactory)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    reference = factory.Sequence(lambda n: f"PS-TEST-{n:04d}")
    round = factory.SubFactory(RoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Faker("sentence", nb_words=5)
    status = ApplicationStatus.DRAFT


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    application = factory.SubFactory(ApplicationFactory)
    question = factory.SubFactory(QuestionFactory)
    text = factory.Faker("paragraph")


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    application = factory.SubFactory(ApplicationFactory)
    year = 1
    order = factory.Sequence(lambda n: n)
    category = BudgetCategory.STAFF
    description = factory.Faker("sentence", nb_words=4)
    amount = Decimal("1000.00")


class OtherFundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OtherFunding

    application = factory.SubFactory(ApplicationFactory)
    source = factory.Faker("company")
    amount = Decimal("500.00")
