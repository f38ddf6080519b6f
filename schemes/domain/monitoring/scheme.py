"""What one funded scheme's monitoring shows: one document for its page and its PDF.

Figures come from their owners: spend against budget from `spend.spend_position`, trends
from `trends.measure_trends`. Measure values and ratings over time are those of counted
reports (submitted or accepted); a draft or returned report shows its status only.
"""

from dataclasses import dataclass
from decimal import Decimal

from schemes.domain.monitoring.common import as_number
from schemes.domain.monitoring.spend import SpendPosition, spend_position
from schemes.domain.monitoring.trends import MeasureTrend, Trend, measure_trends
from schemes.enums import REPORT_COUNTED_STATUSES
from schemes.models import DeliveryAgreement, MeasureValue


@dataclass(frozen=True)
class PeriodRow:
    """One reporting period and its report (None before one is started)."""

    period: object
    report: object

    @property
    def counted(self):
        return self.report is not None and self.report.status in REPORT_COUNTED_STATUSES


@dataclass(frozen=True)
class MeasurePoint:
    period: object
    value: str  # as reported, "" when not collected
    number: Decimal | None
    not_collected: bool
    reason: str


@dataclass(frozen=True)
class MeasureSeries:
    measure: object
    trend: MeasureTrend
    points: list[MeasurePoint]

    @property
    def trend_label(self):
        return Trend(self.trend.trend).label

    @property
    def baseline_number(self):
        return as_number(self.measure.baseline_value) if self.measure.is_numeric else None

    @property
    def target_number(self):
        return as_number(self.measure.target_value) if self.measure.is_numeric else None


@dataclass(frozen=True)
class SchemeMonitoring:
    agreement: DeliveryAgreement
    milestones: list
    periods: list[PeriodRow]
    measures: list[MeasureSeries]
    spend: SpendPosition
    variations: list

    @property
    def application(self):
        return self.agreement.application

    @property
    def reported(self):
        """The periods with a counted report, oldest first: the ratings over time."""
        return [row for row in self.periods if row.counted]


def agreement_queryset():
    return DeliveryAgreement.objects.select_related(
        "application__round", "application__organisation", "application__decision"
    )


def scheme_monitoring(agreement):
    """Gather everything a scheme's monitoring page and PDF show, in a fixed number of queries."""
    periods = list(agreement.periods.select_related("report").order_by("start"))
    rows = [PeriodRow(period, getattr(period, "report", None)) for period in periods]
    counted = {row.report.pk: row.period for row in rows if row.counted}
    values = {}
    for value in MeasureValue.objects.filter(report_id__in=counted).order_by(
        "report__period__start"
    ):
        values.setdefault(value.measure_id, []).append(
            MeasurePoint(
                period=counted[value.report_id],
                value="" if value.not_collected else value.value,
                number=None if value.not_collected else as_number(value.value),
                not_collected=value.not_collected,
                reason=value.not_collected_reason,
            )
        )
    trends = measure_trends([agreement])
    measures = [
        MeasureSeries(measure, trends[measure.pk], values.get(measure.pk, []))
        for measure in agreement.measures.order_by("order", "pk")
    ]
    return SchemeMonitoring(
        agreement=agreement,
        milestones=list(agreement.milestones.order_by("order", "pk")),
        periods=rows,
        measures=measures,
        spend=spend_position(agreement),
        variations=list(agreement.variations.order_by("proposed_at", "pk")),
    )
