"""Quarterly reports: started for an ended period, saved as you go, submitted, then accepted
or returned by Welsh Government (and resubmitted). Every submission is kept whole.

Moves go through `REPORT_TRANSITIONS` and `pacesetter.transitions.transition`; content
saves claim the report's version. Every function is keyword-only, runs in one transaction
and writes one audit event.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.permissions import can
from pacesetter.transitions import Move, Refused, transition
from schemes.domain.monitoring.common import (
    NOTHING_SAVED,
    as_number,
    board_leads,
    claim_version,
    mail_people,
    money_or_error,
)
from schemes.enums import (
    REPORT_EDITABLE_STATUSES,
    AgreementStatus,
    BudgetCategory,
    MilestoneStatus,
    Rating,
    ReportStatus,
    SchemeStatus,
)
from schemes.models import (
    DeliveryAgreement,
    MeasureValue,
    MilestoneProgress,
    QuarterlyReport,
    ReportingPeriod,
    ReportVersion,
    SpendLine,
)
from schemes.models.monitoring import LONG_TEXT, SHORT_TEXT, VALUE_LENGTH

R = ReportStatus

REPORT_TRANSITIONS = {
    (R.DRAFT, R.SUBMITTED): Move("schemes.edit_report", AuditAction.REPORT_SUBMITTED),
    (R.RETURNED, R.SUBMITTED): Move("schemes.edit_report", AuditAction.REPORT_RESUBMITTED),
    (R.SUBMITTED, R.ACCEPTED): Move("schemes.review_report", AuditAction.REPORT_ACCEPTED),
    (R.SUBMITTED, R.RETURNED): Move("schemes.review_report", AuditAction.REPORT_RETURNED),
}

AGREEMENT_NOT_ACCEPTED = gettext_lazy(
    "Reports start once the delivery agreement has been accepted."
)
PERIOD_NOT_ENDED = gettext_lazy(
    "This quarter has not ended yet, so its report cannot be started. Start it on or after %(day)s."
)
ALREADY_STARTED = gettext_lazy("A report for this quarter has already been started.")
NOT_EDITABLE = gettext_lazy("This report cannot be changed: it has been submitted or accepted.")
INCOMPLETE = gettext_lazy("The report has not been submitted. Put right what is marked below.")
REPORT_CHANGED = gettext_lazy("This report changed while you were working on it.")

# The report's own fields a save may change, and the longest text each takes.
REPORT_TEXT_FIELDS = {
    "delivery_narrative": LONG_TEXT,
    "spend_narrative": LONG_TEXT,
    "risks": LONG_TEXT,
    "learning": LONG_TEXT,
    "scheme_status_reason": SHORT_TEXT,
}
REPORT_FIELDS = (
    "delivery_rating",
    "spend_rating",
    "scheme_status",
    "scheme_status_date",
    *REPORT_TEXT_FIELDS,
)


def reportable_periods(agreement, *, today=None):
    """The agreement's periods that have ended and have no report yet, oldest first."""
    today = today or timezone.localdate()
    return agreement.periods.filter(end__lt=today, report__isnull=True).order_by("start")


