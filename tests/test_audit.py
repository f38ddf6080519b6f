"""The one audit trail: every workflow action writes exactly one event, with who, from and to."""

import datetime
import importlib
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from criteria.demo import DEMO_PASSWORD
from criteria.domain import assignments as assignment_domain
from criteria.domain import reviews as review_domain
from criteria.domain.feedback import feedback_release
from criteria.domain.moderation import moderation_record
from criteria.enums import ConflictKind, Recommendation
from criteria.models import Assignment, Criterion, PackJob
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent, Organisation, User
from pacesetter.transitions import Refused
from schemes.domain import applications as workflow
from schemes.domain import round_setup
from schemes.domain.decisions import decision_record
from schemes.domain.rounds import round_transition
from schemes.enums import ApplicationStatus, DecisionOutcome, QuestionKind, RoundState
from schemes.models import Answer, Application, Decision, QuestionSet, Round, StrategicComponent
from tests.factories import ApplicationFactory, BudgetLineFactory

pytestmark = pytest.mark.django_db

A = AuditAction
S = ApplicationStatus
R = RoundState
CAV = "applicant.cav@example.org"
MANAGER = "manager@example.org"
CHAIR = "chair@example.org"
REVIEWER1 = "reviewer1@example.org"

migration = importlib.import_module("schemes.migrations.0009_audit_events_from_workflow_events")


# Arranging.


def mark():
    """The newest event now: the demo data has events of its own, written when it loaded."""
    latest = AuditEvent.objects.order_by("-pk").first()
    return latest.pk if latest else 0


def events_since(since):
    """(action, actor's email, from, to) of every event written after `since`, oldest first."""
    return [
        (event.action, event.actor.email if event.actor else None, event.from_state, event.to_state)
        for event in AuditEvent.objects.filter(pk__gt=since).select_related("actor").order_by("pk")
    ]


def only_event_since(since):
    return AuditEvent.objects.filter(pk__gt=since).get()


@pytest.fixture
def open_round():
    return Round.objects.get(code="2027-29")


@pytest.fixture
def draft(open_round):
    return ApplicationFactory(
        reference="PS-2027-CAV-001",
        round=open_round,
        organisation=Organisation.objects.get(code="CAV"),
        title="Cluster quality improvement",
    )


def complete(application, user):
    """Fill every task of an application and confirm its declaration, through the domain."""
    for question in application.round.question_set.questions_in_order():
        if question.kind == QuestionKind.TEXT:
            Answer.objects.update_or_create(
                application=application, question=question, defaults={"text": "Done."}
            )
    application.start_date = datetime.date(2027, 4, 1)
    application.duration_months = 24
    application.save()
    BudgetLineFactory(application=application, amount="148000.00")
    application.components.set(StrategicComponent.objects.filter(pk=20))
    application.refresh_from_db()
    return workflow.application_confirm_declaration(
        application, expected_version=application.version, acting_user=user
    )


def set_round_state(round, state, **times):
    Round.objects.filter(pk=round.pk).update(state=state, **times)
    round.refresh_from_db()
    return round


@pytest.fixture
def in_review(open_round):
    """The demo round in review with one submitted application from Cardiff and Vale."""
    now = timezone.now()
    set_round_state(
        open_round,
        R.IN_REVIEW,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=1),
    )
    application = ApplicationFactory(
        reference="PS-2027-CAV-001",
        round=open_round,
        organisation=Organisation.objects.get(code="CAV"),
        status=S.SUBMITTED,
    )
    BudgetLineFactory(application=application, amount=Decimal("300000.00"))
    return open_round


def user(email):
    return User.objects.get(email=email)


# Applications.


def test_application_start_writes_one_started_event(open_round):
    since = mark()

    application = workflow.application_start(
        round=open_round, title="Cluster quality improvement", acting_user=user(CAV)
    )

    event = only_event_since(since)
    assert events_since(since) == [(A.APPLICATION_STARTED, CAV, "", "draft")]
    assert (event.object_id, event.application_pk, event.round_pk) == (
        str(application.pk),
        application.pk,
        open_round.pk,
    )


