"""One function per spreadsheet sheet: a header row and rows of plain values.

Money is `Decimal` exact to the penny, dates are dates, scores are ints. Every figure comes
from its one owner: budget totals from `schemes.budget.budget_totals()` (through
`Application.totals()`), final scores from `criteria.domain.aggregation.round_scores()`. Each
function runs in a fixed number of queries however many applications the round has.
"""

from django.db.models import Count
from django.utils.translation import gettext as _

from criteria.domain.aggregation import round_scores, submitted_reviews
from criteria.domain.anonymity import anonymous_order, reviewer_label
from criteria.models import Score
from schemes.domain.monitoring import spend_positions
from schemes.domain.monitoring.overview import overview
from schemes.enums import RANKED_STATUSES, BudgetCategory
from schemes.models import (
    Application,
    Decision,
    DeliveryAgreement,
    MeasureValue,
    Milestone,
    MilestoneProgress,
    QuarterlyReport,
    SpendLine,
)
from schemes.models.monitoring import financial_year_label


def _applications(round):
    return (
        Application.objects.filter(round=round)
        .select_related("round", "organisation", "decision")
        .prefetch_related("budget_lines", "other_funding")
        .order_by("reference")
    )


def applications_rows(round):
    """Return the header and one row per application of `round`, with its money and score.

    Amount requested has one column per budget year, up to the highest year any application
    of the round uses.
    """
    applications = list(_applications(round))
    totals = {application.pk: application.totals() for application in applications}
    years = max((t.years[-1].year for t in totals.values() if t.years), default=0)
    scores = round_scores(round)
    header = [
        _("Reference"),
        _("Round"),
        _("Organisation"),
        _("Scheme title"),
        _("Status"),
        _("Start date"),
        _("Duration (months)"),
        *[_("Requested year %(year)d (£)") % {"year": year} for year in range(1, years + 1)],
        _("Requested in total (£)"),
        _("Other funding (£)"),
        _("Total project cost (£)"),
        _("Final score (%)"),
        _("Decision"),
        _("Approved amount (£)"),
    ]
    rows = []
    for application in applications:
        budget = totals[application.pk]
        score = scores.get(application.pk)
        decision = getattr(application, "decision", None)
        rows.append(
            [
                application.reference,
                application.round.name,
                application.organisation_name,
                application.title,
                application.get_status_display(),
                application.start_date,
                application.duration_months,
                *[budget.year_total(year) for year in range(1, years + 1)],
                budget.requested,
                budget.other_funding,
                budget.total_project_cost,
                score.percentage if score else None,
                decision.get_outcome_display() if decision else None,
                decision.approved_amount if decision else None,
            ]
        )
    return header, rows


def budget_line_rows(round):
    """Return the header and one row per budget line of `round`'s applications, in order.

    The line amount is the one `budget_totals()` works out (a percentage line's share
    included), so the lines of a year add up to the year's total on the application's page.
    """
    header = [
        _("Reference"),
        _("Year"),
        _("Order"),
        _("Category"),
        _("Description"),
        _("Quantity"),
        _("Unit cost (£)"),
        _("Fixed amount (£)"),
        _("Percentage"),
        _("Percentage of"),
        _("Line amount (£)"),
        _("Comment"),
    ]
    rows = []
    for application in _applications(round):
        for year in application.totals().years:
            for entry in year.lines:
                line = entry.line
                rows.append(
                    [
                        application.reference,
                        line.year,
                        line.order,
                        line.get_category_display(),
                        line.description,
                        line.quantity,
                        line.unit_cost,
                        line.amount,
                        line.percentage,
                        line.get_percentage_of_display() if line.percentage is not None else None,
                        entry.amount,
                        line.comment,
                    ]
                )
    return header, rows


