"""Several workers and several servers at once: each job runs once, each reminder goes once.

These need real concurrent transactions, so they run on PostgreSQL only (DATABASE_URL set to
a PostgreSQL database); SQLite takes one writer at a time (IMMEDIATE transactions), where
running twice in turn is what can happen, and tests/test_review_reminders.py and
tests/test_monitoring_exports.py check that. Each thread has its own connection and commits
for real, outside the test's transaction, so every test removes what its threads wrote.
"""

import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from criteria.management.commands import send_review_reminders
from criteria.models import Assignment
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent
from schemes.domain.monitoring import reminders
from schemes.enums import ReminderKind
from schemes.models import MonitoringReminder, ReportingPeriod

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

QUEUE = "concurrency-test"
RUNS = []


@task()
def record_run(number):
    """A job that notes that it ran, slowly enough for two workers to overlap."""
    RUNS.append(number)
    time.sleep(0.005)


class Thread(threading.Thread):
    """Run `target` on its own database connection; `result()` returns or raises its outcome."""

    def __init__(self, target, *args):
        super().__init__(daemon=True)
        self.target, self.args = target, args
        self.value = self.error = None

    def run(self):
        try:
            self.value = self.target(*self.args)
        except BaseException as error:  # handed to the test thread by result()
            self.error = error
        finally:
            connections.close_all()

    def result(self, timeout=60):
        self.join(timeout)
        assert not self.is_alive(), "the thread did not finish"
        if self.error:
            raise self.error
        return self.value


def committed(target, *args):
    """Run `target` in a thread of its own, so what it writes is committed; return its result."""
    thread = Thread(target, *args)
    thread.start()
    return thread.result()


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", QUEUE]}
    }
    RUNS.clear()
    yield
    committed(lambda: DBTaskResult.objects.filter(queue_name=QUEUE).delete())


def test_two_workers_claim_different_jobs(database_tasks):
    def enqueue_two():
        return [str(record_run.using(queue_name=QUEUE).enqueue(number).id) for number in (1, 2)]

    committed(enqueue_two)
    first_claimed, second_may_claim = threading.Event(), threading.Event()

    def claim():
        # What db_worker does: lock the next ready job, skipping locked ones, and mark it running.
        with transaction.atomic():
            job = DBTaskResult.objects.ready().filter(queue_name=QUEUE).get_locked()
            job.claim(f"worker-{threading.get_ident()}")
            first_claimed.set()
            second_may_claim.wait(10)  # hold the lock while the other worker looks
            return str(job.id)

    first = Thread(claim)
    first.start()
    assert first_claimed.wait(10)

    def look():
        with transaction.atomic():
            return str(DBTaskResult.objects.ready().filter(queue_name=QUEUE).get_locked().id)

    second = committed(look)
    second_may_claim.set()

    assert first.result() != second


def test_two_workers_run_every_job_exactly_once(database_tasks):
    committed(lambda: [record_run.using(queue_name=QUEUE).enqueue(number) for number in range(40)])
    start = threading.Barrier(2)

    def work(name):
        start.wait(10)
        Worker(
            queue_names=[QUEUE],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=name,
            excluded_queue_names=[],
        ).run()

    workers = [Thread(work, name) for name in ("worker-a", "worker-b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.result()

    jobs = committed(
        lambda: list(
            DBTaskResult.objects.filter(queue_name=QUEUE).values_list("status", "worker_ids")
        )
    )
    assert sorted(RUNS) == list(range(40))
    assert [status for status, _workers in jobs] == ["SUCCESSFUL"] * 40
    assert all(len(worker_ids) == 1 for _status, worker_ids in jobs)


def race(target, hold, *args):
    """Run `target(*args)` in two threads whose transactions overlap; return both results.

    `hold` patches a call made inside the claiming transaction: the first thread to reach it
    waits there, its claim made and uncommitted, until the second thread has started its own
    claim (and, on PostgreSQL, is waiting for the first's lock).
    """
    module, name = hold
    original = getattr(module, name)
    first_inside, release = threading.Event(), threading.Event()

    def held(*call_args, **call_kwargs):
        if not first_inside.is_set():
            first_inside.set()
            release.wait(10)
        return original(*call_args, **call_kwargs)

    setattr(module, name, held)
    try:
        first = Thread(target, *args)
        first.start()
        assert first_inside.wait(10)
        second = Thread(target, *args)
        second.start()
        time.sleep(0.5)  # long enough for the second claim to meet the first's lock
        release.set()
        return [first.result(), second.result()]
    finally:
        setattr(module, name, original)


def test_review_reminder_run_on_two_servers_at_once_goes_once():
    assignment = committed(
        lambda: (
            Assignment.objects.active()
            .filter(reminded_at__isnull=True)
            .select_related("reviewer", "application")
            .first()
        )
    )
    mail.outbox.clear()
    try:
        results = race(
            lambda: send_review_reminders.remind(assignment.reviewer, [assignment], timezone.now()),
            (send_review_reminders, "mail_queue"),
        )
        reminded_at = committed(lambda: Assignment.objects.get(pk=assignment.pk).reminded_at)
    finally:
        committed(lambda: Assignment.objects.filter(pk=assignment.pk).update(reminded_at=None))

    assert sorted(len(claimed) for claimed in results) == [0, 1]
    assert reminded_at is not None
    assert [message.to for message in mail.outbox] == [[assignment.reviewer.email]]


def test_monitoring_reminder_run_on_two_servers_at_once_goes_once():
    period = committed(
        lambda: (
            ReportingPeriod.objects.exclude(reminders__kind=ReminderKind.DUE_SOON)
            .select_related("agreement__application")
            .first()
        )
    )
    mail.outbox.clear()
    try:
        results = race(
            lambda: reminders.send_reminder(period, ReminderKind.DUE_SOON),
            (reminders, "audit_record"),
        )
        rows = committed(
            lambda: MonitoringReminder.objects.filter(
                period=period, kind=ReminderKind.DUE_SOON
            ).count()
        )
    finally:

        def clean_up():
            MonitoringReminder.objects.filter(period=period, kind=ReminderKind.DUE_SOON).delete()
            AuditEvent.objects.filter(
                action=AuditAction.REMINDER_SENT,
                object_id=str(period.pk),
                details__kind=ReminderKind.DUE_SOON,
            ).delete()

        committed(clean_up)

    leads = reminders.board_leads(period.agreement.application.organisation_id)
    assert sorted(results) == [False, True]
    assert rows == 1
    assert sorted(message.to[0] for message in mail.outbox) == sorted(lead.email for lead in leads)
