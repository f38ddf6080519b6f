"""One function per spreadsheet sheet: a header row and rows of plain values.

Money is `Decimal` exact to the penny, dates are dates, scores are ints. Every figure comes
from its one owner: budget totals from `schemes.budget.budget_totals()` (through
`Application.totals()`), final scores from `criteria.domain.aggregation.round_scores()`. Each
function runs in a fixed number of queries however many applications the round has.
"""

from django.utils.translation import gettext as _

from criteria.domain.aggregation import round_scores, submitted_reviews
from criteria.domain.anonymity import anonymous_order, reviewer_label
from criteria.models import Score
from schemes.enums import RANKED_STATUSES
from schemes.models import Application, Decision


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