def score_rows(round, *, anonymise):
    """Return the header and one row per score in the submitted reviews of `round`.

    Only submitted reviews of live assignments count, as in the panel's aggregates. With
    `anonymise`, reviewers are lettered "Reviewer A, B…" per application in the same keyed
    order as the applicant's feedback, which follows neither names nor assignment order.
    """
    header = [
        _("Reference"),
        _("Reviewer"),
        _("Criterion"),
        _("Score"),
        _("Justification"),
    ]
    scores = list(
        Score.objects.filter(
            review__in=submitted_reviews().filter(
                assignment__application__round=round,
                assignment__application__status__in=RANKED_STATUSES,
            ),
            criterion__criteria_set_id=round.criteria_set_id,
        ).select_related(
            "review__assignment__application", "review__assignment__reviewer", "criterion"
        )
    )
    reviews_by_application = {}
    for score in scores:
        assignment = score.review.assignment
        reviews_by_application.setdefault(assignment.application, {})[score.review.pk] = (
            score.review
        )
    names = {}
    for application, reviews in reviews_by_application.items():
        ordered = anonymous_order(application, reviews.values())
        for position, review in enumerate(ordered):
            names[review.pk] = (
                reviewer_label(position) if anonymise else review.assignment.reviewer.full_name
            )
    if anonymise:
        order = {pk: position for position, pk in enumerate(names)}
    else:
        order = {pk: (name, pk) for pk, name in names.items()}
    scores.sort(
        key=lambda score: (
            score.review.assignment.application.reference,
            order[score.review.pk],
            score.criterion.position,
        )
    )
    rows = [
        [
            score.review.assignment.application.reference,
            names[score.review.pk],
            score.criterion.label,
            score.score,
            score.justification,
        ]
        for score in scores
    ]
    return header, rows


def decision_rows(round):
    """Return the header and one row per recorded decision on `round`'s applications."""
    header = [
        _("Reference"),
        _("Organisation"),
        _("Decision"),
        _("Approved amount (£)"),
        _("Conditions"),
        _("Reasons"),
        _("Decided by"),
        _("Decided on"),
    ]
    decisions = (
        Decision.objects.filter(application__round=round)
        .select_related("application__organisation", "decided_by")
        .order_by("application__reference")
    )
    rows = [
        [
            decision.application.reference,
            decision.application.organisation_name,
            decision.get_outcome_display(),
            decision.approved_amount,
            decision.conditions,
            decision.reasons,
            decision.decided_by.full_name,
            decision.decided_on,
        ]
        for decision in decisions
    ]
    return header, rows


# Monitoring after funding ------------------------------------------------------------------
# Each takes funded schemes (`schemes.domain.monitoring.overview.funded_schemes()`, narrowed
# to a round or not): money from `spend_positions`, the overview from `overview`.


def _pks(schemes):
    """The schemes' primary keys as one-column subquery (they carry annotations)."""
    return schemes.order_by().values("pk")


def _agreements(schemes):
    return DeliveryAgreement.objects.filter(application__in=_pks(schemes)).select_related(
        "application__organisation"
    )


def monitoring_report_rows(schemes):
    """Return the header and one row per quarterly report, with its ratings and status."""
    header = [
        _("Reference"),
        _("Organisation"),
        _("Period start"),
        _("Period end"),
        _("Report due"),
        _("Report status"),
        _("Submissions"),
        _("Delivery rating"),
        _("Spend rating"),
        _("Scheme status"),
        _("Status since"),
        _("Reason for the status"),
    ]
    reports = (
        QuarterlyReport.objects.filter(agreement__application__in=_pks(schemes))
        .select_related("agreement__application__organisation", "period")
        .annotate(submissions=Count("versions"))
        .order_by("agreement__application__reference", "period__start")
    )
    rows = [
        [
            report.agreement.application.reference,
            report.agreement.application.organisation_name,
            report.period.start,
            report.period.end,
            report.period.due_date,
            report.get_status_display(),
            report.submissions,
            report.get_delivery_rating_display(),
            report.get_spend_rating_display(),
            report.get_scheme_status_display(),
            report.scheme_status_date,
            report.scheme_status_reason,
        ]
        for report in reports
    ]
    return header, rows


