"""Every email: in the recipient's recorded language, queued after commit, sent by the worker."""

import datetime
import json
from smtplib import SMTPException
from unittest import mock

import jwt
import pytest
import requests
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django_tasks_db.models import DBTaskResult

from criteria.domain import assignments as assignment_domain
from criteria.domain import reviews as review_domain
from criteria.domain.feedback import feedback_release
from criteria.management.commands.send_review_reminders import remind
from criteria.models import Assignment
from pacesetter import people
from pacesetter.enums import Role
from pacesetter.mail import deliver_mail, mail_queue
from pacesetter.mail_backends import NotifyEmailBackend
from pacesetter.models import Invitation, Organisation, User
from pacesetter.times import govuk_datetime
from schemes.domain import applications as application_domain
from schemes.domain.monitoring import (
    agreement_create_from_application,
    agreement_send_for_acceptance,
    report_accept,
    report_return,
    report_submit,
    send_reminders,
)
from tests.factories import UserFactory
from tests.factories.monitoring import (
    accepted_agreement,
    add_required_measures,
    approved_application,
    lead_of,
    remove_demo_monitoring,
)
from tests.test_applicant_journey import complete as complete_application
from tests.test_applicant_journey import demo_round, draft  # noqa: F401 (fixtures)
from tests.test_assignments import closed_round  # noqa: F401 (a fixture)
from tests.test_feedback import cav, decided, in_review, pth, reviewers  # noqa: F401 (fixtures)
from tests.test_monitoring import complete as complete_report
from tests.test_reviews import REVIEWER1, REVIEWER2, assign, submit_review

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
CAV = "applicant.cav@example.org"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def manager(demo_user):
    return demo_user(MANAGER)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the transaction would run on commit (the test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def in_language(language, msgid, **words):
    with translation.override(language):
        return gettext(msgid) % words


def sent_to(address):
    """The one message sent to `address`."""
    (message,) = [message for message in mail.outbox if message.to == [address]]
    return message


def language_and_subject(message):
    return message.extra_headers["Content-Language"], message.subject


def welsh_speaker(**fields):
    return UserFactory(language="cy", **fields)


# Each kind of email, in each recipient's language -------------------------------------------


# Mail to a board about an application comes in the application's language (commit 1b67f06,
# "Apply in Welsh"), whatever each lead recorded; every other email follows its reader's.


@pytest.mark.parametrize("language", ["cy", "en"])
def test_receipt_goes_to_each_applicant_of_the_board_in_the_applications_language(
    draft,  # noqa: F811
    demo_user,
    committed,
    language,
):
    welsh = welsh_speaker(organisation=draft.organisation, role=Role.APPLICANT)
    draft.language = language
    draft.save()
    complete_application(draft, demo_user(CAV))

    with committed():
        application_domain.application_submit(draft, acting_user=demo_user(CAV))

    draft.refresh_from_db()
    subject = in_language(
        language, "Application %(reference)s submitted", reference=draft.reference
    )
    with translation.override(language):
        received = gettext("We received it on %(when)s.") % {
            "when": govuk_datetime(draft.submitted_at)
        }
    for address in (CAV, welsh.email):
        assert language_and_subject(sent_to(address)) == (language, subject)
        assert received in sent_to(address).body.splitlines()
    # The Welsh catalogue has the subject, and the date is written in Welsh.
    assert (subject == "Application PS-2027-CAV-001 submitted") == (language == "en")
    assert (f"{timezone.localtime(draft.submitted_at):%B}" in received) == (language == "en")


def test_clarification_request_goes_in_the_applications_language(
    draft,  # noqa: F811
    demo_user,
    manager,
    committed,
):
    welsh = welsh_speaker(organisation=draft.organisation, role=Role.APPLICANT)
    draft.language = "cy"
    draft.save()
    complete_application(draft, demo_user(CAV))
    submitted = application_domain.application_submit(draft, acting_user=demo_user(CAV))
    mail.outbox.clear()

    with committed():
        application_domain.application_return_for_clarification(
            submitted, message="Say more about the evaluation.", acting_user=manager
        )

    subject = in_language(
        "cy", "Clarification requested for %(reference)s", reference="PS-2027-CAV-001"
    )
    assert language_and_subject(sent_to(welsh.email)) == ("cy", subject)
    assert language_and_subject(sent_to(CAV)) == ("cy", subject)
    assert "Say more about the evaluation." in sent_to(CAV).body.splitlines()


def test_assignment_goes_in_each_reviewers_language(
    closed_round,  # noqa: F811
    manager,
    committed,
):
    User.objects.filter(email=REVIEWER1).update(language="cy")

    with committed():
        assignment_domain.assignments_balance(
            round=closed_round, per_application=1, acting_user=manager
        )

    msgid = "You have been asked to review %(reference)s"
    languages = dict(User.objects.values_list("email", "language"))
    assert sorted(languages[message.to[0]] for message in mail.outbox) == [
        "cy",
        "en",
        "en",
        "en",
    ]
    for message in mail.outbox:
        language = languages[message.to[0]]
        reference = message.subject.split()[-1]
        assert language_and_subject(message) == (
            language,
            in_language(language, msgid, reference=reference),
        )


def test_reopened_review_is_written_in_the_reviewers_language(manager, committed):
    Assignment.objects.all().delete()  # the demo's own reviews are left out
    User.objects.filter(email=REVIEWER1).update(language="cy")
    review = submit_review(assign(REVIEWER1))

    with committed():
        review_domain.review_reopen(
            review=review, reason="Score 3 needs a reason.", acting_user=manager
        )

    assert language_and_subject(sent_to(REVIEWER1)) == (
        "cy",
        in_language(
            "cy", "Your review of %(reference)s has been reopened", reference="PS-2020-CAV-001"
        ),
    )


def test_review_reminder_subject_is_in_the_reviewers_language(committed):
    Assignment.objects.all().delete()  # the demo's own reviews are left out
    User.objects.filter(email=REVIEWER2).update(language="cy")
    due = timezone.localdate() + datetime.timedelta(days=1)
    welsh = assign(REVIEWER2, due_date=due)
    english = assign(REVIEWER1, due_date=due)

    with committed():
        remind(welsh.reviewer, [welsh], timezone.now())
        remind(english.reviewer, [english], timezone.now())

    singular, plural = "Reminder: your review is due soon", "Reminder: your reviews are due soon"
    with translation.override("cy"):
        welsh_subject = ngettext(singular, plural, 1)
    assert language_and_subject(sent_to(REVIEWER2)) == ("cy", welsh_subject)
    assert language_and_subject(sent_to(REVIEWER1)) == ("en", singular)
    assert welsh_subject != singular


def test_feedback_and_decisions_go_in_each_applicants_language(
    decided,  # noqa: F811
    manager,
    committed,
):
    welsh = welsh_speaker(organisation=Organisation.objects.get(code="CAV"), role=Role.APPLICANT)
    title = decided.applications.get(reference="PS-2027-CAV-001").title

    with committed():
        feedback_release(round=decided, acting_user=manager)

    msgid = "Feedback on your application to %(round)s"
    with translation.override("cy"):
        welsh_round = decided.name
    assert language_and_subject(sent_to(welsh.email)) == (
        "cy",
        in_language("cy", msgid, round=welsh_round),
    )
    assert language_and_subject(sent_to(CAV)) == (
        "en",
        in_language("en", msgid, round=decided.name),
    )
    # The decision and its money, in each reader's language.
    approved = "approved at %(amount)s"
    assert f'PS-2027-CAV-001, "{title}": ' + in_language("cy", approved, amount="£250,000.00") in (
        sent_to(welsh.email).body.splitlines()
    )
    assert f'PS-2027-CAV-001, "{title}": approved at £250,000.00' in sent_to(CAV).body.splitlines()
    assert in_language("cy", approved, amount="") != "approved at "
    assert in_language("cy", "Pacesetter programme team") in sent_to(welsh.email).body.splitlines()


def test_agreement_sent_goes_in_the_leads_language(manager, committed):
    remove_demo_monitoring()
    application = approved_application(manager=manager)
    lead = lead_of(application.organisation)
    User.objects.filter(pk=lead.pk).update(language="cy")
    agreement = agreement_create_from_application(application=application, acting_user=manager)
    agreement.milestones.create(order=1, title="Recruit", due_date=agreement.end_date)
    agreement = add_required_measures(agreement, manager)

    with committed():
        agreement_send_for_acceptance(agreement, acting_user=manager)

    assert language_and_subject(sent_to(lead.email)) == (
        "cy",
        in_language(
            "cy",
            "Delivery agreement for %(reference)s awaiting your acceptance",
            reference=application.reference,
        ),
    )


def test_report_returned_and_accepted_go_in_the_leads_language(manager, committed):
    remove_demo_monitoring()
    agreement, lead = accepted_agreement(manager=manager)
    User.objects.filter(pk=lead.pk).update(language="cy")
    lead.refresh_from_db()
    from schemes.domain.monitoring import report_start

    period = agreement.periods.order_by("start").first()
    report = report_start(
        agreement=agreement, period=period, acting_user=lead, today=datetime.date(2018, 7, 10)
    )
    report = complete_report(report, lead)
    submitted = report_submit(report, expected_version=report.version, acting_user=lead)
    mail.outbox.clear()

    with committed():
        returned = report_return(submitted, comments="Explain the spend", acting_user=manager)
    returned_mail = sent_to(lead.email)
    mail.outbox.clear()
    resubmitted = report_submit(returned, expected_version=returned.version, acting_user=lead)
    with committed():
        report_accept(resubmitted, acting_user=manager)

    reference = agreement.application.reference
    assert language_and_subject(returned_mail) == (
        "cy",
        in_language("cy", "Quarterly report for %(reference)s returned", reference=reference),
    )
    assert language_and_subject(sent_to(lead.email)) == (
        "cy",
        in_language("cy", "Quarterly report for %(reference)s accepted", reference=reference),
    )


def test_monitoring_reminders_go_in_each_recipients_language_with_welsh_dates(manager, committed):
    remove_demo_monitoring()
    agreement, lead = accepted_agreement(manager=manager)
    User.objects.filter(pk=lead.pk).update(language="cy")
    period = agreement.periods.order_by("start").first()  # due 20 July 2018
    reference = agreement.application.reference

    with committed():
        due_soon = send_reminders(today=period.due_date - datetime.timedelta(days=3))
    due_mail = sent_to(lead.email)
    mail.outbox.clear()
    with committed():
        overdue = send_reminders(today=period.due_date + datetime.timedelta(days=1))

    with translation.override("cy"):
        welsh_date = date_format(period.due_date, "j F Y")
    assert (due_soon, overdue) == ((1, 0), (0, 1))
    assert welsh_date != "20 July 2018"
    assert language_and_subject(due_mail) == (
        "cy",
        in_language(
            "cy",
            "Quarterly report for %(reference)s due on %(due_date)s",
            reference=reference,
            due_date=welsh_date,
        ),
    )
    assert language_and_subject(sent_to(lead.email)) == (
        "cy",
        in_language("cy", "Quarterly report for %(reference)s is overdue", reference=reference),
    )
    assert language_and_subject(sent_to(MANAGER)) == (
        "en",
        f"Quarterly report for {reference} is overdue",
    )


@pytest.mark.parametrize("language", ["cy", "en"])
def test_invitation_goes_in_the_language_recorded_on_it(manager, committed, language):
    with committed():
        people.person_invite(
            email="new.reviewer@example.org",
            full_name="Mair Jones",
            role=Role.REVIEWER,
            organisation=Organisation.objects.get(code="CAV"),
            language=language,
            acting_user=manager,
            site_url="https://portal.example.org",
        )

    english_subject = "You are invited to the Pacesetter portal"
    expected = in_language(language, english_subject)
    assert language_and_subject(sent_to("new.reviewer@example.org")) == (language, expected)
    assert (expected == english_subject) == (language == "en")


def test_renewal_request_goes_to_each_manager_in_their_language(manager, committed):
    User.objects.filter(email=MANAGER).update(language="cy")
    with committed():
        people.person_invite(
            email="late@example.org",
            full_name="Rhys Late",
            role=Role.PROGRAMME_MANAGER,
            organisation=None,
            language="en",
            acting_user=manager,
            site_url="https://portal.example.org",
        )
    token = mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(days=1))
    mail.outbox.clear()

    with committed():
        people.invitation_request_renewal(token=token, acting_user=None)

    msgid = "%(name)s asks for a new invitation"
    assert language_and_subject(sent_to(MANAGER)) == (
        "cy",
        in_language("cy", msgid, name="Rhys Late"),
    )
    assert language_and_subject(sent_to("admin@example.org")) == (
        "en",
        "Rhys Late asks for a new invitation",
    )


