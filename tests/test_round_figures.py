"""A round's figures are kept under its figures version, which every watched write moves.

The panel is the hand-checked one of `test_aggregation` (criteria weighted 1, 2 and 0.5;
Ann 4/2/5, Bryn 2/3/1, Cai 3/2/4 submitted, Dai 0/0/0 a draft): its final total with the
mean is 3 + 2 x 7/3 + 0.5 x 10/3 = 9.33. Each test reads the figures as a page does, from the
round loaded afresh, writes as the portal's write functions do (a model's save or delete),
and checks the figures that come back against the ones worked out with nothing kept.
"""

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from criteria.demo.benchmark import Sizes, _populate
from criteria.domain.aggregation import round_scores, shown
from criteria.domain.ranking import round_requested
from criteria.domain.round_figures import bump_round_figures
from criteria.enums import ReviewStatus
from criteria.models import Assignment, Moderation, Score
from pacesetter.enums import Role
from schemes.domain.round_setup import shares_total
from schemes.enums import ApplicationStatus, BudgetCategory
from schemes.models import Application, BudgetLine, IndicativeShare, Round
from tests.factories import BudgetLineFactory, OrganisationFactory, RoundFactory, UserFactory
from tests.factories.panel import (
    hand_checked_panel,
    panel_application,
    panel_review,
    panel_reviewer,
    panel_round,
)

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def panel():
    """The hand-checked panel of the module docstring, with £1,000.00 requested."""
    panel = hand_checked_panel()
    BudgetLineFactory(application=panel["application"], amount=D("1000.00"))
    return panel


def fresh(round):
    """The round as a page loads it."""
    return Round.objects.get(pk=round.pk)


def version(round):
    return fresh(round).figures_version


def figures(round):
    """(final total, amount requested) of every ranked application, as kept."""
    round = fresh(round)
    scores = round_scores(round)
    requested = round_requested(round)
    return {
        pk: (shown(scores[pk].final_total) if pk in scores else None, requested.get(pk))
        for pk in set(scores) | set(requested)
    }


def worked_out_afresh(round):
    caches["default"].clear()
    return figures(round)


def count_queries(function, round):
    round = fresh(round)
    with CaptureQueriesContext(connection) as queries:
        function(round)
    return len(queries)


class Rollback(Exception):
    pass


class StatementRunner:
    connection = connection

    def execute(self, statement):
        with connection.cursor() as cursor:
            cursor.execute(statement)


# What is kept ---------------------------------------------------------------------------------


def test_kept_figures_cost_no_query_until_a_write(panel):
    round = panel["round"]

    assert [count_queries(round_scores, round) for _ in range(3)] == [6, 0, 0]
    assert [count_queries(round_requested, round) for _ in range(3)] == [2, 0, 0]

    score = Score.objects.get(review=panel["reviews"]["ann"], criterion=panel["criteria"][0])
    score.score = 5
    score.save()

    assert [count_queries(round_scores, round) for _ in range(2)] == [6, 0]
    assert [count_queries(round_requested, round) for _ in range(2)] == [2, 0]


def test_a_score_in_one_round_moves_that_rounds_figures_only(panel):
    other_round, (criterion,) = panel_round(weights=("1",))
    other = panel_application(other_round)
    panel_review(other, panel_reviewer(), {criterion: 4})
    assert figures(panel["round"])[panel["application"].pk] == (D("9.33"), D("1000.00"))
    assert figures(other_round)[other.pk] == (D("4.00"), None)
    versions = (version(panel["round"]), version(other_round))

    score = Score.objects.get(review=panel["reviews"]["ann"], criterion=panel["criteria"][0])
    score.score = 5
    score.save()

    assert version(panel["round"]) != versions[0]
    assert version(other_round) == versions[1]
    # Criterion 1: (5 + 2 + 3) / 3 = 10/3; total 10/3 + 14/3 + 5/3 = 9.67.
    assert figures(panel["round"])[panel["application"].pk] == (D("9.67"), D("1000.00"))
    assert count_queries(round_scores, other_round) == 0


def test_a_rolled_back_write_leaves_the_version_and_the_figures_as_they_were(panel):
    before = version(panel["round"])
    score = Score.objects.get(review=panel["reviews"]["ann"], criterion=panel["criteria"][0])

    with pytest.raises(Rollback), transaction.atomic():
        score.score = 5
        score.save()
        assert version(panel["round"]) != before
        # Worked out and kept inside the transaction that is about to roll back.
        assert figures(panel["round"])[panel["application"].pk] == (D("9.67"), D("1000.00"))
        raise Rollback

    assert version(panel["round"]) == before
    assert figures(panel["round"])[panel["application"].pk] == (D("9.33"), D("1000.00"))