def test_declaration_writes_one_declared_event(draft):
    since = mark()

    complete(draft, user(CAV))  # its one audited step is the declaration, its last

    assert events_since(since) == [(A.APPLICATION_DECLARED, CAV, "", "")]


def test_submit_writes_one_submitted_event(draft):
    complete(draft, user(CAV))
    since = mark()

    workflow.application_submit(draft, acting_user=user(CAV))

    assert events_since(since) == [(A.APPLICATION_SUBMITTED, CAV, "draft", "submitted")]


def test_resubmit_after_clarification_writes_one_resubmitted_event(draft):
    complete(draft, user(CAV))
    Application.objects.filter(pk=draft.pk).update(status=S.CLARIFICATION)
    since = mark()

    workflow.application_submit(draft, acting_user=user(CAV))

    assert events_since(since) == [(A.APPLICATION_RESUBMITTED, CAV, "clarification", "submitted")]


def test_return_for_clarification_writes_one_event_with_the_message_as_reason(draft):
    Application.objects.filter(pk=draft.pk).update(status=S.SUBMITTED)
    since = mark()

    workflow.application_return_for_clarification(
        draft, message="Say more about the evaluation.", acting_user=user(MANAGER)
    )

    assert events_since(since) == [(A.APPLICATION_RETURNED, MANAGER, "submitted", "clarification")]
    assert only_event_since(since).reason == "Say more about the evaluation."


def test_withdraw_writes_one_event_with_the_reason(draft):
    since = mark()

    workflow.application_withdraw(draft, reason="The cluster merged.", acting_user=user(CAV))

    assert events_since(since) == [(A.APPLICATION_WITHDRAWN, CAV, "draft", "withdrawn")]
    assert only_event_since(since).reason == "The cluster merged."


@pytest.mark.parametrize(
    ("outcome", "values", "action", "reason", "details"),
    [
        (
            DecisionOutcome.APPROVED,
            {"approved_amount": Decimal("250000.00"), "conditions": "Quarterly reports."},
            A.APPLICATION_APPROVED,
            "Approved at £250,000.00. Quarterly reports.",
            {"approved_amount": "250000.00", "conditions": "Quarterly reports.", "reasons": ""},
        ),
        (
            DecisionOutcome.DECLINED,
            {"reasons": "Outside the programme's priorities."},
            A.APPLICATION_DECLINED,
            "Outside the programme's priorities.",
            {
                "approved_amount": None,
                "conditions": "",
                "reasons": "Outside the programme's priorities.",
            },
        ),
        (
            DecisionOutcome.DEFERRED,
            {},
            A.APPLICATION_DEFERRED,
            "",
            {"approved_amount": None, "conditions": "", "reasons": ""},
        ),
    ],
)
def test_decision_writes_one_event_with_what_was_decided(
    in_review, outcome, values, action, reason, details
):
    application = in_review.applications.get()
    decided_on = datetime.date(2026, 9, 1)
    since = mark()

    decision_record(
        application=application,
        outcome=outcome,
        acting_user=user(MANAGER),
        decided_on=decided_on,
        **values,
    )

    # Approving or declining the round's one application also decides the round.
    round_moves = (
        [(A.ROUND_DECIDED, MANAGER, "in_review", "decided")]
        if outcome != DecisionOutcome.DEFERRED
        else []
    )
    assert events_since(since) == [(action, MANAGER, "submitted", outcome), *round_moves]
    event = AuditEvent.objects.filter(pk__gt=since).order_by("pk").first()
    assert (event.reason, event.details) == (reason, {**details, "decided_on": "2026-09-01"})