def report_start(*, agreement, period, acting_user, today=None):
    """Start the report for an ended period of an accepted agreement; return it.

    The report starts with a progress row for every milestone (no status yet), a spend
    line for every category the profile has in the period's financial year (£0.00 spent and
    forecast), a value row for every measure, and the scheme's status carried on from the
    latest earlier report. PermissionDenied for anyone but a lead of the board; Refused for
    an agreement not accepted, a period that has not ended (PERIOD_NOT_ENDED) and a period
    that already has a report (ALREADY_STARTED). Writes REPORT_STARTED.
    """
    if not can(acting_user, "schemes.start_report", agreement):
        raise PermissionDenied
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            current = DeliveryAgreement.objects.select_related("application").get(pk=agreement.pk)
            period = ReportingPeriod.objects.get(pk=period.pk, agreement=current)
            if current.status != AgreementStatus.ACCEPTED:
                raise Refused(AGREEMENT_NOT_ACCEPTED)
            if period.end >= today:
                day = period.end + datetime.timedelta(days=1)
                raise Refused(PERIOD_NOT_ENDED % {"day": f"{day:%d/%m/%Y}"})
            if QuarterlyReport.objects.filter(period=period).exists():
                raise Refused(ALREADY_STARTED)
            earlier = (
                QuarterlyReport.objects.filter(agreement=current, period__start__lt=period.start)
                .order_by("-period__start")
                .first()
            )
            report = QuarterlyReport(agreement=current, period=period, started_by=acting_user)
            if earlier is not None:
                report.scheme_status = earlier.scheme_status
                report.scheme_status_date = earlier.scheme_status_date
                report.scheme_status_reason = earlier.scheme_status_reason
            report._history_user = acting_user
            report.save()
            _start_rows(report, current, period)
            audit_record(
                AuditAction.REPORT_STARTED,
                actor=acting_user,
                obj=report,
                to_state=report.status,
                details={
                    "period_start": period.start.isoformat(),
                    "period_end": period.end.isoformat(),
                },
            )
    except IntegrityError:  # the same period started a moment ago, in another request
        raise Refused(ALREADY_STARTED) from None
    return report


def _start_rows(report, agreement, period):
    MilestoneProgress.objects.bulk_create(
        MilestoneProgress(report=report, milestone=milestone)
        for milestone in agreement.milestones.all()
    )
    categories = agreement.profile_lines.filter(financial_year=period.financial_year).values_list(
        "category", flat=True
    )
    SpendLine.objects.bulk_create(
        SpendLine(report=report, category=category) for category in categories
    )
    MeasureValue.objects.bulk_create(
        MeasureValue(report=report, measure=measure) for measure in agreement.measures.all()
    )


@dataclass(frozen=True)
class MilestoneEntry:
    status: str
    comment: str = ""


@dataclass(frozen=True)
class SpendEntry:
    """Spend as typed: text ("1,250.50") or a Decimal, for the period and the rest of the year."""

    actual: object
    forecast: object


@dataclass(frozen=True)
class MeasureEntry:
    value: str = ""
    not_collected: bool = False
    reason: str = ""


def _report_field_problems(fields):
    errors = {}
    for name in ("delivery_rating", "spend_rating"):
        if name in fields and fields[name] not in ("", *Rating.values):
            errors[name] = _("Choose red, amber or green")
    if "scheme_status" in fields and fields["scheme_status"] not in SchemeStatus.values:
        errors["scheme_status"] = _("Choose the scheme’s status")
    for name, limit in REPORT_TEXT_FIELDS.items():
        if len(str(fields.get(name) or "")) > limit:
            errors[name] = _("Enter %(limit)s characters or fewer") % {"limit": f"{limit:,}"}
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"not fields of a report: {sorted(unknown)}")
    return errors


def _spend_problems(report, spend):
    """Errors by field for spend {category: SpendEntry}; the amounts as Decimals."""
    errors, amounts = {}, {}
    profiled = set(
        report.agreement.profile_lines.filter(
            financial_year=report.period.financial_year
        ).values_list("category", flat=True)
    )
    for category, entry in spend.items():
        if category not in profiled:
            label = (
                BudgetCategory(category).label if category in BudgetCategory.values else category
            )
            errors[f"spend-{category}"] = _(
                "The budget profile has no %(category)s for this year, so no spend can be "
                "recorded against it"
            ) % {"category": str(label).lower()}
            continue
        actual, actual_error = money_or_error(entry.actual)
        forecast, forecast_error = money_or_error(entry.forecast)
        if actual_error:
            errors[f"spend-{category}-actual"] = actual_error
        if forecast_error:
            errors[f"spend-{category}-forecast"] = forecast_error
        if not actual_error and not forecast_error:
            amounts[category] = (actual, forecast)
    return errors, amounts


