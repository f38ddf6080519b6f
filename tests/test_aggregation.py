"""Panel aggregates reproduced by hand, and checked over random panels with hypothesis.

The hand-checked panel: criteria 1, 2 and 3 weighted 1, 2 and 0.5 (sum 3.5, maximum 17.5 on
the 0-5 scale), reviewed by Ann, Bryn and Cai (submitted) and Dai (a draft, ignored):

    criterion  weight  Ann  Bryn  Cai  | mean   median  low  high  spread
    1          1       4    2     3    | 3      3       2    4     2 (disagreement)
    2          2       2    3     2    | 7/3    2       2    3     1
    3          0.5     5    1     4    | 10/3   4       1    5     4 (moderated to 3)

    weighted totals: Ann 4 + 4 + 2.5 = 10.5; Bryn 2 + 6 + 0.5 = 8.5; Cai 3 + 4 + 2 = 9
    mean round:   3 + 2 x 7/3 + 0.5 x 3 = 9.1666...  -> 9.1666... / 17.5 = 52.38%
    median round: 3 + 2 x 2   + 0.5 x 3 = 8.5        -> 8.5 / 17.5       = 48.57%
"""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from criteria.domain import aggregation
from criteria.domain.aggregation import (
    CriterionStats,
    CriterionWeight,
    Leaning,
    ReviewScores,
    Scale,
    criterion_stats,
    panel_result,
    reviewer_leanings,
)
from criteria.models import Moderation
from schemes.enums import RoundState, ScoreAggregation
from tests.factories import UserFactory
from tests.factories.panel import (
    hand_checked_panel,
    panel_application,
    panel_review,
    panel_reviewer,
    panel_round,
)

pytestmark = pytest.mark.django_db

SCALE = Scale(0, 5)
D = Decimal


def record_moderation(application, criterion, score, chair=None):
    """A moderation row as the chair's function writes it (that function is tested apart)."""
    return Moderation.objects.create(
        application=application,
        criterion=criterion,
        score=score,
        rationale="Agreed at the panel meeting.",
        moderated_by=chair or UserFactory(),
    )


@pytest.fixture
def panel():
    """The hand-checked panel of the module docstring, without the moderation."""
    return hand_checked_panel()


def set_aggregation(round, aggregation_choice):
    round.score_aggregation = aggregation_choice
    round.save(update_fields=["score_aggregation"])


# Hand-computed aggregates ----------------------------------------------------------------


def test_criterion_stats_of_three_scores_are_as_computed_by_hand():
    stats = criterion_stats([5, 1, 4])

    assert stats == CriterionStats(
        count=3, mean=D(10) / 3, median=D(4), minimum=1, maximum=5, spread=4
    )


def test_criterion_stats_median_of_a_two_reviewer_tie_is_the_mean_of_the_two():
    stats = criterion_stats([3, 2])

    assert (stats.median, stats.mean, stats.spread) == (D("2.5"), D("2.5"), 1)


def test_criterion_stats_with_no_scores_are_empty():
    assert criterion_stats([]) == CriterionStats(count=0)


def test_matrix_statistics_per_criterion_are_as_computed_by_hand(panel):
    matrix = aggregation.application_matrix(panel["application"])

    assert [
        (
            row.criterion.label,
            row.result.stats.count,
            row.mean_shown,
            row.median_shown,
            row.result.stats.minimum,
            row.result.stats.maximum,
            row.result.stats.spread,
        )
        for row in matrix.rows
    ] == [
        ("1", 3, D("3.00"), D("3.00"), 2, 4, 2),
        ("2", 3, D("2.33"), D("2.00"), 2, 3, 1),
        ("3", 3, D("3.33"), D("4.00"), 1, 5, 4),
    ]


def test_matrix_ignores_a_draft_review(panel):
    matrix = aggregation.application_matrix(panel["application"])

    assert [column.reviewer.full_name for column in matrix.columns] == [
        "Ann Adams",
        "Bryn Bevan",
        "Cai Cole",
    ]
    assert matrix.result.reviews_submitted == 3