def test_extension_grant_writes_one_event_on_the_rounds_timeline(open_round):
    until = timezone.now() + datetime.timedelta(days=7)
    since = mark()

    workflow.extension_grant(
        round=open_round,
        organisation=Organisation.objects.get(code="CAV"),
        until=until,
        reason="Board meeting moved.",
        acting_user=user(MANAGER),
    )

    event = only_event_since(since)
    assert events_since(since) == [(A.EXTENSION_GRANTED, MANAGER, "", "")]
    assert (event.round_pk, event.application_pk, event.reason, event.details) == (
        open_round.pk,
        None,
        "Board meeting moved.",
        {"organisation": "CAV", "until": until.isoformat()},
    )


# Rounds.


def new_round_details(**overrides):
    source = Round.objects.get(code="2020-22")
    return {
        "code": "2031-33",
        "name": "Pacesetter 2031-33",
        "opens_at": timezone.now() + datetime.timedelta(days=30),
        "closes_at": timezone.now() + datetime.timedelta(days=90),
        "criteria_set": source.criteria_set,
        "question_set": QuestionSet.objects.get(code="2020-22"),
        **overrides,
    }


def test_round_create_writes_one_created_event():
    since = mark()

    round = round_setup.round_create(acting_user=user(MANAGER), **new_round_details())

    event = only_event_since(since)
    assert events_since(since) == [(A.ROUND_CREATED, MANAGER, "", "draft")]
    assert (event.round_pk, event.object_label, event.details) == (
        round.pk,
        "Pacesetter 2031-33",
        {},
    )


def test_round_copy_writes_one_created_event_naming_the_source():
    source = Round.objects.get(code="2020-22")
    details = new_round_details()
    since = mark()

    round_setup.round_copy(
        source=source,
        acting_user=user(MANAGER),
        code=details["code"],
        name=details["name"],
        opens_at=details["opens_at"],
        closes_at=details["closes_at"],
    )

    assert events_since(since) == [(A.ROUND_CREATED, MANAGER, "", "draft")]
    assert only_event_since(since).details == {"copied_from": "2020-22"}


def test_round_update_writes_one_changed_event_naming_the_fields():
    round = round_setup.round_create(acting_user=user(MANAGER), **new_round_details())
    values = {
        field: getattr(round, field)
        for field in (
            "code",
            "name",
            "opens_at",
            "closes_at",
            "criteria_set",
            "question_set",
            "earliest_start_date",
            "latest_start_date",
            "max_duration_months",
            "envelope_total",
            "declaration",
        )
    }
    since = mark()

    round_setup.round_update(
        round=round,
        acting_user=user(MANAGER),
        frameworks=[],
        **{**values, "name": "Pacesetter 2031-33 (renamed)"},
    )

    assert events_since(since) == [(A.ROUND_CHANGED, MANAGER, "", "")]
    assert only_event_since(since).details == {"changed": ["name"]}


@pytest.mark.parametrize(
    ("before", "after", "action"),
    [
        (R.DRAFT, R.OPEN, A.ROUND_OPENED),
        (R.OPEN, R.CLOSED, A.ROUND_CLOSED),
        (R.CLOSED, R.IN_REVIEW, A.ROUND_REVIEW_STARTED),
        (R.IN_REVIEW, R.DECIDED, A.ROUND_DECIDED),
        (R.DECIDED, R.ARCHIVED, A.ROUND_ARCHIVED),
    ],
)
def test_round_move_writes_one_event_from_and_to(open_round, before, after, action):
    set_round_state(open_round, before)
    since = mark()

    round_transition(open_round, to=after, acting_user=user(MANAGER), note="As planned.")

    event = only_event_since(since)
    assert events_since(since) == [(action, MANAGER, before, after)]
    assert (event.round_pk, event.reason) == (open_round.pk, "As planned.")