def test_password_reset_goes_in_the_persons_language(committed):
    welsh = welsh_speaker(role=Role.APPLICANT)

    with committed():
        Client().post("/accounts/password_reset/", {"email": welsh.email})

    assert language_and_subject(sent_to(welsh.email)) == (
        "cy",
        in_language("cy", "Reset your Pacesetter portal password"),
    )
    assert in_language("cy", "Choose a new password here:") in sent_to(welsh.email).body


# Queued after commit, sent by the worker ----------------------------------------------------


def queue_invitation_mail(address="someone@example.org", language="en"):
    mail_queue(
        recipient=address,
        language=language,
        template="pacesetter/email/invitation_renewal",
        context={"invitation": Invitation(full_name="Ann O’Brien & co"), "path": "/people/"},
    )


def test_mail_is_not_sent_before_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            queue_invitation_mail()
        assert mail.outbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert [message.to for message in mail.outbox] == [["someone@example.org"]]


def test_mail_of_a_rolled_back_transaction_is_never_sent(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_invitation_mail()
        raise RuntimeError("the change failed")

    assert (callbacks, mail.outbox) == ([], [])


def run_worker():
    """Run `manage.py db_worker` until the queue is empty, on the test's own connection.

    The worker checks its connection between jobs and closes it if it looks stale; inside the
    test's transaction (autocommit off) it always does, so that check is skipped here.
    """
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)


