"""`manage.py send_review_reminders`: one reminder per reviewer, before their reviews are due."""

import datetime
from io import StringIO
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from criteria.enums import ConflictKind
from criteria.models import Assignment, ConflictOfInterest, Review
from pacesetter.models import User
from tests.test_reviews import CHAIR, REVIEWER1, REVIEWER2, REVIEWER3, assign, submit_review

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, messages):
        raise SMTPException("Connection refused")


@pytest.fixture(autouse=True)
def no_assignments(db):
    """Start from a panel with nobody assigned: the demo data's own reviews are left out."""
    Assignment.objects.all().delete()


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def run(*args):
    """Run the command as cron would: its transactions commit, so its mail is queued and sent."""
    out, err = StringIO(), StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_review_reminders", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_reminder_goes_to_a_reviewer_whose_review_is_due_within_three_days():
    due = assign(REVIEWER1, due_date=in_days(2))

    output = run()

    assert output == ("Sent 1 review reminder.", "")
    assert recipients() == [REVIEWER1]
    message = mail.outbox[0]
    assert message.subject == "Reminder: your review is due soon"
    assert (
        f'- PS-2020-CAV-001, "Embedding Quality Improvement in Primary Care": due '
        f"{due.due_date:%-d %B %Y}"
    ) in message.body.splitlines()
    due.refresh_from_db()
    assert due.reminded_at is not None


def test_reminders_run_twice_send_once():
    assign(REVIEWER1, due_date=in_days(1))
    run()
    mail.outbox.clear()

    output = run()

    assert output == ("Sent 0 review reminders.", "")
    assert mail.outbox == []


def test_one_reminder_lists_all_of_a_reviewers_due_reviews():
    assign(REVIEWER1, due_date=in_days(3))
    assign(REVIEWER1, "PS-2018-HDD-001", due_date=in_days(0))

    output = run()

    assert output == ("Sent 1 review reminder.", "")
    assert mail.outbox[0].subject == "Reminder: your reviews are due soon"
    body = mail.outbox[0].body.splitlines()
    assert [line.split(",")[0] for line in body if line.startswith("- ")] == [
        "- PS-2018-HDD-001",
        "- PS-2020-CAV-001",
    ]


def test_reminder_reaches_an_overdue_review_never_reminded():
    assign(REVIEWER1, due_date=in_days(-2))

    assert run() == ("Sent 1 review reminder.", "")
    assert recipients() == [REVIEWER1]


def test_reminder_waits_until_the_review_is_due_within_the_days_given():
    later = assign(REVIEWER1, due_date=in_days(5))

    assert run() == ("Sent 0 review reminders.", "")
    assert run("--days", "7") == ("Sent 1 review reminder.", "")
    later.refresh_from_db()
    assert later.reminded_at is not None


def test_reminders_skip_submitted_withdrawn_conflicted_reminded_and_undated_reviews():
    submitted = assign(REVIEWER1, due_date=in_days(1))
    submit_review(submitted)
    assign(REVIEWER2, due_date=in_days(1), withdrawn_at=timezone.now())
    assign(REVIEWER3, due_date=in_days(1))  # employed by Cardiff and Vale
    declared = assign(CHAIR, due_date=in_days(1))
    ConflictOfInterest.objects.create(
        reviewer=declared.reviewer,
        organisation=declared.application.organisation,
        kind=ConflictKind.PERSONAL,
    )
    assign(REVIEWER2, "PS-2018-HDD-001", due_date=in_days(1), reminded_at=timezone.now())
    assign(CHAIR, "PS-2018-HDD-001")

    output = run()

    assert output == ("Sent 0 review reminders.", "")
    assert mail.outbox == []


def test_reminder_goes_to_a_review_in_progress():
    started = assign(REVIEWER2, due_date=in_days(1))
    Review.objects.create(assignment=started)

    assert run() == ("Sent 1 review reminder.", "")
    assert recipients() == [REVIEWER2]


def test_reminders_skip_an_application_conflict_but_not_the_organisations_others():
    conflicted = assign(REVIEWER1, due_date=in_days(1))
    ConflictOfInterest.objects.create(
        reviewer=conflicted.reviewer,
        application=conflicted.application,
        kind=ConflictKind.FINANCIAL,
    )
    assign(REVIEWER2, due_date=in_days(1))

    assert run() == ("Sent 1 review reminder.", "")
    assert recipients() == [REVIEWER2]


def test_reminders_skip_inactive_reviewers():
    assign(REVIEWER1, due_date=in_days(1))
    User.objects.filter(email=REVIEWER1).update(is_active=False)

    assert run() == ("Sent 0 review reminders.", "")


def test_reminder_is_written_in_the_reviewers_language():
    User.objects.filter(email=REVIEWER2).update(language="cy")
    assign(REVIEWER1, due_date=in_days(1))
    welsh = assign(REVIEWER2, due_date=in_days(1))

    run()

    bodies = {message.to[0]: message.body.splitlines() for message in mail.outbox}
    line = '%(reference)s, "%(title)s": due %(due)s'
    words = {"reference": welsh.application.reference, "title": welsh.application.title}
    with translation.override("cy"):
        welsh_date = date_format(welsh.due_date, "j F Y")
        welsh_line = "- " + gettext(line) % {**words, "due": welsh_date}
    assert welsh_date != f"{welsh.due_date:%-d %B %Y}"
    assert welsh_line in bodies[REVIEWER2]
    assert "- " + line % {**words, "due": f"{welsh.due_date:%-d %B %Y}"} in bodies[REVIEWER1]


def test_reminder_that_cannot_be_sent_fails_in_the_worker_and_is_not_claimed_again(
    settings, caplog
):
    due = assign(REVIEWER1, due_date=in_days(1))
    settings.EMAIL_BACKEND = "tests.test_review_reminders.RefusingBackend"

    output = run()

    # Sending is the worker's: it logs the failure and tries again (tests/test_mail.py).
    assert output == ("Sent 1 review reminder.", "")
    assert [
        record.getMessage() for record in caplog.records if record.name == "pacesetter.mail"
    ] == ["A mail could not be sent (attempt 1); giving up"]
    due.refresh_from_db()
    assert due.reminded_at is not None
    assert run() == ("Sent 0 review reminders.", "")


def test_reminders_refuse_a_negative_number_of_days():
    assign(REVIEWER1, due_date=in_days(-1))

    with pytest.raises(CommandError, match="--days must be 0 or more."):
        run("--days", "-1")

    assert mail.outbox == []


def test_reminder_goes_to_a_reviewer_with_no_employer_on_record():
    from tests.factories.reviews import ReviewerFactory

    reviewer = ReviewerFactory(organisation=None)
    Assignment.objects.create(
        application=assign(REVIEWER1).application,
        reviewer=reviewer,
        assigned_by=User.objects.get(email="manager@example.org"),
        due_date=in_days(1),
    )

    assert run() == ("Sent 1 review reminder.", "")
    assert recipients() == [reviewer.email]