def test_figures_kept_inside_a_rolled_back_write_never_come_back(panel):
    score = Score.objects.get(review=panel["reviews"]["ann"], criterion=panel["criteria"][0])
    with pytest.raises(Rollback), transaction.atomic():
        score.score = 5
        score.save()
        figures(panel["round"])
        raise Rollback

    # The same write once more, committed this time, then a different one.
    score = Score.objects.get(pk=score.pk)
    score.score = 0
    score.save()

    # Criterion 1: (0 + 2 + 3) / 3 = 5/3; total 5/3 + 14/3 + 5/3 = 8.
    assert figures(panel["round"])[panel["application"].pk] == (D("8.00"), D("1000.00"))


def test_a_round_saved_from_an_older_copy_keeps_the_newer_version(panel):
    stale = fresh(panel["round"])
    score = Score.objects.get(review=panel["reviews"]["ann"], criterion=panel["criteria"][0])
    score.score = 5
    score.save()
    moved = version(panel["round"])

    stale.name = "Renamed round"
    stale.save()

    assert (fresh(panel["round"]).name, version(panel["round"])) == ("Renamed round", moved)


# Every watched write moves the figures ------------------------------------------------------


def change_score(panel):
    score = Score.objects.get(review=panel["reviews"]["bryn"], criterion=panel["criteria"][1])
    score.score = 5
    score.save()


def reopen_review(panel):
    review = panel["reviews"]["cai"]
    review.status = ReviewStatus.IN_PROGRESS
    review.save()


def submit_draft(panel):
    review = panel["reviews"]["dai"]
    review.status = ReviewStatus.SUBMITTED
    review.save()


def withdraw_assignment(panel):
    assignment = Assignment.objects.get(review=panel["reviews"]["ann"])
    assignment.withdrawn_at = timezone.now()
    assignment.save()


def moderate(panel):
    Moderation.objects.create(
        application=panel["application"],
        criterion=panel["criteria"][2],
        score=0,
        rationale="Agreed at the panel meeting.",
        moderated_by=UserFactory(),
    )


def remove_moderation(panel):
    moderate(panel)
    figures(panel["round"])  # kept with the moderation
    Moderation.objects.get(application=panel["application"]).delete()


def add_budget_line(panel):
    BudgetLineFactory(application=panel["application"], amount=D("234.56"))


def change_budget_line(panel):
    line = BudgetLine.objects.get(application=panel["application"])
    line.amount = D("999.99")
    line.save()


def delete_budget_line(panel):
    BudgetLine.objects.get(application=panel["application"]).delete()


def withdraw_application(panel):
    application = Application.objects.get(pk=panel["application"].pk)
    application.status = ApplicationStatus.WITHDRAWN
    application.save()


def add_application(panel):
    BudgetLineFactory(application=panel_application(panel["round"]), amount=D("5.00"))


# Each write, and the application's final total and amount requested after it, by hand:
# Bryn's criterion 2 at 5 makes it 3, total 3 + 6 + 5/3; without Cai 3 + 5 + 1.5; with Dai's
# zeros 9/4 + 7/2 + 5/4; without Ann 2.5 + 5 + 1.25; criterion 3 moderated to 0, 3 + 14/3.
WRITES = {
    "score": (change_score, D("10.67"), D("1000.00")),
    "review reopened": (reopen_review, D("9.50"), D("1000.00")),
    "draft submitted": (submit_draft, D("7.00"), D("1000.00")),
    "assignment withdrawn": (withdraw_assignment, D("8.75"), D("1000.00")),
    "moderation made": (moderate, D("7.67"), D("1000.00")),
    "moderation removed": (remove_moderation, D("9.33"), D("1000.00")),
    "budget line added": (add_budget_line, D("9.33"), D("1234.56")),
    "budget line changed": (change_budget_line, D("9.33"), D("999.99")),
    "budget line deleted": (delete_budget_line, D("9.33"), None),
    "application withdrawn": (withdraw_application, None, None),
}


@pytest.mark.parametrize("kind", WRITES)
def test_figures_follow_every_watched_write(panel, kind):
    write, final_total, requested = WRITES[kind]
    application = panel["application"].pk
    assert figures(panel["round"])[application] == (D("9.33"), D("1000.00"))
    before = version(panel["round"])

    write(panel)

    assert version(panel["round"]) != before
    kept = figures(panel["round"])
    # Worked out by hand from the changed inputs, and again with nothing kept.
    assert kept.get(application, (None, None)) == (final_total, requested)
    assert kept == worked_out_afresh(panel["round"])