def _measure_problems(report, measures):
    errors = {}
    known = {measure.pk: measure for measure in report.agreement.measures.all()}
    for pk, entry in measures.items():
        measure = known.get(pk)
        if measure is None:
            errors[f"measure-{pk}"] = _("Choose measures of this agreement")
            continue
        value = str(entry.value or "").strip()
        if len(value) > VALUE_LENGTH:
            errors[f"measure-{pk}-value"] = _("Enter %(limit)s characters or fewer") % {
                "limit": VALUE_LENGTH
            }
        elif value and not entry.not_collected and measure.is_numeric and as_number(value) is None:
            errors[f"measure-{pk}-value"] = _(
                "Enter a number for %(measure)s, like 12.5, or say it was not collected"
            ) % {"measure": measure.name}
        if len(str(entry.reason or "")) > SHORT_TEXT:
            errors[f"measure-{pk}-reason"] = _("Enter %(limit)s characters or fewer") % {
                "limit": f"{SHORT_TEXT:,}"
            }
    return errors


def _milestone_problems(report, milestones):
    errors = {}
    known = set(report.milestone_progress.values_list("milestone_id", flat=True))
    for pk, entry in milestones.items():
        if pk not in known:
            errors[f"milestone-{pk}"] = _("Choose milestones of this agreement")
        elif entry.status not in ("", *MilestoneStatus.values):
            errors[f"milestone-{pk}-status"] = _(
                "Choose not started, on track, at risk, late or done"
            )
        elif len(str(entry.comment or "")) > SHORT_TEXT:
            errors[f"milestone-{pk}-comment"] = _("Enter %(limit)s characters or fewer") % {
                "limit": f"{SHORT_TEXT:,}"
            }
    return errors


def _check_can_change(report, acting_user):
    if not can(acting_user, "schemes.view_report", report):
        raise PermissionDenied
    if report.status not in REPORT_EDITABLE_STATUSES:
        raise Refused(NOT_EDITABLE)
    if not can(acting_user, "schemes.edit_report", report):
        raise PermissionDenied


def report_save(
    report,
    *,
    expected_version,
    acting_user,
    fields=None,
    milestones=None,
    spend=None,
    measures=None,
):
    """Save part of a draft or returned report, as the lead goes; return the report fresh.

    `fields` are report fields (REPORT_FIELDS); `milestones` {milestone pk: MilestoneEntry};
    `spend` {category: SpendEntry}; `measures` {measure pk: MeasureEntry}. Only what is given
    changes. Refuses, with `errors` by field and nothing saved: negative or over-precise
    spend, spend on a category the profile lacks for the year, a non-number for a numeric
    measure, text over its limit. Refuses NOT_EDITABLE once submitted or accepted, and
    STALE_EDIT for a page drawn before another save. PermissionDenied for anyone but a lead
    of the board. Writes REPORT_SAVED naming the parts saved.
    """
    fields, milestones = dict(fields or {}), dict(milestones or {})
    spend, measures = dict(spend or {}), dict(measures or {})
    report = QuarterlyReport.objects.select_related("agreement__application", "period").get(
        pk=report.pk
    )
    _check_can_change(report, acting_user)
    errors = _report_field_problems(fields)
    spend_errors, amounts = _spend_problems(report, spend)
    errors.update(spend_errors)
    errors.update(_measure_problems(report, measures))
    errors.update(_milestone_problems(report, milestones))
    if errors:
        raise Refused(NOTHING_SAVED, errors=errors)
    with transaction.atomic():
        fresh = claim_version(
            QuarterlyReport,
            report.pk,
            expected_version=expected_version,
            statuses=REPORT_EDITABLE_STATUSES,
            not_editable=NOT_EDITABLE,
        )
        for name, value in fields.items():
            setattr(fresh, name, value.strip() if isinstance(value, str) else value)
        fresh._history_user = acting_user
        fresh.save()
        for pk, entry in milestones.items():
            row = fresh.milestone_progress.get(milestone_id=pk)
            row.status, row.comment = entry.status, str(entry.comment or "").strip()
            row._history_user = acting_user
            row.save()
        for category, (actual, forecast) in amounts.items():
            row, _created = SpendLine.objects.get_or_create(report=fresh, category=category)
            row.actual, row.forecast = actual, forecast
            row._history_user = acting_user
            row.save()
        for pk, entry in measures.items():
            row, _created = MeasureValue.objects.get_or_create(report=fresh, measure_id=pk)
            row.not_collected = bool(entry.not_collected)
            row.value = "" if row.not_collected else str(entry.value or "").strip()
            row.not_collected_reason = str(entry.reason or "").strip() if row.not_collected else ""
            row._history_user = acting_user
            row.save()
        parts = [
            name
            for name, given in (
                ("fields", fields),
                ("milestones", milestones),
                ("spend", spend),
                ("measures", measures),
            )
            if given
        ]
        audit_record(
            AuditAction.REPORT_SAVED,
            actor=acting_user,
            obj=fresh,
            details={"parts": parts, "fields": sorted(fields)},
        )
    return fresh