def test_matrix_weighted_total_per_review_is_sum_of_score_times_weight(panel):
    matrix = aggregation.application_matrix(panel["application"])

    assert [(c.reviewer.full_name, c.total) for c in matrix.columns] == [
        ("Ann Adams", D("10.5")),
        ("Bryn Bevan", D("8.5")),
        ("Cai Cole", D("9")),
    ]


def test_matrix_final_scores_use_the_mean_and_flag_both_disagreements(panel):
    matrix = aggregation.application_matrix(panel["application"])

    assert [row.result.final for row in matrix.rows] == [D(3), D(7) / 3, D(10) / 3]
    assert matrix.result.flagged_labels == ["1", "3"]
    assert matrix.result.flagged is True


def test_moderated_criterion_overrides_mean_and_settles_its_disagreement(panel):
    one, two, three = panel["criteria"]
    record_moderation(panel["application"], three, 3)

    matrix = aggregation.application_matrix(panel["application"])

    row = matrix.row_for("3")
    assert (row.result.aggregate, row.result.final, row.moderation.score) == (D(10) / 3, D(3), 3)
    assert row.result.reaches_threshold is True
    assert row.result.disagreement is False
    assert matrix.result.flagged_labels == ["1"]
    assert matrix.result.moderated_labels == ["3"]


def test_final_total_and_percentage_with_the_mean_are_as_computed_by_hand(panel):
    record_moderation(panel["application"], panel["criteria"][2], 3)

    scores = aggregation.round_scores(panel["round"])

    score = scores[panel["application"].pk]
    assert score.final_total == D(3) + D(2) * (D(7) / 3) + D("0.5") * 3
    assert aggregation.shown(score.final_total) == D("9.17")
    assert score.max_total == D("17.5")
    assert score.percentage == D("52.38")
    assert (score.reviews_submitted, score.flagged) == (3, True)
    assert (score.flagged_labels, score.moderated_labels) == (("1",), ("3",))


def test_median_round_setting_changes_the_final_score(panel):
    record_moderation(panel["application"], panel["criteria"][2], 3)
    set_aggregation(panel["round"], ScoreAggregation.MEDIAN)

    score = aggregation.round_scores(panel["round"])[panel["application"].pk]
    matrix = aggregation.application_matrix(panel["application"])

    assert [row.result.final for row in matrix.rows] == [D(3), D(2), D(3)]
    assert score.final_total == D("8.5")
    assert score.percentage == D("48.57")


def test_moderation_overrides_the_median_too(panel):
    set_aggregation(panel["round"], ScoreAggregation.MEDIAN)
    record_moderation(panel["application"], panel["criteria"][1], 5)

    matrix = aggregation.application_matrix(panel["application"])

    assert matrix.row_for("2").result.aggregate == D(2)
    assert matrix.row_for("2").result.final == D(5)


def test_two_reviewer_median_tie_gives_half_points_in_the_final_score():
    round, (one,) = panel_round(aggregation=ScoreAggregation.MEDIAN)
    application = panel_application(round)
    panel_review(application, panel_reviewer(), {one: 2})
    panel_review(application, panel_reviewer(), {one: 3})

    score = aggregation.round_scores(round)[application.pk]

    assert (score.final_total, score.max_total, score.percentage) == (D("2.5"), D(5), D("50.00"))


def test_round_threshold_decides_the_disagreement_flag(panel):
    panel["round"].disagreement_threshold = 5
    panel["round"].save(update_fields=["disagreement_threshold"])

    score = aggregation.round_scores(panel["round"])[panel["application"].pk]

    assert (score.flagged, score.flagged_labels) == (False, ())


def test_application_without_a_submitted_review_has_no_percentage():
    round, (one,) = panel_round()
    application = panel_application(round)
    panel_review(application, panel_reviewer(), {one: 5}, submitted=False)

    score = aggregation.round_scores(round)[application.pk]

    assert (score.reviews_submitted, score.final_total, score.percentage) == (0, D(0), None)
    assert score.flagged is False