def spend_line_rows(schemes):
    """Return the header and one row per report and budget category: spend and forecast."""
    header = [
        _("Reference"),
        _("Period start"),
        _("Report status"),
        _("Category"),
        _("Spent in the period (£)"),
        _("Forecast for the rest of the year (£)"),
    ]
    lines = (
        SpendLine.objects.filter(report__agreement__application__in=_pks(schemes))
        .select_related("report__agreement__application", "report__period")
        .order_by("report__agreement__application__reference", "report__period__start", "category")
    )
    rows = [
        [
            line.report.agreement.application.reference,
            line.report.period.start,
            line.report.get_status_display(),
            line.get_category_display(),
            line.actual,
            line.forecast,
        ]
        for line in lines
    ]
    return header, rows


def spend_position_rows(schemes):
    """Return the header and one row per agreement, year and category: spend against budget."""
    header = [
        _("Reference"),
        _("Financial year"),
        _("Category"),
        _("Approved (£)"),
        _("Spent to date (£)"),
        _("Forecast (£)"),
        _("Variance (£)"),
        _("Variance (%)"),
        _("Flag"),
    ]
    agreements = list(_agreements(schemes).order_by("application__reference"))
    positions = spend_positions(agreements)
    rows = [
        [
            agreement.application.reference,
            financial_year_label(row.financial_year),
            str(BudgetCategory(row.category).label),
            row.figures.approved,
            row.figures.spent,
            row.figures.forecast,
            row.figures.variance,
            row.figures.variance_percent,
            row.figures.flag,
        ]
        for agreement in agreements
        for row in positions[agreement.pk].rows
    ]
    return header, rows


def measure_value_rows(schemes):
    """Return the header and one row per measure and report: the value or why it is missing."""
    header = [
        _("Reference"),
        _("Measure"),
        _("Kind"),
        _("Unit"),
        _("Baseline"),
        _("Baseline date"),
        _("Target"),
        _("Target date"),
        _("Period start"),
        _("Report status"),
        _("Value"),
        _("Not collected because"),
    ]
    values = (
        MeasureValue.objects.filter(report__agreement__application__in=_pks(schemes))
        .select_related("measure", "report__agreement__application", "report__period")
        .order_by(
            "report__agreement__application__reference",
            "measure__order",
            "measure__pk",
            "report__period__start",
        )
    )
    rows = [
        [
            value.report.agreement.application.reference,
            value.measure.name,
            value.measure.get_kind_display(),
            value.measure.unit,
            value.measure.baseline_value,
            value.measure.baseline_date,
            value.measure.target_value,
            value.measure.target_date,
            value.report.period.start,
            value.report.get_status_display(),
            "" if value.not_collected else value.value,
            value.not_collected_reason if value.not_collected else "",
        ]
        for value in values
    ]
    return header, rows


def milestone_rows(schemes):
    """Return the header and one row per milestone with its progress in each report."""
    header = [
        _("Reference"),
        _("Milestone"),
        _("Due date"),
        _("Period start"),
        _("Progress"),
        _("Comment"),
    ]
    progress = (
        MilestoneProgress.objects.filter(report__agreement__application__in=_pks(schemes))
        .select_related("milestone", "report__agreement__application", "report__period")
        .order_by(
            "report__agreement__application__reference",
            "milestone__order",
            "milestone__pk",
            "report__period__start",
        )
    )
    reported = {row.milestone_id for row in progress}
    rows = [
        [
            row.report.agreement.application.reference,
            row.milestone.title,
            row.milestone.due_date,
            row.report.period.start,
            row.get_status_display(),
            row.comment,
        ]
        for row in progress
    ]
    rows += [
        [
            milestone.agreement.application.reference,
            milestone.title,
            milestone.due_date,
            None,
            "",
            "",
        ]
        for milestone in Milestone.objects.filter(agreement__application__in=_pks(schemes))
        .exclude(pk__in=reported)
        .select_related("agreement__application")
        .order_by("agreement__application__reference", "order", "pk")
    ]
    return header, rows


def overview_rows(schemes):
    """Return the header and the "Overview of Pacesetters" (seed 003, Appendix 1) as rows."""
    header = [
        _("Health board"),
        _("Reference"),
        _("Project"),
        _("Current status and funding"),
        _("Description"),
    ]
    rows = [
        [board.board, row.reference, row.project, row.status_and_funding, row.description]
        for board in overview(schemes)
        for row in board.rows
    ]
    return header, rows
