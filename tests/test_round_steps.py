"""The round page's panel steps: the journey's order and each step's status, counted exactly."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from criteria.domain.round_figures import bump_round_figures
from criteria.domain.round_steps import round_steps
from criteria.models import Assignment
from pacesetter.enums import Role
from schemes.enums import ApplicationStatus
from tests.factories import UserFactory
from tests.factories.panel import panel_application, panel_review, panel_reviewer, panel_round

pytestmark = pytest.mark.django_db


def manager():
    return UserFactory(role=Role.PROGRAMME_MANAGER)


def round_with_panel():
    """Two submitted applications and one approved; five reviews submitted of six live."""
    round, (criterion,) = panel_round(threshold=2)
    ann, bryn, cai = (panel_reviewer(full_name=name) for name in ("Ann", "Bryn", "Cai"))
    split, agreed = panel_application(round), panel_application(round)
    approved = panel_application(round, status=ApplicationStatus.APPROVED)
    panel_review(split, ann, {criterion: 5})
    panel_review(split, bryn, {criterion: 1})
    panel_review(agreed, ann, {criterion: 3})
    panel_review(agreed, bryn, {criterion: 3})
    panel_review(agreed, cai, {criterion: 2}, submitted=False)
    panel_review(approved, ann, {criterion: 4})
    withdrawn = panel_review(approved, cai, {criterion: 0}).assignment
    Assignment.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    return round


def test_round_steps_come_in_the_journeys_order_with_exact_counts():
    round = round_with_panel()

    steps = round_steps(round, manager())

    assert [(step.key, step.status) for step in steps] == [
        ("assign", "6 reviews assigned"),
        ("progress", "5 of 6 reviews submitted"),
        ("moderation", "1 application to moderate"),
        ("calibration", "2 reviewers have submitted reviews"),
        ("ranking", "3 applications ranked"),
        ("decisions", "1 of 3 applications decided"),
        ("feedback", "Feedback not released yet"),
        ("exports", "Spreadsheets, papers and charts of the round"),
    ]


def test_round_steps_say_when_feedback_was_released():
    round = round_with_panel()
    round.feedback_released_at = timezone.make_aware(datetime.datetime(2027, 3, 4, 17, 30))
    round.save(update_fields=["feedback_released_at"])

    steps = {step.key: step.status for step in round_steps(round, manager())}

    assert steps["feedback"] == "Feedback released on 4 March 2027"


def test_round_steps_are_none_for_an_applicant():
    round = round_with_panel()

    assert round_steps(round, UserFactory(role=Role.APPLICANT)) == []


def test_round_steps_queries_stay_flat_as_the_round_grows():
    round = round_with_panel()
    user = manager()
    bump_round_figures([round.pk])  # work the scores out afresh each time: the worst case
    round.refresh_from_db()
    with CaptureQueriesContext(connection) as small:
        round_steps(round, user)
    for _ in range(5):
        application = panel_application(round)
        for reviewer in (panel_reviewer(), panel_reviewer()):
            panel_review(application, reviewer, {round.criteria_set.criteria.get(): 2})
    bump_round_figures([round.pk])
    round.refresh_from_db()

    with CaptureQueriesContext(connection) as large:
        round_steps(round, user)

    assert len(large) == len(small)