def test_feedback_release_writes_one_released_event(in_review):
    application = in_review.applications.get()
    Application.objects.filter(pk=application.pk).update(status=S.APPROVED)
    Decision.objects.create(
        application=application,
        outcome=DecisionOutcome.APPROVED,
        approved_amount=Decimal("250000.00"),
        decided_by=user(MANAGER),
        decided_on=datetime.date(2027, 9, 1),
    )
    since = mark()

    feedback_release(round=in_review, acting_user=user(MANAGER))

    assert events_since(since) == [
        (A.ROUND_DECIDED, MANAGER, "in_review", "decided"),
        (A.FEEDBACK_RELEASED, MANAGER, "", ""),
    ]
    assert AuditEvent.objects.filter(pk__gt=since).order_by("pk").last().round_pk == in_review.pk


# Panel review.


@pytest.fixture
def closed_round(open_round):
    now = timezone.now()
    set_round_state(
        open_round,
        R.CLOSED,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=1),
    )
    for code in ("CAV", "HDD"):
        ApplicationFactory(
            reference=f"PS-2027-{code}-001",
            round=open_round,
            organisation=Organisation.objects.get(code=code),
            status=S.SUBMITTED,
        )
    return open_round


def test_assignment_create_writes_one_made_event_and_starts_the_review(closed_round):
    application = closed_round.applications.get(reference="PS-2027-CAV-001")
    since = mark()

    assignment = assignment_domain.assignment_create(
        application=application, reviewer=user(REVIEWER1), acting_user=user(MANAGER)
    )

    assert events_since(since) == [
        (A.ASSIGNMENT_MADE, MANAGER, "", ""),
        (A.ROUND_REVIEW_STARTED, MANAGER, "closed", "in_review"),
    ]
    made = AuditEvent.objects.filter(pk__gt=since).order_by("pk").first()
    assert (made.object_id, made.application_pk, made.round_pk, made.details["reviewer"]) == (
        str(assignment.pk),
        application.pk,
        closed_round.pk,
        REVIEWER1,
    )


def test_assignments_balance_writes_one_made_event_per_assignment(closed_round):
    since = mark()

    result = assignment_domain.assignments_balance(
        round=closed_round, per_application=2, acting_user=user(MANAGER)
    )

    made = AuditEvent.objects.filter(pk__gt=since, action=A.ASSIGNMENT_MADE)
    assert len(result.created) == 4
    assert sorted(made.values_list("object_id", flat=True)) == sorted(
        str(assignment.pk) for assignment in result.created
    )
    assert events_since(since).count((A.ROUND_REVIEW_STARTED, MANAGER, "closed", "in_review")) == 1
    assert len(events_since(since)) == 5


def test_assignment_withdraw_writes_one_event_with_the_reason(closed_round):
    assignment = assignment_domain.assignment_create(
        application=closed_round.applications.get(reference="PS-2027-CAV-001"),
        reviewer=user(REVIEWER1),
        acting_user=user(MANAGER),
    )
    since = mark()

    assignment_domain.assignment_withdraw(
        assignment=assignment, reason="Too many this round.", acting_user=user(MANAGER)
    )

    assert events_since(since) == [(A.ASSIGNMENT_WITHDRAWN, MANAGER, "", "")]
    assert only_event_since(since).reason == "Too many this round."


@pytest.fixture
def assignment(db):
    """A fresh assignment of reviewer 1 to a 2020-22 application (the round is in review)."""
    Assignment.objects.filter(application__reference="PS-2020-CAV-001").delete()
    return Assignment.objects.create(
        application=Application.objects.get(reference="PS-2020-CAV-001"),
        reviewer=user(REVIEWER1),
        assigned_by=user(MANAGER),
    )


def submit(assignment):
    criteria = assignment.application.round.criteria_set.criteria.all()
    return review_domain.review_submit(
        assignment=assignment,
        expected_version=0,
        acting_user=assignment.reviewer,
        scores={criterion.pk: (4, "Justified.") for criterion in criteria},
        recommendation=Recommendation.FUND,
        comment="A good scheme.",
    )


