"""Every derived score number: the one owner of panel aggregates, totals, percentages and flags.

Nothing else in the portal computes a mean, a median, a weighted total, a percentage or a
disagreement flag from reviewers' scores; pages, exports and the ranking call these functions.
The arithmetic is pure (plain data in, frozen dataclasses out) in `criterion_stats`,
`final_score`, `weighted_total`, `percentage`, `panel_result` and `reviewer_leanings`; the
functions that read the database (`round_scores`, `application_matrix`, `calibration`) gather
the data in a fixed number of queries and hand it to them.

The rules, as the panel applies them:

- Only SUBMITTED reviews of live (not withdrawn) assignments count. A draft is ignored.
- Per criterion: the count, mean, median (with an even count the mean of the middle two, so
  a two-reviewer tie of 2 and 3 has the median 2.5), lowest, highest and spread (highest minus
  lowest) of the scores given.
- A criterion's final score is the chair's moderated score where there is one, otherwise the
  round's chosen aggregate (`Round.score_aggregation`: mean or median).
- A review's weighted total is the sum of score x weight over the criteria it scored. The
  application's final weighted total is the sum of final score x weight; its maximum is the
  scale's top point x the sum of the weights.
- The percentage is the final weighted total's place between the lowest and highest possible
  totals: sum of weight x (final - scale min) / ((scale max - scale min) x sum of weights) x 100.
  With a scale starting at 0 (every set so far) that is simply total / maximum x 100. A
  criterion nobody has scored (possible only if the admin edits a submitted review) counts as
  the scale's lowest point. The percentage is None until a review is submitted.
- A criterion shows disagreement when its spread reaches the round's threshold
  (`Round.disagreement_threshold`) and it has no moderated score: moderating it settles the
  disagreement, so the application is no longer flagged for it.
- Decimal throughout, never float. Values are exact (a mean of 7/3 keeps 28 significant
  digits); rounding happens only for display, half up, to 2 places (`shown`), and for the
  percentage and calibration differences, which are published at 2 places.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

from django.db import models
from django.db.models import Count, Max, Min
from django.utils.translation import gettext_lazy as _

from criteria.domain.round_figures import kept
from criteria.enums import ReviewStatus
from criteria.models import Criterion, Moderation, Review, ScalePoint, Score
from schemes.enums import RANKED_STATUSES, ScoreAggregation
from schemes.models import Application

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)

# A reviewer whose mean differs from the panel's by this much or more (after rounding to
# 2 places) is shown as harsher or more lenient; closer than this is "in line".
CALIBRATION_BAND = Decimal("0.50")


def shown(value):
    """Round `value` half up to 2 places for display; None stays None."""
    if value is None:
        return None
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


# Plain data in -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionWeight:
    """A criterion as the arithmetic needs it."""

    criterion_id: int
    label: str
    weight: Decimal


@dataclass(frozen=True)
class ReviewScores:
    """One submitted review's scores: criterion id -> score (unscored criteria absent)."""

    review_id: int
    scores: Mapping[int, int]


@dataclass(frozen=True)
class Scale:
    minimum: int
    maximum: int


# Results out ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionStats:
    count: int
    mean: Decimal | None = None
    median: Decimal | None = None
    minimum: int | None = None
    maximum: int | None = None
    spread: int | None = None


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of one application: the panel's statistics and its final score."""

    criterion_id: int
    label: str
    weight: Decimal
    stats: CriterionStats
    aggregate: Decimal | None
    moderated_score: int | None
    final: Decimal | None
    reaches_threshold: bool
    disagreement: bool

    @property
    def is_moderated(self):
        return self.moderated_score is not None


