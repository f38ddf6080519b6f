"""Remind boards of quarterly reports due in 7 days or overdue; run it daily from a scheduler."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from schemes.domain.monitoring import send_reminders


def iso_date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("--today must be a date like 2019-07-13.")) from error


class Command(BaseCommand):
    help = (
        "Email each board's leads about quarterly reports due within 7 days, and the leads "
        "and programme managers about overdue ones. Each reminder goes once: the domain "
        "records it before sending, so running this again, or on several servers at once, "
        "sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=iso_date,
            default=None,
            help="Send the reminders due on this date (YYYY-MM-DD) instead of today.",
        )

    def handle(self, *args, today, **options):
        due_soon, overdue = send_reminders(today=today)
        self.stdout.write(
            ngettext(
                "Sent %(count)d reminder of a report due soon.",
                "Sent %(count)d reminders of reports due soon.",
                due_soon,
            )
            % {"count": due_soon}
        )
        self.stdout.write(
            ngettext(
                "Sent %(count)d reminder of an overdue report.",
                "Sent %(count)d reminders of overdue reports.",
                overdue,
            )
            % {"count": overdue}
        )
