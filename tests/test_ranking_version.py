"""A round's figures are kept between requests only while the database says nothing moved them.

The panel is the hand-checked one of `test_aggregation` (criteria weighted 1, 2 and 0.5;
Ann 4/2/5, Bryn 2/3/1, Cai 3/2/4 submitted, Dai 0/0/0 a draft): its final total with the
mean is 3 + 2 x 7/3 + 0.5 x 10/3 = 9.33. Every test below works its figures out once, then
writes by some path the portal's code does not go through (a queryset `update()`, a bulk
load, raw SQL, a rolled-back transaction) and checks the figures follow, by hand.
"""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from criteria.domain import ranking_version
from criteria.domain.aggregation import round_scores, shown
from criteria.domain.ranking import round_requested
from criteria.enums import ReviewStatus
from criteria.models import Assignment, Moderation, Review, Score
from schemes.enums import ApplicationStatus
from schemes.models import Application, BudgetLine
from tests.factories import BudgetLineFactory, UserFactory
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
    """The hand-checked panel of the module docstring, without the moderation."""
    return hand_checked_panel()


def final_total(panel):
    score = round_scores(panel["round"]).get(panel["application"].pk)
    return None if score is None else shown(score.final_total)


def count_queries(function, *args):
    with CaptureQueriesContext(connection) as queries:
        function(*args)
    return len(queries)


class Rollback(Exception):
    pass


# The triggers --------------------------------------------------------------------------------


def test_every_watched_table_has_its_triggers():
    assert ranking_version.installed_triggers() == ranking_version.expected_triggers(
        connection.vendor
    )


def drop_trigger(name):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f'DROP TRIGGER "{name}"')
        else:
            table = name.removeprefix(ranking_version.PREFIX).removesuffix("_update")
            cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')


def test_a_trigger_lost_with_a_rebuilt_table_comes_back_after_the_next_migrate():
    """SQLite drops a table's triggers when a migration rebuilds the table."""
    from django.core.management.sql import emit_post_migrate_signal

    name = sorted(ranking_version.expected_triggers(connection.vendor))[0]
    drop_trigger(name)
    assert name not in ranking_version.installed_triggers()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert ranking_version.installed_triggers() == ranking_version.expected_triggers(
        connection.vendor
    )


def test_migrations_run_without_the_triggers_and_the_version_moves_after_them():
    from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal

    before = ranking_version.ranking_version()
    emit_pre_migrate_signal(verbosity=0, interactive=False, db="default")
    assert ranking_version.installed_triggers() == set()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert ranking_version.installed_triggers() == ranking_version.expected_triggers(
        connection.vendor
    )
    # Whatever the migrations wrote, figures kept from before them are not used again.
    assert ranking_version.ranking_version() != before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite rebuilds tables to alter them")
def test_a_migration_can_rebuild_the_ranking_change_table_on_sqlite():
    """As Django's SQLite schema editor alters a table: copy, drop, rename the copy."""
    ranking_version.remove_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE "new__criteria_rankingchange" ("id" integer NOT NULL PRIMARY KEY '
            'AUTOINCREMENT, "token" varchar(32) NOT NULL)'
        )
        cursor.execute(
            'INSERT INTO "new__criteria_rankingchange" (id, token) '
            'SELECT id, token FROM "criteria_rankingchange"'
        )
        cursor.execute('DROP TABLE "criteria_rankingchange"')
        cursor.execute(
            'ALTER TABLE "new__criteria_rankingchange" RENAME TO "criteria_rankingchange"'
        )
    ranking_version.install_triggers()

    assert ranking_version.installed_triggers() == ranking_version.expected_triggers("sqlite")


def test_installing_the_triggers_again_changes_nothing():
    ranking_version.install_triggers()
    ranking_version.install_triggers()

    assert ranking_version.installed_triggers() == ranking_version.expected_triggers(
        connection.vendor
    )


# Writes the portal's code does not go through move the figures -------------------------------


def test_figures_follow_a_queryset_update_of_a_score(panel):
    assert final_total(panel) == D("9.33")
    Score.objects.filter(review=panel["reviews"]["ann"], criterion=panel["criteria"][0]).update(
        score=5
    )
    # Criterion 1: (5 + 2 + 3) / 3 = 10/3; total 10/3 + 14/3 + 5/3 = 29/3.
    assert final_total(panel) == D("9.67")