@dataclass(frozen=True)
class PanelResult:
    """One application's scores as the panel and the chair left them."""

    criteria: tuple[CriterionResult, ...]
    review_totals: Mapping[int, Decimal]
    reviews_submitted: int
    final_total: Decimal
    max_total: Decimal
    percentage: Decimal | None
    flagged: bool

    @property
    def flagged_labels(self):
        return [result.label for result in self.criteria if result.disagreement]

    @property
    def moderated_labels(self):
        return [result.label for result in self.criteria if result.is_moderated]


@dataclass(frozen=True)
class ApplicationScore:
    """An application's place in its round, for the ranking and the moderation queue."""

    application_id: int
    reference: str
    reviews_submitted: int
    final_total: Decimal
    max_total: Decimal
    percentage: Decimal | None
    flagged: bool
    flagged_labels: tuple[str, ...] = ()
    moderated_labels: tuple[str, ...] = ()


# The arithmetic ------------------------------------------------------------------------------


def criterion_stats(scores: Iterable[int]) -> CriterionStats:
    """Return the count, mean, median, lowest, highest and spread of one criterion's scores."""
    ordered = sorted(int(score) for score in scores)
    count = len(ordered)
    if not count:
        return CriterionStats(count=0)
    middle = count // 2
    if count % 2:
        median = Decimal(ordered[middle])
    else:
        median = (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2
    return CriterionStats(
        count=count,
        mean=Decimal(sum(ordered)) / count,
        median=median,
        minimum=ordered[0],
        maximum=ordered[-1],
        spread=ordered[-1] - ordered[0],
    )


def aggregate(stats: CriterionStats, aggregation: str) -> Decimal | None:
    """Return the round's chosen aggregate (mean or median) of a criterion's scores."""
    if aggregation == ScoreAggregation.MEDIAN:
        return stats.median
    return stats.mean


def final_score(stats: CriterionStats, aggregation: str, moderated=None) -> Decimal | None:
    """Return the moderated score if there is one, otherwise the round's aggregate."""
    if moderated is not None:
        return Decimal(moderated)
    return aggregate(stats, aggregation)


def weighted_total(scores: Mapping[int, object], weights: Mapping[int, Decimal]) -> Decimal:
    """Return the sum of score x weight over the criteria scored (None scores skipped)."""
    return sum(
        (
            Decimal(score) * weights[criterion_id]
            for criterion_id, score in scores.items()
            if score is not None and criterion_id in weights
        ),
        Decimal(0),
    )


def percentage(
    finals: Mapping[int, Decimal | None], weights: Mapping[int, Decimal], scale: Scale
) -> Decimal | None:
    """Return the final scores' place between the lowest and highest totals, 0-100, 2 places.

    A criterion without a final score counts as the scale's lowest point. None when there are
    no criteria or the scale has a single point.
    """
    total_weight = sum(weights.values(), Decimal(0))
    width = scale.maximum - scale.minimum
    if total_weight <= 0 or width <= 0:
        return None
    above_minimum = sum(
        (
            weights[criterion_id] * (final - scale.minimum)
            for criterion_id, final in finals.items()
            if final is not None and criterion_id in weights
        ),
        Decimal(0),
    )
    return shown(above_minimum * HUNDRED / (width * total_weight))


def panel_result(
    *,
    criteria: Sequence[CriterionWeight],
    reviews: Sequence[ReviewScores],
    moderations: Mapping[int, int],
    aggregation: str,
    threshold: int,
    scale: Scale,
    review_totals: bool = True,
) -> PanelResult:
    """Combine one application's submitted reviews and moderations into its scores.

    `moderations` maps a criterion id to its moderated score. Scores for criteria outside
    `criteria` are ignored. With `review_totals=False` each review's own weighted total is
    left out (an empty mapping), for callers that rank a whole round and never show them.
    """
    weights = {criterion.criterion_id: Decimal(criterion.weight) for criterion in criteria}
    results = []
    for criterion in criteria:
        given = [review.scores.get(criterion.criterion_id) for review in reviews]
        stats = criterion_stats([score for score in given if score is not None])
        moderated = moderations.get(criterion.criterion_id)
        reaches = stats.spread is not None and stats.spread >= threshold
        results.append(
            CriterionResult(
                criterion_id=criterion.criterion_id,
                label=criterion.label,
                weight=weights[criterion.criterion_id],
                stats=stats,
                aggregate=aggregate(stats, aggregation),
                moderated_score=moderated,
                final=final_score(stats, aggregation, moderated),
                reaches_threshold=reaches,
                disagreement=reaches and moderated is None,
            )
        )
    finals = {result.criterion_id: result.final for result in results}
    return PanelResult(
        criteria=tuple(results),
        review_totals={
            review.review_id: weighted_total(review.scores, weights) for review in reviews
        }
        if review_totals
        else {},
        reviews_submitted=len(reviews),
        final_total=weighted_total(finals, weights),
        max_total=Decimal(scale.maximum) * sum(weights.values(), Decimal(0)),
        percentage=percentage(finals, weights, scale) if reviews else None,
        flagged=any(result.disagreement for result in results),
    )


# Reading the database ------------------------------------------------------------------------


def submitted_reviews():
    """Reviews that count: submitted, on an assignment that has not been withdrawn."""
    return Review.objects.filter(
        status=ReviewStatus.SUBMITTED, assignment__withdrawn_at__isnull=True
    )


def _scale(criteria_set_id) -> Scale:
    bounds = ScalePoint.objects.filter(criteria_set_id=criteria_set_id).aggregate(
        low=Min("value"), high=Max("value")
    )
    return Scale(minimum=bounds["low"] or 0, maximum=bounds["high"] or 0)


def _criterion_weights(criteria):
    return [CriterionWeight(c.pk, c.label, c.weight) for c in criteria]


class RankingFigures(NamedTuple):
    reviews_submitted: int
    final_total: Decimal
    max_total: Decimal
    percentage: Decimal | None
    flagged: bool
    flagged_labels: tuple[str, ...]
    moderated_labels: tuple[str, ...]


@lru_cache(maxsize=8192)
def _ranking_figures(criteria, reviews, moderations, aggregation, threshold, scale):
    """Return `panel_result`'s figures for one application, remembered by exactly its inputs.

    `reviews` is ((review id, (score or None for each of `criteria`)), ...) and `moderations`
    (moderated score or None for each criterion). The arithmetic is pure, so the same inputs
    always give the same figures: a round's ranking, asked for again and again while its
    scores stand still, is worked out once per application and process.
    """
    ids = [criterion.criterion_id for criterion in criteria]
    result = panel_result(
        criteria=criteria,
        reviews=[
            ReviewScores(
                review_id,
                {each: score for each, score in zip(ids, scores, strict=True) if score is not None},
            )
            for review_id, scores in reviews
        ],
        moderations={
            each: score for each, score in zip(ids, moderations, strict=True) if score is not None
        },
        aggregation=aggregation,
        threshold=threshold,
        scale=scale,
        review_totals=False,
    )
    return RankingFigures(
        reviews_submitted=result.reviews_submitted,
        final_total=result.final_total,
        max_total=result.max_total,
        percentage=result.percentage,
        flagged=result.flagged,
        flagged_labels=tuple(result.flagged_labels),
        moderated_labels=tuple(result.moderated_labels),
    )


def round_scores(round) -> dict[int, ApplicationScore]:
    """Return every scored application of `round` by id, with its final score and flags.

    Scored applications are the ranked ones (`schemes.enums.RANKED_STATUSES`). Kept in the
    shared cache under the round's figures version (`criteria.domain.round_figures`), which
    every write to its scores, reviews, assignments, moderations and applications moves; the
    key holds the round's aggregation and threshold too. No query while kept, seven when
    worked out, however many applications, reviewers and scores the round has.
    """
    return kept(round, "scores", lambda: _work_out_round_scores(round))


def _work_out_round_scores(round):
    criteria_set_id = round.criteria_set_id
    criteria = tuple(
        _criterion_weights(
            Criterion.objects.filter(criteria_set_id=criteria_set_id).order_by("position")
        )
    )
    scale = _scale(criteria_set_id)
    applications = dict(
        Application.objects.filter(round=round, status__in=RANKED_STATUSES).values_list(
            "pk", "reference"
        )
    )
    reviews = submitted_reviews().filter(
        assignment__application__round=round,
        assignment__application__status__in=RANKED_STATUSES,
    )
    # No ORDER BY: the default orderings would sort every score of the round for nothing.
    review_application = dict(reviews.order_by().values_list("pk", "assignment__application_id"))
    scores = defaultdict(dict)
    # The same reviews as `reviews`, joined rather than as a subquery: twice as fast on SQLite.
    for review_id, criterion_id, score in (
        Score.objects.filter(
            review__status=ReviewStatus.SUBMITTED,
            review__assignment__withdrawn_at__isnull=True,
            review__assignment__application__round=round,
            review__assignment__application__status__in=RANKED_STATUSES,
            score__isnull=False,
            criterion_id__in=[criterion.criterion_id for criterion in criteria],
        )
        .order_by()
        .values_list("review_id", "criterion_id", "score")
    ):
        scores[review_id][criterion_id] = score
    reviews_by_application = defaultdict(list)
    for review_id, application_id in sorted(review_application.items()):
        reviews_by_application[application_id].append(
            ReviewScores(review_id, scores.get(review_id, {}))
        )
    moderations = defaultdict(dict)
    for application_id, criterion_id, score in Moderation.objects.filter(
        application__round=round, criterion__criteria_set_id=criteria_set_id
    ).values_list("application_id", "criterion_id", "score"):
        moderations[application_id][criterion_id] = score
    ids = [criterion.criterion_id for criterion in criteria]
    scores_by_application = {}
    for application_id, reference in applications.items():
        figures = _ranking_figures(
            criteria,
            tuple(
                (review.review_id, tuple(review.scores.get(each) for each in ids))
                for review in reviews_by_application.get(application_id, [])
            ),
            tuple(moderations.get(application_id, {}).get(each) for each in ids),
            round.score_aggregation,
            round.disagreement_threshold,
            scale,
        )
        scores_by_application[application_id] = ApplicationScore(
            application_id=application_id,
            reference=reference,
            reviews_submitted=figures.reviews_submitted,
            final_total=figures.final_total,
            max_total=figures.max_total,
            percentage=figures.percentage,
            flagged=figures.flagged,
            flagged_labels=figures.flagged_labels,
            moderated_labels=figures.moderated_labels,
        )
    return scores_by_application


# The score matrix ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    """One reviewer's score on one criterion, with their justification."""

    reviewer: object
    score: int | None
    justification: str


@dataclass(frozen=True)
class MatrixColumn:
    """One submitted review: its reviewer and weighted total."""

    review: Review
    total: Decimal

    @property
    def reviewer(self):
        return self.review.assignment.reviewer

    @property
    def total_shown(self):
        return shown(self.total)


@dataclass(frozen=True)
class MatrixRow:
    criterion: Criterion
    cells: tuple[MatrixCell, ...]
    result: CriterionResult
    moderation: Moderation | None

    @property
    def mean_shown(self):
        return shown(self.result.stats.mean)

    @property
    def median_shown(self):
        return shown(self.result.stats.median)

    @property
    def final_shown(self):
        return shown(self.result.final)


@dataclass(frozen=True)
class MatrixSection:
    """A criterion group and its rows (group None for a flat set)."""

    group: object
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class ScoreMatrix:
    application: Application
    aggregation: str
    threshold: int
    scale_points: tuple[ScalePoint, ...]
    columns: tuple[MatrixColumn, ...]
    sections: tuple[MatrixSection, ...]
    result: PanelResult

    @property
    def rows(self):
        return [row for section in self.sections for row in section.rows]

    def row_for(self, label):
        """Return the row of the criterion labelled `label`, or None."""
        return next((row for row in self.rows if row.criterion.label == label), None)

    @property
    def total_weight(self):
        return sum((row.result.weight for row in self.rows), Decimal(0))

    @property
    def final_total_shown(self):
        return shown(self.result.final_total)

    @property
    def max_total_shown(self):
        return shown(self.result.max_total)


def application_matrix(application) -> ScoreMatrix:
    """Return the score matrix of `application`: criteria by reviewers, with the aggregates.

    Pass an application with its round selected. Runs in five queries however many reviewers
    and scores there are.
    """
    round = application.round
    criteria_set_id = round.criteria_set_id
    # As the set prints them: groups in number order, then any criteria outside a group.
    criteria = sorted(
        Criterion.objects.filter(criteria_set_id=criteria_set_id).select_related("group"),
        key=lambda c: (c.group is None, c.group.number if c.group else 0, c.position),
    )
    scale_points = tuple(
        ScalePoint.objects.filter(criteria_set_id=criteria_set_id).order_by("value")
    )
    values = [point.value for point in scale_points]
    scale = Scale(min(values, default=0), max(values, default=0))
    reviews = list(
        submitted_reviews()
        .filter(assignment__application=application)
        .select_related("assignment__reviewer")
        .prefetch_related("scores")
        .order_by("assignment__reviewer__full_name", "pk")
    )
    moderations = {
        moderation.criterion_id: moderation
        for moderation in Moderation.objects.filter(application=application).select_related(
            "moderated_by"
        )
    }
    scores = {
        review.pk: {score.criterion_id: score for score in review.scores.all()}
        for review in reviews
    }
    result = panel_result(
        criteria=_criterion_weights(criteria),
        reviews=[
            ReviewScores(review.pk, {cid: s.score for cid, s in scores[review.pk].items()})
            for review in reviews
        ],
        moderations={cid: moderation.score for cid, moderation in moderations.items()},
        aggregation=round.score_aggregation,
        threshold=round.disagreement_threshold,
        scale=scale,
    )
    sections = []
    for criterion, criterion_result in zip(criteria, result.criteria, strict=True):
        cells = []
        for review in reviews:
            score = scores[review.pk].get(criterion.pk)
            cells.append(
                MatrixCell(
                    reviewer=review.assignment.reviewer,
                    score=score.score if score else None,
                    justification=score.justification if score else "",
                )
            )
        row = MatrixRow(criterion, tuple(cells), criterion_result, moderations.get(criterion.pk))
        if sections and sections[-1][0] == criterion.group_id:
            sections[-1][2].append(row)
        else:
            sections.append((criterion.group_id, criterion.group, [row]))
    return ScoreMatrix(
        application=application,
        aggregation=round.score_aggregation,
        threshold=round.disagreement_threshold,
        scale_points=scale_points,
        columns=tuple(MatrixColumn(review, result.review_totals[review.pk]) for review in reviews),
        sections=tuple(MatrixSection(group, tuple(rows)) for _id, group, rows in sections),
        result=result,
    )


# Reviewer calibration ------------------------------------------------------------------------


class Leaning(models.TextChoices):
    """How a reviewer's scores sit against the panel's (see CALIBRATION_BAND)."""

    HARSHER = "harsher", _("Harsher")
    MORE_LENIENT = "more_lenient", _("More lenient")
    IN_LINE = "in_line", _("In line")
    NOT_COMPARED = "not_compared", _("Not compared yet")


@dataclass(frozen=True)
class Leanings:
    """One reviewer against the panel, over the scores they share with other reviewers."""

    scores_compared: int
    reviewer_mean: Decimal | None
    panel_mean: Decimal | None
    difference: Decimal | None

    @property
    def leaning(self):
        if self.difference is None:
            return Leaning.NOT_COMPARED
        if self.difference <= -CALIBRATION_BAND:
            return Leaning.HARSHER
        if self.difference >= CALIBRATION_BAND:
            return Leaning.MORE_LENIENT
        return Leaning.IN_LINE

    @property
    def leaning_label(self):
        return self.leaning.label


def reviewer_leanings(scores: Iterable[tuple[object, object, int]]) -> dict[object, Leanings]:
    """Compare each reviewer's scores with the panel's on the same criteria of the same
    applications.

    `scores` holds (reviewer, cell, score), a cell being one criterion of one application.
    Only cells that at least two reviewers scored are compared. The panel mean of a cell
    includes the reviewer's own score; a reviewer's panel mean is the average of the cell
    means over the cells they scored, so difference = reviewer mean - panel mean is the
    average of (own score - cell mean). The difference is rounded half up to 2 places.
    """
    by_cell = defaultdict(list)
    for reviewer, cell, score in scores:
        by_cell[cell].append((reviewer, score))
    own = defaultdict(list)
    panel = defaultdict(list)
    reviewers = set()
    for cell_scores in by_cell.values():
        reviewers.update(reviewer for reviewer, _score in cell_scores)
        if len(cell_scores) < 2:
            continue
        cell_mean = Decimal(sum(score for _reviewer, score in cell_scores)) / len(cell_scores)
        for reviewer, score in cell_scores:
            own[reviewer].append(Decimal(score))
            panel[reviewer].append(cell_mean)
    leanings = {}
    for reviewer in reviewers:
        count = len(own[reviewer])
        if not count:
            leanings[reviewer] = Leanings(0, None, None, None)
            continue
        reviewer_mean = sum(own[reviewer], Decimal(0)) / count
        panel_mean = sum(panel[reviewer], Decimal(0)) / count
        leanings[reviewer] = Leanings(
            scores_compared=count,
            reviewer_mean=reviewer_mean,
            panel_mean=panel_mean,
            difference=shown(reviewer_mean - panel_mean),
        )
    return leanings


@dataclass(frozen=True)
class ReviewerCalibration:
    reviewer: object
    reviews_submitted: int
    leanings: Leanings

    @property
    def difference_signed(self):
        """The difference with its sign, e.g. +0.75 or -0.50 (0.00 unsigned)."""
        difference = self.leanings.difference
        if difference is None:
            return None
        return "0.00" if difference == 0 else f"{difference:+.2f}"

    @property
    def reviewer_mean_shown(self):
        return shown(self.leanings.reviewer_mean)

    @property
    def panel_mean_shown(self):
        return shown(self.leanings.panel_mean)


def calibration(round) -> list[ReviewerCalibration]:
    """Return every reviewer with a submitted review in `round`, against the panel mean.

    Raw scores, unweighted and before moderation: calibration is about how a reviewer scores,
    not about the final result. Runs in two queries however large the panel.
    """
    from pacesetter.models import User

    reviews = submitted_reviews().filter(
        assignment__application__round=round,
        assignment__application__status__in=RANKED_STATUSES,
    )
    scores = Score.objects.filter(
        review__in=reviews, score__isnull=False, criterion__criteria_set_id=round.criteria_set_id
    ).values_list(
        "review__assignment__reviewer_id",
        "review__assignment__application_id",
        "criterion_id",
        "score",
    )
    leanings = reviewer_leanings(
        (reviewer_id, (application_id, criterion_id), score)
        for reviewer_id, application_id, criterion_id, score in scores
    )
    reviewers = (
        User.objects.filter(assignments__in=reviews.values("assignment"))
        .annotate(reviews_submitted=Count("assignments"))
        .order_by("full_name", "pk")
    )
    return [
        ReviewerCalibration(
            reviewer=reviewer,
            reviews_submitted=reviewer.reviews_submitted,
            leanings=leanings.get(reviewer.pk, Leanings(0, None, None, None)),
        )
        for reviewer in reviewers
    ]