def test_conflict_declare_writes_one_event_with_the_note(assignment):
    since = mark()

    conflict = review_domain.conflict_declare(
        assignment=assignment,
        kind=ConflictKind.EMPLOYER,
        note="I worked there until May.",
        acting_user=user(REVIEWER1),
    )

    event = only_event_since(since)
    assert events_since(since) == [(A.CONFLICT_DECLARED, REVIEWER1, "", "")]
    assert (event.object_id, event.application_pk, event.reason) == (
        str(conflict.pk),
        assignment.application_id,
        "I worked there until May.",
    )


def test_review_submit_writes_one_submitted_event(assignment):
    since = mark()

    review = submit(assignment)

    event = only_event_since(since)
    assert events_since(since) == [(A.REVIEW_SUBMITTED, REVIEWER1, "in_progress", "submitted")]
    assert (event.object_id, event.application_pk) == (str(review.pk), assignment.application_id)


def test_review_reopen_keeps_a_reason_of_5000_characters_whole(assignment):
    review = submit(assignment)
    reason = ("Score 2b does not match the justification.\n" * 120)[:4999] + "!"
    since = mark()

    review_domain.review_reopen(review=review, reason=reason, acting_user=user(MANAGER))

    event = only_event_since(since)
    assert events_since(since) == [(A.REVIEW_REOPENED, MANAGER, "submitted", "in_progress")]
    assert len(reason) == 5000
    assert event.reason == reason


def test_reopen_page_keeps_a_reason_of_5000_characters_whole(signed_in, assignment):
    review = submit(assignment)
    reason = "The justification for 2b describes another scheme. " * 100
    reason = reason[:4999] + "."
    client = signed_in(MANAGER)
    since = mark()

    response = client.post(reverse("criteria:reopen_review", args=[review.pk]), {"reason": reason})

    assert response.status_code == 302
    assert events_since(since) == [(A.REVIEW_REOPENED, MANAGER, "submitted", "in_progress")]
    assert (len(reason), only_event_since(since).reason) == (5000, reason)


def test_moderation_record_writes_one_event_from_the_old_score_to_the_new(demo_user):
    application = Application.objects.select_related("round").get(reference="PS-2020-CAV-001")
    criterion = Criterion.objects.get(criteria_set__rounds__code="2020-22", label="1a")
    chair = demo_user(CHAIR)
    moderation_record(
        application=application, criterion=criterion, score=2, rationale="First.", acting_user=chair
    )
    since = mark()

    moderation_record(
        application=application,
        criterion=criterion,
        score=3,
        rationale="Agreed at the panel.",
        acting_user=chair,
    )

    assert events_since(since) == [(A.MODERATION_RECORDED, CHAIR, "2", "3")]
    assert only_event_since(since).reason == "Agreed at the panel."


# Exports of personal data.


def test_spreadsheet_download_writes_one_event(signed_in):
    client = signed_in(MANAGER)
    since = mark()

    response = client.get("/rounds/2020-22/export/csv/?reviewers=named")

    assert response.status_code == 200
    assert events_since(since) == [(A.EXPORT_SPREADSHEET, MANAGER, "", "")]
    assert only_event_since(since).details == {
        "format": "csv",
        "reviewers": "named",
        "language": "en",
    }


def test_pack_request_writes_one_event_for_the_job(signed_in):
    client = signed_in(MANAGER)
    since = mark()

    client.post("/rounds/2018-19/pack/", {"reviewers": "lettered"})

    job = PackJob.objects.get()
    event = only_event_since(since)
    assert events_since(since) == [(A.EXPORT_PACK, MANAGER, "", "")]
    assert (event.object_id, event.round_pk, event.details) == (
        str(job.pk),
        job.round_id,
        {"reviewers_named": False, "language": "en"},
    )


def test_committee_paper_download_writes_one_event(signed_in):
    client = signed_in(MANAGER)
    since = mark()

    response = client.get("/rounds/2018-19/committee-paper.pdf")

    assert response.status_code == 200
    assert events_since(since) == [(A.EXPORT_COMMITTEE_PAPER, MANAGER, "", "")]