def test_round_scores_leave_out_draft_and_withdrawn_applications(panel):
    from schemes.enums import ApplicationStatus

    draft = panel_application(panel["round"], status=ApplicationStatus.DRAFT)
    withdrawn = panel_application(panel["round"], status=ApplicationStatus.WITHDRAWN)

    scores = aggregation.round_scores(panel["round"])

    assert list(scores) == [panel["application"].pk]
    assert (draft.pk in scores, withdrawn.pk in scores) == (False, False)


def test_review_of_a_withdrawn_assignment_does_not_count(panel):
    from django.utils import timezone

    assignment = panel["reviews"]["bryn"].assignment
    assignment.withdrawn_at = timezone.now()
    assignment.save(update_fields=["withdrawn_at"])

    matrix = aggregation.application_matrix(panel["application"])

    assert [column.reviewer.full_name for column in matrix.columns] == ["Ann Adams", "Cai Cole"]


def test_percentage_on_a_scale_not_starting_at_zero_runs_from_its_lowest_point():
    weights = {1: D(1), 2: D(3)}
    scale = Scale(1, 5)

    assert aggregation.percentage({1: D(1), 2: D(1)}, weights, scale) == D("0.00")
    assert aggregation.percentage({1: D(5), 2: D(5)}, weights, scale) == D("100.00")
    # 1 x (3 - 1) + 3 x (4 - 1) = 11 of 4 x (5 - 1) = 16
    assert aggregation.percentage({1: D(3), 2: D(4)}, weights, scale) == D("68.75")


def test_shown_rounds_half_up_to_two_places():
    assert [aggregation.shown(D(x)) for x in ("2.345", "2.335", "-0.125")] == [
        D("2.35"),
        D("2.34"),
        D("-0.13"),
    ]


def test_demo_application_scores_come_from_the_submitted_review_only(demo_user):
    from schemes.models import Application, Round

    round = Round.objects.get(code="2020-22")
    cav = Application.objects.get(reference="PS-2020-CAV-001")

    score = aggregation.round_scores(round)[cav.pk]

    # reviewer1's 14 scores sum to 39 on 14 criteria of weight 1: 39 / 70.
    assert (score.reviews_submitted, score.final_total, score.max_total) == (1, D(39), D(70))
    assert score.percentage == D("55.71")
    assert score.flagged is False


# Calibration -----------------------------------------------------------------------------


def test_reviewer_leanings_are_as_computed_by_hand():
    cells = [
        ("ann", 1, 4), ("bryn", 1, 2), ("cai", 1, 3),
        ("ann", 2, 2), ("bryn", 2, 3), ("cai", 2, 2),
        ("ann", 3, 5), ("bryn", 3, 1), ("cai", 3, 4),
    ]  # fmt: skip

    leanings = reviewer_leanings(cells)

    assert {name: (lean.difference, lean.leaning) for name, lean in leanings.items()} == {
        "ann": (D("0.78"), Leaning.MORE_LENIENT),  # 11/3 - 26/9 = 7/9
        "bryn": (D("-0.89"), Leaning.HARSHER),  # 2 - 26/9 = -8/9
        "cai": (D("0.11"), Leaning.IN_LINE),  # 3 - 26/9 = 1/9
    }
    assert leanings["ann"].panel_mean == D(26) / 9


def test_reviewer_leanings_compare_only_cells_another_reviewer_scored():
    leanings = reviewer_leanings([("ann", 1, 5), ("ann", 2, 1), ("bryn", 2, 3)])

    assert (leanings["ann"].scores_compared, leanings["ann"].difference) == (1, D("-1.00"))


def test_reviewer_leanings_band_edge_is_outside_in_line():
    leanings = reviewer_leanings([("ann", 1, 2), ("bryn", 1, 3)])

    assert (leanings["ann"].difference, leanings["ann"].leaning) == (D("-0.50"), Leaning.HARSHER)
    assert leanings["bryn"].leaning == Leaning.MORE_LENIENT


