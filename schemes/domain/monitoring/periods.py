"""The reporting schedule: quarters of the financial year and the day each report is due.

Quarters end on 30 June, 30 September, 31 December and 31 March. An agreement reports on
every quarter that overlaps its start and end dates, whole quarters even where the scheme
starts or ends mid-quarter; a report is due `report_due_days` days after its quarter ends.
"""

import datetime
from calendar import monthrange
from dataclasses import dataclass

from schemes.models import ReportingPeriod

# The months in which a financial-year quarter starts.
QUARTER_START_MONTHS = (1, 4, 7, 10)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date
    due_date: datetime.date


def add_months(day, months):
    """`day` moved on by `months`, kept within the month (31 January + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, monthrange(year, month)[1]))


def end_of_month(year, month):
    return datetime.date(year, month, monthrange(year, month)[1])


def quarter_of(day):
    """The (start, end) of the financial-year quarter containing `day`."""
    start_month = max(month for month in QUARTER_START_MONTHS if month <= day.month)
    start = datetime.date(day.year, start_month, 1)
    end = add_months(start, 3) - datetime.timedelta(days=1)
    return start, end


def reporting_periods(start_date, end_date, due_days):
    """Every quarter overlapping `start_date`..`end_date`, in order, with its due date."""
    periods = []
    quarter_start, quarter_end = quarter_of(start_date)
    while quarter_start <= end_date:
        periods.append(
            Period(quarter_start, quarter_end, quarter_end + datetime.timedelta(days=due_days))
        )
        quarter_start = quarter_end + datetime.timedelta(days=1)
        quarter_end = add_months(quarter_start, 3) - datetime.timedelta(days=1)
    return periods


def sync_periods(agreement):
    """Make the agreement's ReportingPeriod rows match its dates and due days.

    Adds missing quarters, moves due dates, and deletes quarters outside the dates that have
    no report (a quarter with a report is kept: what was reported stays on the record).
    """
    wanted = {
        period.start: period
        for period in reporting_periods(
            agreement.start_date, agreement.end_date, agreement.report_due_days
        )
    }
    existing = {period.start: period for period in agreement.periods.all()}
    for start, period in wanted.items():
        row = existing.get(start)
        if row is None:
            ReportingPeriod.objects.create(
                agreement=agreement, start=start, end=period.end, due_date=period.due_date
            )
        elif row.due_date != period.due_date:
            row.due_date = period.due_date
            row.save(update_fields=["due_date"])
    ReportingPeriod.objects.filter(agreement=agreement, report__isnull=True).exclude(
        start__in=list(wanted)
    ).delete()