def submission_problems(report):
    """What stops `report` being submitted, by field (the same keys `report_save` uses)."""
    errors = {}
    for row in report.milestone_progress.select_related("milestone"):
        if not row.status:
            errors[f"milestone-{row.milestone_id}-status"] = _(
                "Choose the progress of %(milestone)s"
            ) % {"milestone": row.milestone.title}
    for name, narrative, label in (
        ("delivery_rating", "delivery_narrative", _("delivery")),
        ("spend_rating", "spend_narrative", _("spend")),
    ):
        rating = getattr(report, name)
        if not rating:
            errors[name] = _("Choose a %(which)s rating: red, amber or green") % {"which": label}
        elif rating == Rating.RED and not getattr(report, narrative).strip():
            errors[narrative] = _("Explain the red %(which)s rating") % {"which": label}
    for row in report.measure_values.select_related("measure"):
        measure = row.measure
        if row.not_collected:
            if not row.not_collected_reason.strip():
                errors[f"measure-{measure.pk}-reason"] = _(
                    "Say why %(measure)s was not collected"
                ) % {"measure": measure.name}
        elif not row.value.strip():
            errors[f"measure-{measure.pk}-value"] = _(
                "Enter a value for %(measure)s, or say it was not collected and why"
            ) % {"measure": measure.name}
        elif measure.is_numeric and as_number(row.value) is None:
            errors[f"measure-{measure.pk}-value"] = _(
                "Enter a number for %(measure)s, like 12.5, or say it was not collected"
            ) % {"measure": measure.name}
    spend_errors, _amounts = _spend_problems(
        report,
        {
            line.category: SpendEntry(line.actual, line.forecast)
            for line in report.spend_lines.all()
        },
    )
    errors.update(spend_errors)
    if report.scheme_status != SchemeStatus.ONGOING:
        if report.scheme_status_date is None:
            errors["scheme_status_date"] = _("Enter the date the status began")
        if not report.scheme_status_reason.strip():
            errors["scheme_status_reason"] = _("Give the reason for the status")
    return errors


def report_snapshot(report):
    """The whole report as JSON-ready data: what a submitted version keeps."""
    return {
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "delivery_rating": report.delivery_rating,
        "delivery_narrative": report.delivery_narrative,
        "spend_rating": report.spend_rating,
        "spend_narrative": report.spend_narrative,
        "risks": report.risks,
        "learning": report.learning,
        "scheme_status": report.scheme_status,
        "scheme_status_date": (
            report.scheme_status_date.isoformat() if report.scheme_status_date else None
        ),
        "scheme_status_reason": report.scheme_status_reason,
        "milestones": [
            {
                "milestone": row.milestone_id,
                "title": row.milestone.title,
                "due_date": row.milestone.due_date.isoformat(),
                "status": row.status,
                "comment": row.comment,
            }
            for row in report.milestone_progress.select_related("milestone")
        ],
        "spend": [
            {"category": line.category, "actual": str(line.actual), "forecast": str(line.forecast)}
            for line in report.spend_lines.all()
        ],
        "measures": [
            {
                "measure": row.measure_id,
                "name": row.measure.name,
                "value": row.value,
                "not_collected": row.not_collected,
                "not_collected_reason": row.not_collected_reason,
            }
            for row in report.measure_values.select_related("measure")
        ],
    }


def _report_refused(current, to):
    if current.status not in REPORT_EDITABLE_STATUSES and to == R.SUBMITTED:
        return NOT_EDITABLE
    return _("This report is %(status)s, so this cannot be done now.") % {
        "status": current.get_status_display().lower()
    }


