"""Spend against budget, the profile's scaling and measure trends: by hand and by hypothesis."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemes.domain.monitoring import (
    MeasureEntry,
    MilestoneEntry,
    SpendEntry,
    Trend,
    measure_trend,
    report_accept,
    report_save,
    report_start,
    report_submit,
    scale_to_approved,
    spend_position,
)
from schemes.domain.monitoring.spend import ReportedSpend, position_from, variance_percent
from schemes.domain.monitoring.trends import trend_of
from schemes.enums import BudgetCategory
from tests.factories.monitoring import accepted_agreement

D = Decimal
THRESHOLD = D("10.00")


def test_position_by_hand_to_the_penny():
    profile = {(2018, "staff"): D("1000.00"), (2018, "evaluation"): D("200.00")}
    reported = [
        ReportedSpend(2018, datetime.date(2018, 6, 30), "staff", D("250.10"), D("900.00")),
        ReportedSpend(2018, datetime.date(2018, 9, 30), "staff", D("300.45"), D("560.00")),
        ReportedSpend(2018, datetime.date(2018, 6, 30), "evaluation", D("20.00"), D("150.00")),
    ]

    position = position_from(profile, reported, THRESHOLD)

    evaluation, staff = position.rows
    # staff: spent 250.10 + 300.45 = 550.55; outturn 550.55 + 560.00 (latest) = 1,110.55;
    # variance 110.55 = 11.055% -> 11.1%, over the 10% threshold.
    assert (staff.figures.spent, staff.figures.forecast, staff.figures.variance) == (
        D("550.55"),
        D("1110.55"),
        D("110.55"),
    )
    assert (staff.figures.variance_percent, staff.figures.flag) == (D("11.1"), "over")
    # evaluation: 20.00 + 150.00 = 170.00 against 200.00: -30.00, -15.0%, under.
    assert (evaluation.figures.variance, evaluation.figures.variance_percent) == (
        D("-30.00"),
        D("-15.0"),
    )
    assert evaluation.figures.flag == "under"
    # Totals: 1,200.00 approved, 570.55 spent, 1,280.55 forecast, 80.55 = 6.7125% -> 6.7%.
    total = position.total
    assert (total.approved, total.spent, total.forecast, total.variance) == (
        D("1200.00"),
        D("570.55"),
        D("1280.55"),
        D("80.55"),
    )
    assert (total.variance_percent, total.flag) == (D("6.7"), "")


def test_position_without_a_report_forecasts_the_approved_amount():
    position = position_from({(2019, "staff"): D("500.00")}, [], THRESHOLD)

    assert position.total == position.years[0].total
    assert (position.total.spent, position.total.forecast, position.total.flag) == (
        D("0.00"),
        D("500.00"),
        "",
    )


def test_variance_percent_rounds_half_up_to_one_place():
    assert variance_percent(D("0.05"), D("1.00")) == D("5.0")
    assert variance_percent(D("1.05"), D("10.00")) == D("10.5")
    assert variance_percent(D("-1.05"), D("10.00")) == D("-10.5")
    assert variance_percent(D("5.00"), D("0.00")) is None


pence = st.integers(min_value=0, max_value=10_000_000).map(lambda p: D(p).scaleb(-2))
keys = st.tuples(st.integers(2018, 2021), st.sampled_from(BudgetCategory.values))


@given(
    profile=st.dictionaries(keys, pence, min_size=1, max_size=12),
    spends=st.lists(
        st.tuples(
            keys, st.dates(datetime.date(2018, 4, 1), datetime.date(2022, 3, 31)), pence, pence
        ),
        max_size=20,
    ),
    threshold=st.integers(0, 50).map(D),
)
def test_position_properties_hold_for_any_budget_and_spend(profile, spends, threshold):
    reported = [
        ReportedSpend(year, end, category, actual, forecast)
        for (year, category), end, actual, forecast in spends
    ]

    position = position_from(profile, reported, threshold)

    lines = [row.figures for row in position.rows]
    for figures in [*lines, *(year.total for year in position.years), position.total]:
        assert figures.variance == figures.forecast - figures.approved
        if figures.approved:
            assert (figures.flag != "") == (abs(figures.variance_percent) > threshold)
            assert (figures.variance_percent > 0) <= (figures.variance > 0)
            assert (figures.variance_percent < 0) <= (figures.variance < 0)
        if figures.flag == "over":
            assert figures.variance > 0
        if figures.flag == "under":
            assert figures.variance < 0
    for field in ("approved", "spent", "forecast", "variance"):
        assert getattr(position.total, field) == sum(
            (getattr(figures, field) for figures in lines), D("0.00")
        )
    assert position.total.spent == sum((actual for _k, _e, actual, _f in spends), D("0.00"))


def test_scale_to_approved_by_hand():
    amounts = {
        (2018, "staff"): D("333.33"),
        (2018, "overheads"): D("33.33"),
        (2019, "staff"): D("0.01"),
    }

    scaled = scale_to_approved(amounts, D("200.00"))

    # 333.33 x 200/366.67 = 181.8147 -> 181.81; 33.33 -> 18.1804 -> 18.18; 0.01 -> 0.00545 ->
    # 0.01: exactly 200.00, so nothing is left over (the remainder case: tests/test_monitoring.py).
    assert scaled == {
        (2018, "overheads"): D("18.18"),
        (2018, "staff"): D("181.81"),
        (2019, "staff"): D("0.01"),
    }


@given(
    amounts=st.dictionaries(
        keys, st.integers(1, 10_000_000).map(lambda p: D(p).scaleb(-2)), min_size=1, max_size=40
    ),
    share=st.fractions(min_value=0, max_value=1),
)
def test_scale_to_approved_sums_exactly_and_stays_close(amounts, share):
    requested = sum(amounts.values())
    approved = max(
        D("100.00"), (requested * D(share.numerator) / D(share.denominator)).quantize(D("0.01"))
    )
    if approved > requested:
        return

    scaled = scale_to_approved(amounts, approved)

    assert sum(scaled.values()) == approved
    assert set(scaled) == set(amounts)
    assert all(amount >= 0 and amount == amount.quantize(D("0.01")) for amount in scaled.values())
    largest = max(scaled.values())
    off = [abs(scaled[key] - amounts[key] * approved / requested) for key in amounts]
    assert sum(value > D("0.005") for value in off) <= 1  # only the largest line carries more
    assert max(off) <= D("0.005") * len(amounts) + D("0.005")
    assert largest > 0


@pytest.mark.parametrize(
    ("reference", "latest", "target", "trend"),
    [
        (D("4"), D("6"), D("10"), Trend.TOWARD),
        (D("4"), D("3"), D("10"), Trend.AWAY),
        (D("20"), D("15"), D("10"), Trend.TOWARD),
        (D("4"), D("4"), D("10"), Trend.NO_CHANGE),
        (D("5"), D("6"), D("5"), Trend.AWAY),
        (None, D("6"), D("10"), Trend.UNKNOWN),
    ],
)
def test_trend_of_compares_distances_to_the_target(reference, latest, target, trend):
    assert trend_of(reference, latest, target) == trend


@pytest.mark.django_db
def test_spend_position_counts_submitted_and_accepted_reports_only(demo_user):
    manager = demo_user("manager@example.org")
    agreement, lead = accepted_agreement(manager=manager)  # £900.00 of staff in 2018-19
    first, second = agreement.periods.order_by("start")[:2]
    reports = []
    for period, actual, forecast in ((first, "100.00", "800.00"), (second, "250.00", "450.00")):
        report = report_start(
            agreement=agreement, period=period, acting_user=lead, today=datetime.date(2018, 10, 5)
        )
        report = report_save(
            report,
            expected_version=report.version,
            acting_user=lead,
            fields={"delivery_rating": "green", "spend_rating": "green"},
            milestones={
                pk: MilestoneEntry("on_track")
                for pk in report.milestone_progress.values_list("milestone", flat=True)
            },
            spend={"staff": SpendEntry(actual, forecast)},
            measures={
                pk: MeasureEntry(value=value)
                for pk, value in zip(
                    report.measure_values.values_list("measure", flat=True), ("6", "3"), strict=True
                )
            },
        )
        reports.append(report)
    report_accept(
        report_submit(reports[0], expected_version=reports[0].version, acting_user=lead),
        acting_user=manager,
    )

    only_first = spend_position(agreement)
    report_submit(reports[1], expected_version=reports[1].version, acting_user=lead)
    both = spend_position(agreement)

    assert (only_first.total.spent, only_first.total.forecast) == (D("100.00"), D("900.00"))
    # 100.00 + 250.00 spent; the latest forecast (450.00) added: 800.00, -11.1%, under.
    assert (both.total.spent, both.total.forecast, both.total.variance) == (
        D("350.00"),
        D("800.00"),
        D("-100.00"),
    )
    assert (both.total.variance_percent, both.total.flag) == (D("-11.1"), "under")
    outcome = agreement.measures.get(kind="outcome")  # baseline 4, target 10, reported 6
    balancing = agreement.measures.get(kind="balancing")  # baseline 4, target 10, reported 3
    assert measure_trend(outcome).trend == Trend.TOWARD
    assert measure_trend(balancing).trend == Trend.AWAY
