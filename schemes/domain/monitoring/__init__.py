"""Monitoring after funding: one package, split by concept.

- `agreements`: delivery agreements, milestones, budget profile, measures, variations;
- `reports`: quarterly reports (start, save, submit, accept, return) and their versions;
- `spend`: spend against budget (`spend_position`, the one owner of those figures);
- `trends`: whether measures move toward their targets (`measure_trend`);
- `periods`: the reporting schedule (quarters of the financial year);
- `reminders`: reports due soon and overdue, and reminders sent once.

Pages import the functions from here.
"""

from schemes.domain.monitoring.agreements import (
    AGREEMENT_TRANSITIONS,
    MEASURE_FIELDS,
    VARIATION_TRANSITIONS,
    MilestoneInput,
    acceptance_problems,
    agreement_accept,
    agreement_create_from_application,
    agreement_reopen,
    agreement_send_for_acceptance,
    agreement_update,
    budget_profile,
    measure_add,
    measure_change,
    measure_problems,
    measure_remove,
    milestones_from_key_stages,
    scale_to_approved,
    variation_approve,
    variation_propose,
    variation_refuse,
)
from schemes.domain.monitoring.common import STALE_EDIT
from schemes.domain.monitoring.periods import reporting_periods
from schemes.domain.monitoring.reminders import (
    overdue_reports,
    reports_due_soon,
    send_reminders,
)
from schemes.domain.monitoring.reports import (
    REPORT_TRANSITIONS,
    MeasureEntry,
    MilestoneEntry,
    SpendEntry,
    report_accept,
    report_return,
    report_save,
    report_snapshot,
    report_start,
    report_submit,
    reportable_periods,
    submission_problems,
)
from schemes.domain.monitoring.spend import spend_position, spend_positions
from schemes.domain.monitoring.trends import Trend, measure_trend, measure_trends

__all__ = [
    "AGREEMENT_TRANSITIONS",
    "MEASURE_FIELDS",
    "REPORT_TRANSITIONS",
    "STALE_EDIT",
    "VARIATION_TRANSITIONS",
    "MeasureEntry",
    "MilestoneEntry",
    "MilestoneInput",
    "SpendEntry",
    "Trend",
    "acceptance_problems",
    "agreement_accept",
    "agreement_create_from_application",
    "agreement_reopen",
    "agreement_send_for_acceptance",
    "agreement_update",
    "budget_profile",
    "measure_add",
    "measure_change",
    "measure_problems",
    "measure_remove",
    "measure_trend",
    "measure_trends",
    "milestones_from_key_stages",
    "overdue_reports",
    "report_accept",
    "report_return",
    "report_save",
    "report_snapshot",
    "report_start",
    "report_submit",
    "reportable_periods",
    "reporting_periods",
    "reports_due_soon",
    "scale_to_approved",
    "send_reminders",
    "spend_position",
    "spend_positions",
    "submission_problems",
    "variation_approve",
    "variation_propose",
    "variation_refuse",
]