def test_calibration_of_the_panel_ignores_drafts_and_moderation(panel):
    record_moderation(panel["application"], panel["criteria"][2], 0)

    rows = aggregation.calibration(panel["round"])

    assert [
        (
            row.reviewer.full_name,
            row.reviews_submitted,
            row.leanings.scores_compared,
            row.reviewer_mean_shown,
            row.panel_mean_shown,
            row.difference_signed,
            row.leanings.leaning,
        )
        for row in rows
    ] == [
        ("Ann Adams", 1, 3, D("3.67"), D("2.89"), "+0.78", Leaning.MORE_LENIENT),
        ("Bryn Bevan", 1, 3, D("2.00"), D("2.89"), "-0.89", Leaning.HARSHER),
        ("Cai Cole", 1, 3, D("3.00"), D("2.89"), "+0.11", Leaning.IN_LINE),
    ]


# Random panels ---------------------------------------------------------------------------


@st.composite
def random_panels(draw):
    """A random panel: 1-8 criteria, 1-6 reviewers, scores in a 0-5 or 1-5 scale."""
    scale = draw(st.sampled_from([Scale(0, 5), Scale(1, 5), Scale(0, 3)]))
    criteria = [
        CriterionWeight(
            pk,
            str(pk),
            draw(st.decimals(min_value=D("0.01"), max_value=D("10"), places=2)),
        )
        for pk in range(1, draw(st.integers(1, 8)) + 1)
    ]
    point = st.integers(scale.minimum, scale.maximum)
    reviews = [
        ReviewScores(
            review_id,
            {criterion.criterion_id: draw(point) for criterion in criteria},
        )
        for review_id in range(1, draw(st.integers(1, 6)) + 1)
    ]
    moderations = draw(st.dictionaries(st.sampled_from([c.criterion_id for c in criteria]), point))
    return {
        "criteria": criteria,
        "reviews": reviews,
        "moderations": moderations,
        "aggregation": draw(st.sampled_from(ScoreAggregation.values)),
        "threshold": draw(st.integers(1, 4)),
        "scale": scale,
    }


@settings(max_examples=300, deadline=None)
@given(random_panels())
def test_random_panel_final_scores_lie_within_the_scale(panel_data):
    result = panel_result(**panel_data)

    scale = panel_data["scale"]
    assert all(scale.minimum <= r.final <= scale.maximum for r in result.criteria)
    total_weight = sum(c.weight for c in panel_data["criteria"])
    assert scale.minimum * total_weight <= result.final_total <= result.max_total


@settings(max_examples=300, deadline=None)
@given(random_panels())
def test_random_panel_moderation_always_wins(panel_data):
    result = panel_result(**panel_data)

    for criterion_result in result.criteria:
        moderated = panel_data["moderations"].get(criterion_result.criterion_id)
        if moderated is not None:
            assert criterion_result.final == moderated
            assert criterion_result.disagreement is False


@settings(max_examples=300, deadline=None)
@given(random_panels())
def test_random_panel_percentage_lies_within_0_and_100(panel_data):
    result = panel_result(**panel_data)

    assert D(0) <= result.percentage <= D(100)
    assert result.percentage == result.percentage.quantize(D("0.01"))


@settings(max_examples=300, deadline=None)
@given(random_panels())
def test_random_panel_is_flagged_iff_an_unmoderated_criterion_spread_reaches_threshold(
    panel_data,
):
    result = panel_result(**panel_data)

    expected = any(
        max(r.scores[c.criterion_id] for r in panel_data["reviews"])
        - min(r.scores[c.criterion_id] for r in panel_data["reviews"])
        >= panel_data["threshold"]
        and c.criterion_id not in panel_data["moderations"]
        for c in panel_data["criteria"]
    )
    assert result.flagged is expected