def test_a_new_application_moves_its_rounds_figures(panel):
    figures(panel["round"])

    add_application(panel)

    assert sorted(requested for _total, requested in figures(panel["round"]).values()) == [
        D("5.00"),
        D("1000.00"),
    ]


def test_an_application_moved_between_rounds_moves_both(panel):
    other_round, _criteria = panel_round(weights=("1", "2", "0.5"))
    assert figures(other_round) == {}
    assert panel["application"].pk in figures(panel["round"])
    versions = (version(panel["round"]), version(other_round))

    application = Application.objects.get(pk=panel["application"].pk)
    application.round = other_round
    application.save()

    assert version(panel["round"]) != versions[0]
    assert version(other_round) != versions[1]
    assert figures(panel["round"]) == {}
    # Its reviews scored the first round's criteria, which the other round's set lacks.
    assert figures(other_round) == {application.pk: (D("0.00"), D("1000.00"))}


def test_an_application_deleted_leaves_its_rounds_figures(panel):
    other = panel_application(panel["round"])
    assert other.pk in figures(panel["round"])

    Application.objects.get(pk=other.pk).delete()

    assert other.pk not in figures(panel["round"])


# Round money ---------------------------------------------------------------------------------


def test_a_rounds_shares_total_is_pounds_and_pence_with_or_without_shares():
    round = RoundFactory()
    nothing = round.shares_total()
    IndicativeShare.objects.create(
        round=round, organisation=OrganisationFactory(), amount=D("1000.10")
    )
    IndicativeShare.objects.create(
        round=round, organisation=OrganisationFactory(), amount=D("234.45")
    )

    # Decimal to the penny, never the integer 0 round set-up used to get.
    assert (str(nothing), str(round.shares_total())) == ("0.00", "1234.55")
    assert str(shares_total(round)) == "1234.55"


# Bulk paths ---------------------------------------------------------------------------------


def test_a_bulk_insert_alone_leaves_the_version_and_bump_round_figures_moves_it(panel):
    """The known limit: bulk writes send no signal, so bulk paths bump themselves."""
    before = version(panel["round"])
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                application=panel["application"],
                year=2,
                order=9,
                category=BudgetCategory.STAFF,
                amount=D("0.01"),
            )
        ]
    )
    assert version(panel["round"]) == before

    bump_round_figures([panel["round"].pk])

    assert version(panel["round"]) != before
    assert figures(panel["round"])[panel["application"].pk] == (D("9.33"), D("1000.01"))


def test_the_benchmarks_bulk_load_moves_its_rounds_figures():
    template = Round.objects.get(code="2020-22")
    round = RoundFactory(
        criteria_set=template.criteria_set, question_set=template.question_set, code="2090-91"
    )
    assert figures(round) == {}
    before = version(round)

    _populate(
        rounds=[round],
        count=2,
        start=0,
        boards=[OrganisationFactory()],
        reviewers=[panel_reviewer()],
        manager=UserFactory(role=Role.PROGRAMME_MANAGER),
        question_set=template.question_set,
        template=template,
        sizes=Sizes(reviewers=1, reviews_per_application=1, budget_lines=1),
        now=timezone.now(),
    )

    assert version(round) != before
    # One staff line of 10 x £325.00 each.
    assert sorted(requested for _total, requested in figures(round).values()) == [
        D("3250.00"),
        D("3250.00"),
    ]


# The old triggers ---------------------------------------------------------------------------


def test_the_migration_drops_the_old_ranking_triggers():
    """A database made before the change still has the triggers: the migration drops them."""
    if connection.vendor != "sqlite":
        pytest.skip("the trigger below is written in SQLite's dialect")
    migration = MigrationExecutor(connection).loader.get_migration(
        "criteria", "0007_delete_ranking_change"
    )
    drop_triggers = migration.operations[0].code
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TRIGGER "criteria_rankingchange_on_criteria_score_insert" '
            'AFTER INSERT ON "criteria_score" BEGIN SELECT 1; END'
        )

    # The migration's own function, given what it uses of a schema editor: SQLite's refuses
    # to open inside the test's transaction.
    drop_triggers(None, StatementRunner())

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            ["criteria_rankingchange_on_%"],
        )
        assert cursor.fetchall() == []
