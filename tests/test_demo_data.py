"""Demo data: users in their roles, the seed applications, an always-open demo round."""

import datetime

import pytest
from django.utils import timezone

from criteria.demo import DEMO_USERS, load_demo_data
from pacesetter.enums import Role
from pacesetter.models import User
from schemes.models import Application, Round

pytestmark = pytest.mark.django_db


def test_demo_round_is_open_for_eight_weeks_from_the_moment_of_loading():
    now = timezone.now() + datetime.timedelta(days=3)

    demo_round = load_demo_data(now=now)

    assert demo_round.name == "Pacesetter 2027-29"
    assert demo_round.opens_at == now
    assert demo_round.closes_at == now + datetime.timedelta(weeks=8)
    assert demo_round.criteria_set.code == "2020-22"
    assert demo_round.question_set.code == "2020-22"
    assert demo_round.frameworks.count() == 4


def test_demo_round_is_open_now_after_loading():
    load_demo_data()

    assert [round.code for round in Round.objects.open_now()] == ["2027-29"]


def test_load_demo_data_twice_creates_nothing_twice():
    load_demo_data()
    load_demo_data()

    assert User.objects.count() == len(DEMO_USERS)
    assert Application.objects.count() == 2
    assert Round.objects.filter(code="2027-29").count() == 1


def test_demo_users_have_their_roles_and_organisations():
    people = {user.email: (user.role, user.organisation.code) for user in User.objects.all()}

    assert people["applicant.cav@example.org"] == (Role.APPLICANT, "CAV")
    assert people["applicant.hdd@example.org"] == (Role.APPLICANT, "HDD")
    assert people["applicant.pth@example.org"] == (Role.APPLICANT, "PTH")
    assert people["reviewer3@example.org"] == (Role.REVIEWER, "CAV")
    assert people["manager@example.org"] == (Role.PROGRAMME_MANAGER, "WG")
    assert User.objects.get(email="admin@example.org").is_superuser
    assert User.objects.filter(is_superuser=True).count() == 1
    assert Round.objects.get(code="2020-22").panel_chair.email == "chair@example.org"