def test_export_round_command_writes_one_event_with_no_actor(tmp_path):
    output = tmp_path / "round.zip"
    since = mark()

    call_command("export_round", "2020-22", "--format", "csv", "--output", str(output))

    assert events_since(since) == [(A.EXPORT_SPREADSHEET, None, "", "")]
    assert only_event_since(since).details == {
        "format": "csv",
        "reviewers": "anonymised",
        "language": "en",
        "output": str(output),
        "command": "export_round",
    }


# Signing in.


def test_sign_in_and_out_are_audited(client):
    since = mark()

    client.post("/accounts/login/", {"username": MANAGER, "password": DEMO_PASSWORD})
    client.post("/accounts/logout/")

    assert events_since(since) == [
        (A.SIGN_IN, MANAGER, "", ""),
        (A.SIGN_OUT, MANAGER, "", ""),
    ]


def test_failed_sign_in_is_audited_with_the_email_and_never_the_password(client):
    since = mark()

    client.post("/accounts/login/", {"username": MANAGER, "password": "not-the-password-42"})

    event = only_event_since(since)
    assert events_since(since) == [(A.SIGN_IN_FAILED, None, "", "")]
    assert event.details == {"email": MANAGER, "ip": "127.0.0.1"}
    stored = json.dumps([event.details, event.reason, event.object_label])
    assert "not-the-password-42" not in stored


# A refused move.


@pytest.mark.parametrize(
    ("status", "to"),
    [
        (S.WITHDRAWN, S.SUBMITTED),
        (S.DRAFT, S.APPROVED),
        (S.APPROVED, S.WITHDRAWN),
        (S.SUBMITTED, S.SUBMITTED),
    ],
)
def test_refused_application_move_writes_no_event_and_changes_nothing(draft, status, to):
    Application.objects.filter(pk=draft.pk).update(status=status)
    draft.refresh_from_db()
    version = draft.version
    since = mark()

    with pytest.raises(Refused) as refused:
        workflow.transition_application(draft, to=to, acting_user=user(MANAGER))

    draft.refresh_from_db()
    assert str(refused.value.message) == (
        f"This application is {S(status).label.lower()}, so it cannot be {S(to).label.lower()}."
    )
    assert (draft.status, draft.version) == (status, version)
    assert events_since(since) == []


def test_refused_round_move_writes_no_event_and_changes_nothing(open_round):
    before = (open_round.state, open_round.opens_at, open_round.closes_at)
    since = mark()

    with pytest.raises(Refused) as refused:
        round_transition(open_round, to=R.ARCHIVED, acting_user=user(MANAGER))

    open_round.refresh_from_db()
    assert str(refused.value.message) == "The round is open, so it cannot be moved to archived."
    assert (open_round.state, open_round.opens_at, open_round.closes_at) == before
    assert events_since(since) == []


def test_refused_review_reopen_writes_no_event(assignment):
    review = submit(assignment)
    review_domain.review_reopen(review=review, reason="Look again.", acting_user=user(MANAGER))
    since = mark()

    with pytest.raises(Refused) as refused:
        review_domain.review_reopen(review=review, reason="Again.", acting_user=user(MANAGER))

    assert str(refused.value.message) == "This review is in progress, so it cannot be reopened."
    assert events_since(since) == []


# The migration of the old event tables.


