"""One visibility rule: every scoped queryset returns exactly what its twin rule allows.

For every role (the superuser with each role included, an inactive account and a signed-out
visitor), over every round, application and assignment in the test database: the demo data
and a few made here (a draft round, another board's application, a withdrawn one, a withdrawn
assignment, a conflicted one, a round chaired by a superuser). The superuser flag opens the
Django admin only; in the portal a superuser is whatever their role says.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from criteria.enums import ConflictKind
from criteria.models import Assignment, ConflictOfInterest
from criteria.rules import panel_applications
from pacesetter.enums import Role
from pacesetter.models import Organisation, User
from pacesetter.permissions import can
from schemes.enums import ApplicationStatus, RoundState
from schemes.models import Application, Round
from tests.factories import ApplicationFactory, RoundFactory, UserFactory
from tests.factories.reviews import AssignmentFactory

pytestmark = pytest.mark.django_db

DEMO_ROLES = {
    "applicant of board A": "applicant.cav@example.org",
    "applicant of board B": "applicant.hdd@example.org",
    "reviewer": "reviewer1@example.org",
    "reviewer employed by a board": "reviewer3@example.org",
    "reviewer who chairs a round": "chair@example.org",
    "programme manager": "manager@example.org",
    "superuser programme manager": "admin@example.org",
}

MADE_ROLES = [
    "applicant without organisation",
    "superuser applicant",
    "superuser applicant without organisation",
    "superuser reviewer",
    "superuser reviewer who chairs a round",
    "superuser without a role's organisation",
    "inactive applicant",
    "inactive reviewer",
    "inactive programme manager",
    "anonymous",
]

ROLES = [*DEMO_ROLES, *MADE_ROLES]


def superuser(**kwargs):
    return UserFactory(is_superuser=True, is_staff=True, **kwargs)


def make_user(role, boards):
    """The user for `role`; made with the factories unless the demo data has one."""
    if role in DEMO_ROLES:
        return User.objects.get(email=DEMO_ROLES[role])
    cav, welsh_government = boards["CAV"], boards["WG"]
    made = {
        "applicant without organisation": lambda: UserFactory(organisation=None),
        "superuser applicant": lambda: superuser(organisation=cav),
        "superuser applicant without organisation": lambda: superuser(organisation=None),
        "superuser reviewer": lambda: superuser(role=Role.REVIEWER, organisation=welsh_government),
        "superuser reviewer who chairs a round": lambda: superuser(
            role=Role.REVIEWER, organisation=welsh_government
        ),
        "superuser without a role's organisation": lambda: superuser(
            role=Role.PROGRAMME_MANAGER, organisation=None
        ),
        "inactive applicant": lambda: UserFactory(organisation=cav, is_active=False),
        "inactive reviewer": lambda: UserFactory(
            role=Role.REVIEWER, organisation=welsh_government, is_active=False
        ),
        "inactive programme manager": lambda: UserFactory(
            role=Role.PROGRAMME_MANAGER, organisation=welsh_government, is_active=False
        ),
        "anonymous": AnonymousUser,
    }
    return made[role]()


def add_edge_cases(user, boards):
    """Add records at the edges of each rule, some of them tied to `user`."""
    cav = boards["CAV"]
    draft_round = RoundFactory(state=RoundState.DRAFT)
    submitted_round = Round.objects.exclude(state=RoundState.DRAFT).first()
    ApplicationFactory(round=draft_round, organisation=cav)
    ApplicationFactory(round=submitted_round, status=ApplicationStatus.SUBMITTED)
    ApplicationFactory(round=submitted_round, organisation=cav, status=ApplicationStatus.WITHDRAWN)
    if not user.is_authenticated:
        return
    # A round `user` chairs, whatever their role, with one application from their own board.
    chaired = RoundFactory(state=RoundState.IN_REVIEW, panel_chair=user)
    own_board = ApplicationFactory(
        round=chaired,
        status=ApplicationStatus.SUBMITTED,
        **({"organisation": user.organisation} if user.organisation_id else {}),
    )
    other_board = ApplicationFactory(round=chaired, status=ApplicationStatus.SUBMITTED)
    declared = ApplicationFactory(round=chaired, status=ApplicationStatus.SUBMITTED)
    ConflictOfInterest.objects.create(
        reviewer=user, application=declared, kind=ConflictKind.PERSONAL
    )
    # Assignments to `user`: live, withdrawn, on their own board, on a declared conflict.
    AssignmentFactory(reviewer=user, application=other_board)
    AssignmentFactory(
        reviewer=user,
        application=ApplicationFactory(round=chaired, status=ApplicationStatus.SUBMITTED),
        withdrawn_at=timezone.now() - datetime.timedelta(days=1),
        withdrawn_reason="Reassigned",
    )
    AssignmentFactory(reviewer=user, application=own_board)
    AssignmentFactory(reviewer=user, application=declared)


@pytest.fixture
def boards(db):
    return {organisation.code: organisation for organisation in Organisation.objects.all()}


@pytest.fixture
def user_with_edge_cases(request, boards):
    user = make_user(request.param, boards)
    add_edge_cases(user, boards)
    return user


def assert_twins_agree(user, every, scoped, permission):
    """Every object in `every` is in `scoped` exactly when `permission` allows it."""
    in_queryset = set(scoped.values_list("pk", flat=True))
    allowed = {obj.pk for obj in every if can(user, permission, obj)}
    assert in_queryset == allowed


@pytest.mark.parametrize("user_with_edge_cases", ROLES, indirect=True)
def test_round_queryset_agrees_with_view_round_rule(user_with_edge_cases):
    user = user_with_edge_cases

    assert_twins_agree(
        user, Round.objects.all(), Round.objects.visible_to(user), "schemes.view_round"
    )


@pytest.mark.parametrize("user_with_edge_cases", ROLES, indirect=True)
def test_application_queryset_agrees_with_view_application_rule(user_with_edge_cases):
    user = user_with_edge_cases

    assert_twins_agree(
        user,
        Application.objects.select_related("round"),
        Application.objects.visible_to(user),
        "schemes.view_application",
    )


@pytest.mark.parametrize("user_with_edge_cases", ROLES, indirect=True)
def test_assignment_queryset_agrees_with_review_application_rule(user_with_edge_cases):
    user = user_with_edge_cases

    assert_twins_agree(
        user,
        Assignment.objects.select_related("application"),
        Assignment.objects.for_reviewer(user),
        "criteria.review_application",
    )


@pytest.mark.parametrize("user_with_edge_cases", ROLES, indirect=True)
def test_panel_applications_agree_with_view_score_matrix_rule(user_with_edge_cases):
    user = user_with_edge_cases

    assert_twins_agree(
        user,
        Application.objects.select_related("round"),
        panel_applications(user),
        "criteria.view_score_matrix",
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.APPLICANT, {"rounds": False, "applications": False, "assignments": 0}),
        (Role.REVIEWER, {"rounds": False, "applications": False, "assignments": 1}),
        (Role.PROGRAMME_MANAGER, {"rounds": True, "applications": True, "assignments": 0}),
    ],
)
def test_superuser_sees_in_the_portal_what_their_role_sees(boards, role, expected):
    user = superuser(role=role, organisation=boards["WG"])
    draft_round = RoundFactory(state=RoundState.DRAFT)
    other_board = ApplicationFactory(round=draft_round, status=ApplicationStatus.SUBMITTED)
    AssignmentFactory(reviewer=user, application=other_board)

    seen = {
        "rounds": Round.objects.visible_to(user).filter(pk=draft_round.pk).exists(),
        "applications": Application.objects.visible_to(user).filter(pk=other_board.pk).exists(),
        "assignments": Assignment.objects.for_reviewer(user).count(),
    }

    assert seen == expected
