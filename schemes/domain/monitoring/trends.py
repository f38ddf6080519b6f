"""Whether a measure's latest value has moved toward its target or away from it.

The reference is the baseline (or, without one, the first value reported). The latest value
is the one of the latest counted report (submitted or accepted) that has a number for the
measure. It is "toward" when it is closer to the target than the reference was, "away" when
it is further, "no change" when it is as close. A measure that is not numeric, has no
number yet, or whose baseline or target is not a number has no trend ("unknown").
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from schemes.domain.monitoring.common import as_number
from schemes.enums import REPORT_COUNTED_STATUSES
from schemes.models import Measure, MeasureValue


class Trend(models.TextChoices):
    TOWARD = "toward", _("Moving toward target")
    AWAY = "away", _("Moving away from target")
    NO_CHANGE = "no_change", _("No change")
    UNKNOWN = "unknown", _("Not enough data")


@dataclass(frozen=True)
class MeasureTrend:
    measure: Measure
    trend: str
    reference: Decimal | None
    latest: Decimal | None
    target: Decimal | None


def trend_of(reference, latest, target):
    """The Trend of `latest` against `reference`, as distances from `target` (pure)."""
    if reference is None or latest is None or target is None:
        return Trend.UNKNOWN
    before, now = abs(target - reference), abs(target - latest)
    if now < before:
        return Trend.TOWARD
    if now > before:
        return Trend.AWAY
    return Trend.NO_CHANGE


def _trend(measure, numbers):
    """`numbers` are the measure's reported numbers, oldest first."""
    target = as_number(measure.target_value) if measure.is_numeric else None
    baseline = as_number(measure.baseline_value) if measure.is_numeric else None
    if not measure.is_numeric or not numbers:
        return MeasureTrend(measure, Trend.UNKNOWN, baseline, None, target)
    reference = baseline if baseline is not None else numbers[0]
    latest = numbers[-1]
    if baseline is None and len(numbers) < 2:
        return MeasureTrend(measure, Trend.UNKNOWN, reference, latest, target)
    return MeasureTrend(measure, trend_of(reference, latest, target), reference, latest, target)


def measure_trends(agreements):
    """{measure pk: MeasureTrend} for every measure of `agreements`, in two queries."""
    ids = [agreement.pk for agreement in agreements]
    measures = list(Measure.objects.filter(agreement_id__in=ids))
    numbers = {measure.pk: [] for measure in measures}
    rows = (
        MeasureValue.objects.filter(
            measure__agreement_id__in=ids,
            report__status__in=REPORT_COUNTED_STATUSES,
            not_collected=False,
        )
        .order_by("report__period__start")
        .values_list("measure_id", "value")
    )
    for measure_id, value in rows:
        number = as_number(value)
        if number is not None:
            numbers[measure_id].append(number)
    return {measure.pk: _trend(measure, numbers[measure.pk]) for measure in measures}


def measure_trend(measure):
    """The trend of one measure (see the module's docstring)."""
    return measure_trends([measure.agreement])[measure.pk]