def test_the_task_carries_exactly_the_rendered_mail_and_the_worker_sends_it(
    settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    DBTaskResult.objects.all().delete()  # what loading the demo data left queued
    with django_capture_on_commit_callbacks(execute=True):
        queue_invitation_mail(language="cy")
    (queued,) = DBTaskResult.objects.filter(
        task_path="pacesetter.mail.deliver_mail", status="READY"
    )
    with translation.override("cy"):
        subject = gettext("%(name)s asks for a new invitation") % {"name": "Ann O’Brien & co"}

    assert queued.args_kwargs["args"] == []
    assert {key: value for key, value in queued.args_kwargs["kwargs"].items() if key != "body"} == {
        "to": ["someone@example.org"],
        "subject": subject,
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "headers": {"Content-Language": "cy"},
    }
    assert mail.outbox == []

    run_worker()

    queued.refresh_from_db()
    (message,) = mail.outbox
    assert queued.status == "SUCCESSFUL"
    assert (message.to, message.subject, message.body, message.from_email) == (
        ["someone@example.org"],
        subject,
        queued.args_kwargs["kwargs"]["body"],
        settings.DEFAULT_FROM_EMAIL,
    )
    assert message.extra_headers == {"Content-Language": "cy"}


class RefusingBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise SMTPException("Connection refused")


def test_mail_that_fails_in_the_worker_is_recorded_logged_and_queued_again(settings, caplog):
    settings.TASKS = DATABASE_TASKS
    DBTaskResult.objects.all().delete()  # what loading the demo data left queued
    settings.EMAIL_BACKEND = "tests.test_mail.RefusingBackend"
    first = deliver_mail.enqueue(
        to=["someone@example.org"], subject="Subject", body="Body", from_email="a@example.org"
    )
    before = timezone.now()

    run_worker()

    failed = DBTaskResult.objects.get(pk=first.id)
    (again,) = DBTaskResult.objects.filter(task_path="pacesetter.mail.deliver_mail", status="READY")
    assert (failed.status, failed.exception_class_path) == ("FAILED", "smtplib.SMTPException")
    assert again.args_kwargs["kwargs"] == {
        "to": ["someone@example.org"],
        "subject": "Subject",
        "body": "Body",
        "from_email": "a@example.org",
        "headers": None,
        "attempt": 2,
    }
    assert before + datetime.timedelta(minutes=1) <= again.run_after
    assert again.run_after <= timezone.now() + datetime.timedelta(minutes=1)
    assert "A mail could not be sent (attempt 1); it is queued again" in [
        record.getMessage() for record in caplog.records
    ]


def test_mail_that_fails_its_last_attempt_is_logged_and_not_queued_again(settings, caplog):
    settings.TASKS = DATABASE_TASKS
    DBTaskResult.objects.all().delete()  # what loading the demo data left queued
    settings.EMAIL_BACKEND = "tests.test_mail.RefusingBackend"
    deliver_mail.enqueue(
        to=["someone@example.org"], subject="S", body="B", from_email="a@b.c", attempt=4
    )

    run_worker()

    assert list(
        DBTaskResult.objects.filter(task_path="pacesetter.mail.deliver_mail").values_list(
            "status", flat=True
        )
    ) == ["FAILED"]
    assert "A mail could not be sent (attempt 4); giving up" in [
        record.getMessage() for record in caplog.records
    ]


def test_mail_to_an_address_needs_a_language():
    with pytest.raises(ValueError):
        mail_queue(recipient="someone@example.org", template="pacesetter/email/invitation")


def test_subjects_are_not_html_escaped(committed):
    with committed():
        queue_invitation_mail()

    assert mail.outbox[0].subject == "Ann O’Brien & co asks for a new invitation"


# GOV.UK Notify -------------------------------------------------------------------------------

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
NOTIFY_KEY = f"pacesetter_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def notify_response(status=201, body=None):
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body or {"id": "740e5834-3a29-46b4-9a6f-16142fde533a"}).encode()
    response.url = "https://api.notifications.service.gov.uk/v2/notifications/email"
    return response


