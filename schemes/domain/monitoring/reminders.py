"""Reports falling due and overdue, and the reminders about them, each sent once.

A period is *owed* while its agreement is accepted and its report is not started or still a
draft. It is due soon when its due date is within the next 7 days (today included) and
overdue once its due date has passed. A returned report is not overdue: the board has
reported, and Welsh Government waits for its changes.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from schemes.domain.monitoring.common import board_leads, mail_people, programme_managers
from schemes.enums import AgreementStatus, ReminderKind, ReportStatus
from schemes.models import MonitoringReminder, ReportingPeriod

DUE_SOON_DAYS = 7


def owed_periods():
    """Periods of accepted agreements whose report is not yet submitted (none, or a draft)."""
    return ReportingPeriod.objects.filter(agreement__status=AgreementStatus.ACCEPTED).filter(
        Q(report__isnull=True) | Q(report__status=ReportStatus.DRAFT)
    )


def reports_due_soon(*, today=None, days=DUE_SOON_DAYS):
    """Owed periods due from today to `days` days ahead, soonest first."""
    today = today or timezone.localdate()
    return (
        owed_periods()
        .filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days))
        .select_related("agreement__application__organisation")
        .order_by("due_date", "agreement__application__reference")
    )


def overdue_reports(*, today=None):
    """Owed periods whose due date has passed, oldest first."""
    today = today or timezone.localdate()
    return (
        owed_periods()
        .filter(due_date__lt=today)
        .select_related("agreement__application__organisation")
        .order_by("due_date", "agreement__application__reference")
    )


TEMPLATES = {
    ReminderKind.DUE_SOON: "schemes/email/report_due",
    ReminderKind.OVERDUE: "schemes/email/report_overdue",
}


def send_reminder(period, kind):
    """Send one reminder for `period` unless it was sent before; return whether it was sent.

    The MonitoringReminder row is inserted first and the mail queued in the same
    transaction: of two servers running at once, the second waits for the first's insert,
    meets the unique (period, kind) and queues nothing. The mail goes to the board's leads
    (and, when overdue, the programme managers), each in their own language, once the claim
    commits; one audit event, by the portal, records it.
    """
    application = period.agreement.application
    try:
        with transaction.atomic():
            MonitoringReminder.objects.create(period=period, kind=kind)
            audit_record(
                AuditAction.REMINDER_SENT,
                actor=None,
                obj=period,
                details={"kind": kind, "due_date": period.due_date.isoformat()},
            )
            recipients = board_leads(application.organisation_id)
            if kind == ReminderKind.OVERDUE:
                recipients += programme_managers()
            mail_people(
                recipients,
                TEMPLATES[kind],
                {
                    "reference": application.reference,
                    "title": application.title,
                    "period": period,
                    "due_date": period.due_date,
                },
            )
    except IntegrityError:
        return False
    return True


def send_reminders(*, today=None):
    """Send every reminder due today that has not been sent; return (due soon, overdue) sent."""
    today = today or timezone.localdate()
    due = sum(
        send_reminder(period, ReminderKind.DUE_SOON) for period in reports_due_soon(today=today)
    )
    late = sum(
        send_reminder(period, ReminderKind.OVERDUE) for period in overdue_reports(today=today)
    )
    return due, late
