"""The figures a round's charts draw, and the charts themselves (SVG from `pacesetter.charts`).

Each `*_figures` function reads the database in a fixed number of queries and returns plain
frozen data that pages show as a table; each `*_chart` function draws the same figures. Score
counts follow `criteria.domain.aggregation`: only submitted reviews of live assignments of
applications that were submitted and not withdrawn. `applications` narrows a round to what
the viewer may see (e.g. `panel_applications(user)`); None means every application.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from criteria.domain.aggregation import submitted_reviews
from criteria.domain.ranking import money_rows, round_money
from criteria.models import Criterion, ScalePoint, Score
from pacesetter.charts import HeatMapRow, Series, bar_chart, heat_map, small_multiples
from pacesetter.money import format_pounds
from schemes.enums import RANKED_STATUSES
from schemes.models import Application, StrategicComponent


def _applications(round, applications):
    scoped = Application.objects.filter(round=round, status__in=RANKED_STATUSES)
    if applications is not None:
        scoped = scoped.filter(pk__in=applications.values("pk"))
    return scoped


# Money by health board ---------------------------------------------------------------------


@dataclass(frozen=True)
class BoardMoney:
    """One organisation's requested and approved money in a round, against its share."""

    code: str
    name: str
    share: Decimal | None
    requested: Decimal
    approved: Decimal


@dataclass(frozen=True)
class MoneyByBoard:
    envelope: Decimal | None
    boards: tuple[BoardMoney, ...]
    requested_total: Decimal
    approved_total: Decimal
    shares_total: Decimal


def money_by_board_figures(round, *, applications=None) -> MoneyByBoard:
    """Return each organisation's requested and approved totals in `round` against its share.

    The round's money as the ranking has it (`criteria.domain.ranking.round_money`), over the
    ranked applications `applications` leaves. Organisations with a share or a ranked
    application, by name. Runs in a fixed number of queries however many applications there
    are.
    """
    scoped = _applications(round, applications).select_related("organisation", "decision")
    return figures_from_round_money(round_money(round, money_rows(round, scoped)))


def figures_from_round_money(money) -> MoneyByBoard:
    """Turn a round's money (`criteria.domain.ranking.round_money`) into the chart's figures."""
    return MoneyByBoard(
        envelope=money.envelope,
        boards=tuple(
            BoardMoney(
                board.organisation.code,
                board.organisation.name,
                board.share,
                board.requested,
                board.approved,
            )
            for board in money.boards
        ),
        requested_total=money.requested,
        approved_total=money.approved,
        shares_total=money.shares,
    )


def money_by_board_chart(round, *, figures=None, applications=None):
    """Return the bar chart of requested and approved money by health board, with shares."""
    figures = figures or money_by_board_figures(round, applications=applications)
    if figures.envelope is None:
        note = _("No envelope is set for this round.")
    else:
        note = _("Envelope %(envelope)s; approved in all %(approved)s.") % {
            "envelope": format_pounds(figures.envelope),
            "approved": format_pounds(figures.approved_total),
        }
    shares = [board.share for board in figures.boards]
    return bar_chart(
        title=_("Money requested and approved by health board"),
        categories=[board.name for board in figures.boards],
        series=[
            Series(_("Requested"), [board.requested for board in figures.boards]),
            Series(_("Approved"), [board.approved for board in figures.boards]),
        ],
        value_format=format_pounds,
        reference_lines=Series(_("Indicative share"), shares)
        if any(share is not None for share in shares)
        else None,
        note=note,
        chart_id="chart-money",
    )


# Tick-matrix coverage ----------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentCoverage:
    """One framework component and which of the round's applications ticked it."""

    framework: str
    number: int
    text: str
    ticks: tuple[bool, ...]

    @property
    def label(self):
        return f"{self.number}. {self.text}"

    @property
    def count(self):
        return sum(self.ticks)


@dataclass(frozen=True)
class Coverage:
    references: tuple[str, ...]
    components: tuple[ComponentCoverage, ...]


def coverage_figures(round, *, applications=None) -> Coverage:
    """Return every component of the round's frameworks against every ranked application.

    Components in framework order, applications by reference. Runs in three queries.
    """
    references = dict(
        _applications(round, applications).order_by("reference").values_list("pk", "reference")
    )
    ticked = set(
        Application.components.through.objects.filter(
            application_id__in=list(references)
        ).values_list("strategiccomponent_id", "application_id")
    )
    components = StrategicComponent.objects.filter(framework__rounds=round).select_related(
        "framework"
    )
    return Coverage(
        references=tuple(references.values()),
        components=tuple(
            ComponentCoverage(
                framework=component.framework.name,
                number=component.number,
                text=component.text,
                ticks=tuple((component.pk, pk) in ticked for pk in references),
            )
            for component in components.order_by("framework__order", "framework__name", "number")
        ),
    )


def coverage_heat_map(round, *, figures=None, applications=None):
    """Return the heat map of framework components by application, counts at row ends.

    Returns None for a round whose form has no tick matrix: there is nothing to map.
    """
    figures = figures or coverage_figures(round, applications=applications)
    if not figures.components:
        return None
    return heat_map(
        title=_("Tick-matrix coverage: components by application"),
        rows=[HeatMapRow(component.framework, component.label) for component in figures.components],
        columns=figures.references,
        cells=[component.ticks for component in figures.components],
        count_heading=_("Applications"),
        chart_id="chart-coverage",
    )


# Score distributions -----------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionDistribution:
    """How many submitted scores of one criterion fell on each point of the scale."""

    label: str
    counts: tuple[int, ...]

    @property
    def total(self):
        return sum(self.counts)


@dataclass(frozen=True)
class ScoreDistributions:
    scale: tuple[int, ...]
    criteria: tuple[CriterionDistribution, ...]


def score_distribution_figures(round, *, applications=None) -> ScoreDistributions:
    """Return, per criterion of the round's set, the count of submitted scores at each point.

    Runs in three queries however many reviews there are.
    """
    criteria_set_id = round.criteria_set_id
    scale = tuple(
        ScalePoint.objects.filter(criteria_set_id=criteria_set_id)
        .order_by("value")
        .values_list("value", flat=True)
    )
    reviews = submitted_reviews().filter(
        assignment__application__in=_applications(round, applications)
    )
    counts = defaultdict(Counter)
    for criterion_id, score, count in (
        Score.objects.filter(review__in=reviews, score__isnull=False)
        .values_list("criterion_id", "score")
        .annotate(count=Count("pk"))
        .values_list("criterion_id", "score", "count")
        .order_by()
    ):
        counts[criterion_id][score] += count
    criteria = Criterion.objects.filter(criteria_set_id=criteria_set_id).order_by("position")
    return ScoreDistributions(
        scale=scale,
        criteria=tuple(
            CriterionDistribution(
                label=criterion.label,
                counts=tuple(counts[criterion.pk][point] for point in scale),
            )
            for criterion in criteria.only("pk", "label")
        ),
    )


def score_distribution_chart(round, *, figures=None, applications=None):
    """Return small column charts: per criterion, how many submitted scores gave each point."""
    figures = figures or score_distribution_figures(round, applications=applications)
    return small_multiples(
        title=_("Score distributions by criterion"),
        bins=[str(point) for point in figures.scale],
        panels=[
            (_("Criterion %(label)s") % {"label": each.label}, each.counts)
            for each in figures.criteria
        ],
        bin_caption=_("Number of submitted scores at each point of the scale, per criterion."),
        chart_id="chart-scores",
    )