@pytest.mark.parametrize(
    ("kind", "before", "after", "action"),
    [
        (migration.APPLICATION_EVENT, "draft", "submitted", A.APPLICATION_SUBMITTED),
        (migration.APPLICATION_EVENT, "clarification", "submitted", A.APPLICATION_RESUBMITTED),
        (migration.APPLICATION_EVENT, "submitted", "clarification", A.APPLICATION_RETURNED),
        (migration.APPLICATION_EVENT, "draft", "withdrawn", A.APPLICATION_WITHDRAWN),
        (migration.APPLICATION_EVENT, "submitted", "withdrawn", A.APPLICATION_WITHDRAWN),
        (migration.APPLICATION_EVENT, "clarification", "withdrawn", A.APPLICATION_WITHDRAWN),
        (migration.APPLICATION_EVENT, "submitted", "approved", A.APPLICATION_APPROVED),
        (migration.APPLICATION_EVENT, "deferred", "approved", A.APPLICATION_APPROVED),
        (migration.APPLICATION_EVENT, "submitted", "declined", A.APPLICATION_DECLINED),
        (migration.APPLICATION_EVENT, "deferred", "declined", A.APPLICATION_DECLINED),
        (migration.APPLICATION_EVENT, "submitted", "deferred", A.APPLICATION_DEFERRED),
        (migration.ROUND_EVENT, "draft", "open", A.ROUND_OPENED),
        (migration.ROUND_EVENT, "open", "closed", A.ROUND_CLOSED),
        (migration.ROUND_EVENT, "closed", "in_review", A.ROUND_REVIEW_STARTED),
        (migration.ROUND_EVENT, "in_review", "decided", A.ROUND_DECIDED),
        (migration.ROUND_EVENT, "decided", "archived", A.ROUND_ARCHIVED),
    ],
)
def test_migration_maps_each_old_move_to_its_audit_action(kind, before, after, action):
    assert migration.action_for(kind, before, after) == action


def test_migration_maps_every_move_the_tables_allow():
    from schemes.domain.applications import TRANSITIONS
    from schemes.domain.rounds import ROUND_TRANSITIONS

    mapped = {
        **{
            (migration.APPLICATION_EVENT, *pair): migration.action_for(
                migration.APPLICATION_EVENT, *pair
            )
            for pair in TRANSITIONS
        },
        **{
            (migration.ROUND_EVENT, *pair): migration.action_for(migration.ROUND_EVENT, *pair)
            for pair in ROUND_TRANSITIONS
        },
    }

    assert mapped == {
        **{(migration.APPLICATION_EVENT, *pair): move.action for pair, move in TRANSITIONS.items()},
        **{(migration.ROUND_EVENT, *pair): move.action for pair, move in ROUND_TRANSITIONS.items()},
    }


def test_migration_refuses_a_move_it_cannot_name():
    with pytest.raises(ValueError, match="No audit action for a round_event to 'draft'"):
        migration.action_for(migration.ROUND_EVENT, "open", "draft")


def test_migration_keeps_every_field_of_an_old_event():
    at = datetime.datetime(2026, 5, 1, 9, 30, tzinfo=datetime.UTC)
    note = "Returned: " + "x" * 3000

    fields = migration.event_fields(
        migration.APPLICATION_EVENT,
        pk=17,
        object_pk=5,
        label="PS-2027-CAV-001: Cluster quality improvement",
        application_pk=5,
        round_pk=3,
        actor_id=8,
        from_state="submitted",
        to_state="clarification",
        note=note,
        at=at,
    )

    assert fields == {
        "action": "application.returned",
        "actor_id": 8,
        "object_id": "5",
        "object_label": "PS-2027-CAV-001: Cluster quality improvement",
        "application_pk": 5,
        "round_pk": 3,
        "from_state": "submitted",
        "to_state": "clarification",
        "reason": note,
        "details": {"migrated_from": "application_event", "id": 17},
        "at": at,
    }


def test_audit_record_drops_nul_characters_a_database_cannot_hold(demo_user):
    event = audit_record(
        AuditAction.SIGN_IN, actor=demo_user("manager@example.org"), reason="be\x00fore\x00"
    )

    event.refresh_from_db()
    assert event.reason == "before"


def test_audit_event_shows_its_action_label_and_a_code_it_does_not_know_as_it_is():
    assert AuditEvent(action=AuditAction.REVIEW_REOPENED).action_label == "Review reopened"
    assert AuditEvent(action="retired.action").action_label == "retired.action"


def test_audit_record_refuses_an_action_that_is_not_an_audit_action(demo_user):
    with pytest.raises(ValueError):
        audit_record("made.up", actor=demo_user("manager@example.org"))

    assert not AuditEvent.objects.filter(action="made.up").exists()
