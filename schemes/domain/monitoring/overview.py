"""Every funded scheme at a glance: the programme list and the "Overview of Pacesetters".

A *funded scheme* is an application whose decision approved it, with or without a delivery
agreement yet. Its *current status* is the scheme status of its latest counted report
(submitted or accepted, `REPORT_COUNTED_STATUSES`), "Ongoing" before any; its latest ratings
come from the same report. Money comes from `spend.spend_positions`, trends from
`trends.measure_trends`: both batch functions, so a page of schemes costs a fixed number of
queries however many schemes and reports there are.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from pacesetter.languages import with_languages
from pacesetter.money import format_pounds
from schemes.domain.monitoring.reminders import owed_periods
from schemes.domain.monitoring.spend import spend_positions
from schemes.domain.monitoring.trends import Trend, measure_trends
from schemes.enums import REPORT_COUNTED_STATUSES, DecisionOutcome, SchemeStatus
from schemes.models import Answer, Application, QuarterlyReport

# The label of the application question whose first paragraph describes the scheme.
DESCRIPTION_QUESTION = "aims"


def _latest_counted(column):
    return Subquery(
        QuarterlyReport.objects.filter(
            agreement__application=OuterRef("pk"), status__in=REPORT_COUNTED_STATUSES
        )
        .order_by("-period__start")
        .values(column)[:1]
    )


def _monitoring_annotations(today):
    owed = owed_periods().filter(agreement__application=OuterRef("pk"))
    overdue = (
        owed.filter(due_date__lt=today)
        .order_by()
        .values("agreement__application")
        .annotate(n=Count("pk"))
        .values("n")
    )
    upcoming = (
        owed.filter(due_date__gte=today)
        .order_by()
        .values("agreement__application")
        .annotate(first=Min("due_date"))
        .values("first")
    )
    return {
        "current_status": Coalesce(_latest_counted("scheme_status"), Value(SchemeStatus.ONGOING)),
        "latest_delivery_rating": _latest_counted("delivery_rating"),
        "latest_spend_rating": _latest_counted("spend_rating"),
        "next_due": Subquery(upcoming),
        "overdue_count": Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
    }


# What the list, the overview and the sheets read of a scheme: wide rows cost time to build.
LISTED_FIELDS = (
    "reference",
    "title",
    "start_date",
    "round__code",
    "round__name",
    "organisation__code",
    "organisation__name",
    "organisation__former_name",
    "organisation__renamed_on",
    "decision__approved_amount",
    "delivery_agreement__status",
    "delivery_agreement__variance_threshold",
    "delivery_agreement__application",
)


def approved_applications():
    """Every funded scheme, without the monitoring figures: cheap to count, filter and page."""
    return Application.objects.filter(decision__outcome=DecisionOutcome.APPROVED)


def funded_schemes(*, today=None):
    """Approved applications with their latest status and ratings and their report dates.

    Annotated per row: `current_status`, `latest_delivery_rating`, `latest_spend_rating`,
    `next_due` (the earliest due date, today or later, of a report still owed) and
    `overdue_count` (reports owed whose due date has passed), all in the one query. Each is
    a correlated subquery: page first (`filter_schemes` on `approved_applications()`), then
    annotate the page's rows.
    """
    today = today or timezone.localdate()
    return (
        approved_applications()
        .select_related("round", "organisation", "decision", "delivery_agreement")
        .only(*with_languages(Application, LISTED_FIELDS))
        .annotate(**_monitoring_annotations(today))
    )


def filter_schemes(
    schemes, *, search="", round="", board="", status="", rating="", overdue="", today=None
):
    """Narrow `approved_applications()` by round, board, scheme status, a rating, overdue.

    `rating` matches a scheme whose latest delivery *or* spend rating is that colour. Only
    the figures a filter needs are annotated, so an unfiltered list stays cheap.
    """
    annotations = _monitoring_annotations(today or timezone.localdate())
    schemes = schemes.matching(search)
    if round:
        schemes = schemes.filter(round__code=round)
    if board:
        schemes = schemes.filter(organisation__code=board)
    if status:
        schemes = schemes.alias(current_status=annotations["current_status"]).filter(
            current_status=status
        )
    if rating:
        schemes = schemes.alias(
            latest_delivery_rating=annotations["latest_delivery_rating"],
            latest_spend_rating=annotations["latest_spend_rating"],
        ).filter(Q(latest_delivery_rating=rating) | Q(latest_spend_rating=rating))
    if overdue:
        schemes = schemes.alias(overdue_count=annotations["overdue_count"]).filter(
            overdue_count__gt=0
        )
    return schemes


def page_of_schemes(pks):
    """The funded schemes `pks`, annotated (`funded_schemes`), in the order of `pks`."""
    found = funded_schemes().in_bulk(pks)
    return [found[pk] for pk in pks if pk in found]


@dataclass(frozen=True)
class SchemeRow:
    """One funded scheme on the programme list."""

    application: Application
    agreement: object  # DeliveryAgreement or None
    approved: Decimal
    spent: Decimal
    toward: int
    away: int

    @property
    def status_label(self):
        return SchemeStatus(self.application.current_status).label


def scheme_rows(applications):
    """A SchemeRow for each of `applications` (from `funded_schemes`): five queries in all."""
    applications = list(applications)
    agreements = [
        application.delivery_agreement
        for application in applications
        if hasattr(application, "delivery_agreement")
    ]
    positions = spend_positions(agreements)
    trends = {}
    for trend in measure_trends(agreements).values():
        counts = trends.setdefault(trend.measure.agreement_id, {Trend.TOWARD: 0, Trend.AWAY: 0})
        if trend.trend in counts:
            counts[trend.trend] += 1
    rows = []
    for application in applications:
        agreement = getattr(application, "delivery_agreement", None)
        counts = trends.get(agreement.pk if agreement else None, {})
        rows.append(
            SchemeRow(
                application=application,
                agreement=agreement,
                approved=application.decision.approved_amount,
                spent=positions[agreement.pk].total.spent if agreement else Decimal("0.00"),
                toward=counts.get(Trend.TOWARD, 0),
                away=counts.get(Trend.AWAY, 0),
            )
        )
    return rows


# The "Overview of Pacesetters" (seed 003, Appendix 1) ----------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    reference: str
    project: str
    status_and_funding: str
    description: str


@dataclass(frozen=True)
class BoardOverview:
    board: str
    rows: list[OverviewRow] = field(default_factory=list)


def status_and_funding(application, spent):
    """ "Ongoing since 30/06/2018: reason. £488,000.00 Pacesetter funding approved (…)." """
    status = SchemeStatus(application.current_status).label
    report = getattr(application, "latest_report", None)
    words = str(status)
    if report is not None and report.scheme_status_date:
        words = _("%(status)s since %(date)s") % {
            "status": status,
            "date": f"{report.scheme_status_date:%d/%m/%Y}",
        }
    if report is not None and report.scheme_status_reason.strip():
        words = f"{words}: {report.scheme_status_reason.strip()}"
    funding = _("Funding: %(approved)s approved in %(round)s; %(spent)s spent to date.") % {
        "approved": format_pounds(application.decision.approved_amount),
        "round": application.round.name,
        "spent": format_pounds(spent),
    }
    return f"{words.rstrip('.')}. {funding}"


def _descriptions(applications):
    """{application pk: first paragraph of its aims answer}, in one query."""
    answers = (
        Answer.objects.filter(
            application__in=applications, question__label__icontains=DESCRIPTION_QUESTION
        )
        .order_by("application_id", "question__section__number", "question__number")
        .values_list("application_id", "text")
    )
    descriptions = {}
    for application_id, text in answers:
        if application_id not in descriptions:
            paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
            descriptions[application_id] = paragraphs[0] if paragraphs else ""
    return descriptions


def overview(applications):
    """The Appendix 1 table for `applications` (from `funded_schemes`): boards A to Z.

    Each board lists its schemes by title: project, current status and funding (from the
    latest counted report and `spend.spend_positions`), and description (the first
    paragraph of the application's aims). A fixed number of queries.
    """
    applications = list(applications)
    latest = {}
    for report in QuarterlyReport.objects.filter(
        agreement__application__in=applications, status__in=REPORT_COUNTED_STATUSES
    ).order_by("agreement_id", "period__start"):
        latest[report.agreement_id] = report
    rows = {row.application.pk: row for row in scheme_rows(applications)}
    descriptions = _descriptions(applications)
    boards = {}
    for application in sorted(
        applications, key=lambda each: (each.organisation_name, each.title, each.reference)
    ):
        agreement = getattr(application, "delivery_agreement", None)
        application.latest_report = latest.get(agreement.pk) if agreement else None
        board = boards.setdefault(
            application.organisation_name, BoardOverview(application.organisation_name)
        )
        board.rows.append(
            OverviewRow(
                reference=application.reference,
                project=application.title,
                status_and_funding=status_and_funding(application, rows[application.pk].spent),
                description=descriptions.get(application.pk, ""),
            )
        )
    return list(boards.values())


__all__ = [
    "BoardOverview",
    "OverviewRow",
    "SchemeRow",
    "approved_applications",
    "filter_schemes",
    "funded_schemes",
    "page_of_schemes",
    "overview",
    "scheme_rows",
]