def _report_transition(report, *, to, acting_user, reason="", changes=None, mail=None):
    return transition(
        report,
        to=to,
        moves=REPORT_TRANSITIONS,
        acting_user=acting_user,
        reason=str(reason),
        changes=changes,
        mail=mail,
        refused_message=_report_refused,
        changed_message=REPORT_CHANGED,
        select_related=("agreement__application", "period"),
    )


def report_submit(report, *, expected_version, acting_user, now=None):
    """Submit (or resubmit) a complete report; keep it whole as a ReportVersion; return it.

    Refuses with `errors` by field (`submission_problems`): a milestone without a status, a
    missing rating, a red rating without its narrative, a measure with neither a value nor
    a reason it was not collected, a non-number for a numeric measure, spend the profile
    does not allow, a status other than ongoing without its date and reason. Refuses
    NOT_EDITABLE once submitted or accepted and STALE_EDIT for a stale page. Writes
    REPORT_SUBMITTED (REPORT_RESUBMITTED after a return).
    """
    now = now or timezone.now()
    report = QuarterlyReport.objects.select_related("agreement__application", "period").get(
        pk=report.pk
    )
    _check_can_change(report, acting_user)
    with transaction.atomic():
        claim_version(
            QuarterlyReport,
            report.pk,
            expected_version=expected_version,
            statuses=REPORT_EDITABLE_STATUSES,
            not_editable=NOT_EDITABLE,
        )
        problems = submission_problems(report)
        if problems:
            raise Refused(INCOMPLETE, errors=problems)
        moved = _report_transition(
            report,
            to=R.SUBMITTED,
            acting_user=acting_user,
            changes={"submitted_at": now, "submitted_by": acting_user},
        )
        ReportVersion.objects.create(
            report=moved,
            number=moved.versions.count() + 1,
            snapshot=report_snapshot(moved),
            submitted_by=acting_user,
            submitted_at=now,
        )
    return moved


def _mail_board(report, template):
    try:
        url = reverse(
            "schemes:report_detail",
            args=[report.agreement.application.reference, report.period.start.isoformat()],
        )
    except NoReverseMatch:  # the pages come later; the mail still says what to do
        url = ""
    mail_people(
        board_leads(report.agreement.application.organisation_id),
        template,
        {
            "reference": report.agreement.application.reference,
            "title": report.agreement.application.title,
            "period": str(report.period),
            "comments": report.manager_comments,
            "url": url,
        },
    )


def report_accept(report, *, acting_user, comments="", now=None):
    """Accept a submitted report (programme manager), with optional comments; mail the board."""
    comments = str(comments or "").strip()
    if len(comments) > LONG_TEXT:
        raise Refused(
            NOTHING_SAVED,
            errors={
                "comments": _("Enter %(limit)s characters or fewer") % {"limit": f"{LONG_TEXT:,}"}
            },
        )
    return _report_transition(
        report,
        to=R.ACCEPTED,
        acting_user=acting_user,
        reason=comments,
        changes={"manager_comments": comments, "decided_at": now or timezone.now()},
        mail=lambda moved: _mail_board(moved, "schemes/email/report_accepted"),
    )


def report_return(report, *, comments, acting_user, now=None):
    """Return a submitted report to the board with comments (required); mail the board.

    The lead edits and resubmits it; its spend stops counting until then.
    """
    comments = str(comments or "").strip()
    if not comments:
        raise Refused(NOTHING_SAVED, errors={"comments": _("Say what the board should change")})
    if len(comments) > LONG_TEXT:
        raise Refused(
            NOTHING_SAVED,
            errors={
                "comments": _("Enter %(limit)s characters or fewer") % {"limit": f"{LONG_TEXT:,}"}
            },
        )
    return _report_transition(
        report,
        to=R.RETURNED,
        acting_user=acting_user,
        reason=comments,
        changes={"manager_comments": comments, "decided_at": now or timezone.now()},
        mail=lambda moved: _mail_board(moved, "schemes/email/report_returned"),
    )