def test_figures_follow_raw_sql(panel):
    assert final_total(panel) == D("9.33")
    score = Score.objects.get(review=panel["reviews"]["ann"], criterion=panel["criteria"][0])
    table = connection.ops.quote_name(Score._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET score = 5 WHERE id = %s", [score.pk])  # noqa: S608
    assert final_total(panel) == D("9.67")


def test_figures_follow_deleted_and_bulk_loaded_scores(panel):
    assert final_total(panel) == D("9.33")
    ann = panel["reviews"]["ann"]
    Score.objects.filter(review=ann, criterion=panel["criteria"][0]).delete()
    # Criterion 1: (2 + 3) / 2 = 2.5; total 2.5 + 14/3 + 5/3.
    assert final_total(panel) == D("8.83")

    Score.objects.filter(review=ann).delete()
    Score.objects.bulk_create(
        Score(review=ann, criterion=criterion, score=5, justification="")
        for criterion in panel["criteria"]
    )
    # 10/3 + 2 x 10/3 + 0.5 x 10/3 = 35/3.
    assert final_total(panel) == D("11.67")


def test_figures_follow_a_review_submitted_behind_the_portals_back(panel):
    assert final_total(panel) == D("9.33")
    Review.objects.filter(pk=panel["reviews"]["dai"].pk).update(status=ReviewStatus.SUBMITTED)
    # Dai's zeros count: 9/4 + 2 x 7/4 + 0.5 x 10/4 = 7.
    assert final_total(panel) == D("7.00")


def test_figures_follow_a_withdrawn_assignment(panel):
    assert final_total(panel) == D("9.33")
    Assignment.objects.filter(pk=panel["reviews"]["bryn"].assignment_id).update(
        withdrawn_at=timezone.now()
    )
    # Without Bryn: 3.5 + 2 x 2 + 0.5 x 4.5.
    assert final_total(panel) == D("9.75")


def test_figures_follow_a_moderation_made_and_removed(panel):
    assert final_total(panel) == D("9.33")
    moderation = Moderation.objects.create(
        application=panel["application"],
        criterion=panel["criteria"][2],
        score=3,
        rationale="Agreed at the panel meeting.",
        moderated_by=UserFactory(),
    )
    assert final_total(panel) == D("9.17")
    Moderation.objects.filter(pk=moderation.pk).delete()
    assert final_total(panel) == D("9.33")


def test_figures_follow_an_application_withdrawn_by_update(panel):
    assert final_total(panel) == D("9.33")
    Application.objects.filter(pk=panel["application"].pk).update(
        status=ApplicationStatus.WITHDRAWN
    )
    assert final_total(panel) is None


def test_an_applications_other_fields_leave_the_version_alone(panel):
    before = ranking_version.ranking_version()
    Application.objects.filter(pk=panel["application"].pk).update(title="A new title")
    assert ranking_version.ranking_version() == before

    Application.objects.filter(pk=panel["application"].pk).update(
        status=ApplicationStatus.CLARIFICATION
    )
    assert ranking_version.ranking_version() != before


def test_figures_worked_out_inside_a_rolled_back_transaction_are_not_kept(panel):
    """SQLite reuses a rolled-back row's id; the row's random token still differs."""
    assert final_total(panel) == D("9.33")
    ann, one = panel["reviews"]["ann"], panel["criteria"][0]
    with pytest.raises(Rollback), transaction.atomic():
        Score.objects.filter(review=ann, criterion=one).update(score=5)
        assert final_total(panel) == D("9.67")
        raise Rollback

    # A write of the same size as the one rolled back (one statement, one row), with no read
    # in between: on SQLite the version's count and newest id are those seen inside.
    Score.objects.filter(review=ann, criterion=one).update(score=0)
    # Criterion 1: (0 + 2 + 3) / 3 = 5/3; total 5/3 + 14/3 + 5/3 = 8.
    assert final_total(panel) == D("8.00")


def test_a_second_round_keeps_its_own_figures(panel):
    other_round, (criterion,) = panel_round(weights=("1",))
    other = panel_application(other_round)
    panel_review(other, panel_reviewer(), {criterion: 4})

    assert final_total(panel) == D("9.33")
    assert shown(round_scores(other_round)[other.pk].final_total) == D("4.00")
    assert final_total(panel) == D("9.33")


def requested(panel):
    return round_requested(panel["round"]).get(panel["application"].pk)


def test_money_requested_follows_budget_lines_written_every_way(panel):
    application = panel["application"]
    BudgetLine.objects.filter(application=application).delete()
    line = BudgetLineFactory(application=application, amount=D("1000.00"))
    assert requested(panel) == D("1000.00")

    BudgetLine.objects.filter(pk=line.pk).update(amount=D("1234.56"))
    assert requested(panel) == D("1234.56")

    BudgetLine.objects.bulk_create(
        BudgetLine(
            application=application, year=2, order=9, category=line.category, amount=D("0.01")
        )
        for _ in range(2)
    )
    assert requested(panel) == D("1234.58")

    table = connection.ops.quote_name(BudgetLine._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [line.pk])  # noqa: S608
    assert requested(panel) == D("0.02")


def test_money_requested_follows_an_application_leaving_the_ranking(panel):
    BudgetLineFactory(application=panel["application"], amount=D("10.00"))
    assert requested(panel) is not None

    Application.objects.filter(pk=panel["application"].pk).update(
        status=ApplicationStatus.WITHDRAWN
    )
    assert requested(panel) is None


# What it saves ----------------------------------------------------------------------------------


def test_figures_kept_cost_three_queries_and_a_write_brings_back_the_full_seven(panel):
    round = panel["round"]
    Score.objects.filter(review=panel["reviews"]["ann"]).update(score=1)

    assert count_queries(round_scores, round) == 7
    assert count_queries(round_scores, round) == 3
    assert count_queries(round_scores, round) == 3

    Score.objects.filter(review=panel["reviews"]["ann"]).update(score=2)

    assert count_queries(round_scores, round) == 7
    assert count_queries(round_scores, round) == 3


def test_money_kept_costs_one_query(panel):
    BudgetLineFactory(application=panel["application"], amount=D("10.00"))

    assert count_queries(round_requested, panel["round"]) == 3
    assert count_queries(round_requested, panel["round"]) == 1


def test_kept_figures_are_not_shared_with_a_caller_that_changes_its_dict(panel):
    BudgetLineFactory(application=panel["application"], amount=D("10.00"))
    round_scores(panel["round"]).clear()
    round_requested(panel["round"]).clear()

    assert final_total(panel) == D("9.33")
    assert requested(panel) == D("10.00")
