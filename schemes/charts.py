"""One scheme's monitoring drawn as charts: spend against budget, each measure over time.

The figures come from `schemes.domain.monitoring.scheme.scheme_monitoring`; the drawing is
`pacesetter.charts.bar_chart`, whose description states every number. Pages show the same
numbers as a table beside each chart.
"""

from django.utils.translation import gettext as _

from pacesetter.charts import Series, bar_chart
from pacesetter.money import format_pounds
from schemes.enums import BudgetCategory
from schemes.models.monitoring import financial_year_label


def spend_chart(document):
    """Approved, spent to date and forecast for each year and category of the agreement."""
    position = document.spend
    rows = position.rows
    return bar_chart(
        title=_("Spend against budget"),
        categories=[
            f"{financial_year_label(row.financial_year)} {_category_label(row.category)}"
            for row in rows
        ],
        series=[
            Series(_("Approved"), [row.figures.approved for row in rows]),
            Series(_("Spent to date"), [row.figures.spent for row in rows]),
            Series(_("Forecast"), [row.figures.forecast for row in rows]),
        ],
        value_format=format_pounds,
        note=_("In all: approved %(approved)s, spent to date %(spent)s, forecast %(forecast)s.")
        % {
            "approved": format_pounds(position.total.approved),
            "spent": format_pounds(position.total.spent),
            "forecast": format_pounds(position.total.forecast),
        },
        chart_id="chart-spend",
    )


def _category_label(category):
    return BudgetCategory(category).label


def _number_text(number):
    return f"{number.normalize():f}" if number is not None else ""


def measure_chart(series, index):
    """The measure's baseline, its value each reported quarter and its target, as bars."""
    measure = series.measure
    categories = [
        _("Baseline (%(date)s)")
        % {"date": f"{measure.baseline_date:%d/%m/%Y}" if measure.baseline_date else _("no date")},
        *[f"{point.period.end:%d/%m/%Y}" for point in series.points],
        _("Target (%(date)s)") % {"date": f"{measure.target_date:%d/%m/%Y}"},
    ]
    values = [
        series.baseline_number,
        *[point.number for point in series.points],
        series.target_number,
    ]
    return bar_chart(
        title=measure.name,
        categories=categories,
        series=[Series(measure.unit, values)],
        value_format=_number_text,
        note=_("Baseline %(baseline)s, target %(target)s; %(trend)s.")
        % {
            "baseline": measure.baseline_value or _("not set"),
            "target": measure.target_value,
            "trend": str(series.trend_label).lower(),
        },
        chart_id=f"chart-measure-{index}",
    )