def test_notify_backend_sends_each_recipient_the_subject_and_body_through_the_template(settings):
    settings.NOTIFY_API_KEY = NOTIFY_KEY
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    message = EmailMessage(
        "Cais PS-1 wedi’i gyflwyno",
        "Annwyl Mair,\n\nDiolch.",
        "x@y.z",
        ["a@example.org", "b@example.org"],
    )

    with mock.patch.object(requests.Session, "request", return_value=notify_response()) as request:
        sent = NotifyEmailBackend().send_messages([message])

    assert sent == 1
    assert [call.args for call in request.call_args_list] == [
        ("POST", "https://api.notifications.service.gov.uk/v2/notifications/email"),
    ] * 2
    assert [json.loads(call.kwargs["data"]) for call in request.call_args_list] == [
        {
            "email_address": address,
            "template_id": TEMPLATE_ID,
            "personalisation": {
                "subject": "Cais PS-1 wedi’i gyflwyno",
                "body": "Annwyl Mair,\n\nDiolch.",
            },
        }
        for address in ("a@example.org", "b@example.org")
    ]
    token = request.call_args.kwargs["headers"]["Authorization"].removeprefix("Bearer ")
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["iss"] == SERVICE_ID


def test_notify_backend_raises_notifys_refusal_so_the_worker_records_it(settings):
    settings.NOTIFY_API_KEY = NOTIFY_KEY
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    refusal = notify_response(
        400, {"errors": [{"error": "BadRequestError", "message": "Can't send to this recipient"}]}
    )
    message = EmailMessage("Subject", "Body", "x@y.z", ["a@example.org"])

    from notifications_python_client.errors import HTTPError

    with mock.patch.object(requests.Session, "request", return_value=refusal):
        with pytest.raises(HTTPError) as error:
            NotifyEmailBackend().send_messages([message])
        assert NotifyEmailBackend(fail_silently=True).send_messages([message]) == 0

    assert error.value.status_code == 400


def test_the_worker_sends_through_notify_when_it_is_the_email_backend(settings):
    settings.NOTIFY_API_KEY = NOTIFY_KEY
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    settings.EMAIL_BACKEND = "pacesetter.mail_backends.NotifyEmailBackend"

    with mock.patch.object(requests.Session, "request", return_value=notify_response()) as request:
        result = deliver_mail.enqueue(
            to=["a@example.org"], subject="Subject", body="Body", from_email="x@y.z"
        )

    assert result.status == "SUCCESSFUL"
    assert json.loads(request.call_args.kwargs["data"])["personalisation"] == {
        "subject": "Subject",
        "body": "Body",
    }