class Rollback(Exception):
    """Raised to undo one hypothesis example's rows."""


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    scores=st.lists(st.lists(st.integers(0, 5), min_size=3, max_size=3), min_size=1, max_size=4),
    moderated=st.one_of(st.none(), st.integers(0, 5)),
    median=st.booleans(),
)
def test_random_panel_in_the_database_agrees_with_the_pure_arithmetic(
    db, scores, moderated, median
):
    try:
        with transaction.atomic():
            aggregation_choice = ScoreAggregation.MEDIAN if median else ScoreAggregation.MEAN
            round, criteria = panel_round(
                weights=("1", "2.5", "0.25"), aggregation=aggregation_choice
            )
            application = panel_application(round)
            for row in scores:
                panel_review(application, panel_reviewer(), dict(zip(criteria, row, strict=True)))
            if moderated is not None:
                record_moderation(application, criteria[0], moderated)
            expected = panel_result(
                criteria=[CriterionWeight(c.pk, c.label, c.weight) for c in criteria],
                reviews=[
                    ReviewScores(n, {c.pk: s for c, s in zip(criteria, row, strict=True)})
                    for n, row in enumerate(scores)
                ],
                moderations={} if moderated is None else {criteria[0].pk: moderated},
                aggregation=aggregation_choice,
                threshold=2,
                scale=SCALE,
            )

            score = aggregation.round_scores(round)[application.pk]
            matrix = aggregation.application_matrix(application)

            assert (score.final_total, score.percentage, score.flagged) == (
                expected.final_total,
                expected.percentage,
                expected.flagged,
            )
            assert matrix.result.criteria == expected.criteria
            raise Rollback
    except Rollback:
        pass


# A flat number of queries ----------------------------------------------------------------


def build_round(applications, reviewers_each, weights=("1", "2", "0.5")):
    round, criteria = panel_round(weights=weights)
    for _ in range(applications):
        application = panel_application(round)
        for index in range(reviewers_each):
            panel_review(
                application,
                panel_reviewer(),
                {criterion: (index + criterion.position) % 6 for criterion in criteria},
            )
        record_moderation(application, criteria[0], 2)
    return round


def count_queries(function, *args):
    with CaptureQueriesContext(connection) as queries:
        function(*args)
    return len(queries)


def test_round_scores_runs_in_the_same_number_of_queries_for_3_and_30_applications():
    small = build_round(applications=3, reviewers_each=2)
    large = build_round(applications=30, reviewers_each=4, weights=("1",) * 8)

    # Worked out, then kept while nothing is written (tests/test_round_figures.py).
    assert [count_queries(aggregation.round_scores, each) for each in (small, large)] == [6, 6]
    assert [count_queries(aggregation.round_scores, each) for each in (small, large)] == [0, 0]


def test_round_scores_only_concern_their_own_round():
    first = build_round(applications=2, reviewers_each=2)
    build_round(applications=2, reviewers_each=3)

    assert len(aggregation.round_scores(first)) == 2


def test_calibration_runs_in_the_same_number_of_queries_as_the_panel_grows():
    small = build_round(applications=1, reviewers_each=2)
    large = build_round(applications=6, reviewers_each=5)

    assert count_queries(aggregation.calibration, small) == count_queries(
        aggregation.calibration, large
    )


def test_round_scores_of_a_decided_round_still_count_its_reviews(panel):
    panel["round"].state = RoundState.DECIDED
    panel["round"].save(update_fields=["state"])

    assert aggregation.round_scores(panel["round"])[panel["application"].pk].reviews_submitted == 3


def test_round_scores_follow_a_changed_score_moderation_and_setting_once_worked_out(panel):
    from criteria.models import Score

    def scores_now():
        # As a page does: the round loaded afresh, with the version the writes moved.
        panel["round"].refresh_from_db()
        return aggregation.round_scores(panel["round"])[panel["application"].pk]

    before = scores_now()
    score = Score.objects.get(review=panel["reviews"]["ann"], criterion=panel["criteria"][0])
    score.score = 5
    score.save()
    after_score = scores_now()
    record_moderation(panel["application"], panel["criteria"][2], 3)
    after_moderation = scores_now()
    set_aggregation(panel["round"], ScoreAggregation.MEDIAN)
    after_setting = scores_now()

    # Worked out by hand from the changed inputs: none of the figures may be stale.
    assert [
        aggregation.shown(score.final_total)
        for score in (before, after_score, after_moderation, after_setting)
    ] == [D("9.33"), D("9.67"), D("9.50"), D("8.50")]
    assert after_moderation.moderated_labels == ("3",)
