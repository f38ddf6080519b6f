"""Decisions: approve with an amount, decline with reasons, defer; the round then decided."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent, Organisation, User
from pacesetter.transitions import Refused
from schemes.domain.applications import application_withdraw
from schemes.domain.decisions import decision_record
from schemes.enums import ApplicationStatus, DecisionOutcome, RoundState
from schemes.forms.money import parse_number
from schemes.models import Application, Decision, Round
from tests.factories import ApplicationFactory, BudgetLineFactory

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
CAV = "applicant.cav@example.org"
EVERYONE = [
    CAV,
    "applicant.hdd@example.org",
    "applicant.pth@example.org",
    "reviewer1@example.org",
    "reviewer2@example.org",
    "reviewer3@example.org",
    "chair@example.org",
    MANAGER,
    "admin@example.org",
]
MANAGERS = [MANAGER, "admin@example.org"]


@pytest.fixture
def manager(demo_user):
    return demo_user(MANAGER)


@pytest.fixture
def in_review():
    """The demo round in review with Cardiff and Vale (£300,000.00) and Powys (£200,000.00)."""
    round = Round.objects.get(code="2027-29")
    now = timezone.now()
    Round.objects.filter(pk=round.pk).update(
        state=RoundState.IN_REVIEW,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=1),
    )
    for code, amount in (("CAV", "300000.00"), ("PTH", "200000.00")):
        application = ApplicationFactory(
            reference=f"PS-2027-{code}-001",
            round=round,
            organisation=Organisation.objects.get(code=code),
            status=ApplicationStatus.SUBMITTED,
        )
        BudgetLineFactory(application=application, amount=Decimal(amount))
    round.refresh_from_db()
    return round


@pytest.fixture
def cav(in_review):
    return in_review.applications.get(reference="PS-2027-CAV-001")


@pytest.fixture
def pth(in_review):
    return in_review.applications.get(reference="PS-2027-PTH-001")


def approve(application, manager, amount="250000.00", **kwargs):
    return decision_record(
        application=application,
        outcome=DecisionOutcome.APPROVED,
        approved_amount=Decimal(amount),
        acting_user=manager,
        **kwargs,
    )


def decline(application, manager, reasons="Outside the programme's priorities."):
    return decision_record(
        application=application,
        outcome=DecisionOutcome.DECLINED,
        reasons=reasons,
        acting_user=manager,
    )


# The domain ----------------------------------------------------------------------------------


def test_approval_records_the_amount_conditions_date_and_who_decided(cav, manager):
    decision = approve(
        cav,
        manager,
        "250000.00",
        conditions="Quarterly reports.",
        decided_on=datetime.date(2026, 1, 5),
    )

    cav.refresh_from_db()
    assert cav.status == ApplicationStatus.APPROVED
    assert (
        decision.outcome,
        decision.approved_amount,
        decision.conditions,
        decision.reasons,
        decision.decided_by,
        decision.decided_on,
    ) == (
        DecisionOutcome.APPROVED,
        Decimal("250000.00"),
        "Quarterly reports.",
        "",
        manager,
        datetime.date(2026, 1, 5),
    )


def test_approval_writes_the_status_change_and_the_decision_history_as_the_manager(cav, manager):
    approve(cav, manager, "250000.00", conditions="Quarterly reports.")

    event = AuditEvent.objects.for_application(cav.pk).get()
    history = Decision.objects.get(application=cav).history.get()
    assert (event.action, event.from_state, event.to_state, event.actor, event.reason) == (
        AuditAction.APPLICATION_APPROVED,
        "submitted",
        "approved",
        manager,
        "Approved at £250,000.00. Quarterly reports.",
    )
    assert event.details == {
        "approved_amount": "250000.00",
        "conditions": "Quarterly reports.",
        "reasons": "",
        "decided_on": event.details["decided_on"],
    }
    assert history.history_user == manager
    assert cav.history.latest().history_user == manager


def test_decision_date_defaults_to_today(cav, manager):
    decision = approve(cav, manager)

    assert decision.decided_on == timezone.localdate()


def test_approval_of_the_full_amount_requested_is_accepted(cav, manager):
    decision = approve(cav, manager, "300000.00")

    assert decision.approved_amount == Decimal("300000.00")


def test_decline_records_the_reasons_and_no_amount(cav, manager):
    decision = decline(cav, manager, "Outside the programme's priorities.")

    cav.refresh_from_db()
    assert cav.status == ApplicationStatus.DECLINED
    assert (decision.approved_amount, decision.reasons) == (
        None,
        "Outside the programme's priorities.",
    )


def refused(**kwargs):
    with pytest.raises(Refused) as refusal:
        decision_record(**kwargs)
    return refusal.value


def test_decision_page_returns_to_the_page_of_the_ranking_it_was_opened_from(signed_in, cav):
    client = signed_in(MANAGER)
    query = "?ranking=sort%3Drequested%26search%3Dcardiff%26page%3D3%26next%3D%2F%2Fevil.example"
    today = timezone.localdate()

    page = client.get(decide_url(cav) + query)
    response = client.post(
        decide_url(cav) + query,
        {
            "decided_on_0": str(today.day),
            "decided_on_1": str(today.month),
            "decided_on_2": str(today.year),
            "outcome": "deferred",
        },
    )

    back = BeautifulSoup(page.content, "html.parser").select_one(".govuk-back-link")["href"]
    expected = "/rounds/2027-29/ranking/?search=cardiff&sort=requested&page=3"
    assert (back, response.status_code, response["Location"]) == (expected, 302, expected)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-1.00", "The approved amount must be more than £0.00"),
        ("0.00", "The approved amount must be more than £0.00"),
        ("300000.01", "The approved amount must be no more than the £300,000.00 requested"),
        (
            "1000.005",
            "Enter the approved amount with no more than 2 decimal places, like 488000.00",
        ),
        (None, "Enter the approved amount in pounds and pence, like 488000.00"),
        ("NaN", "Enter the approved amount in pounds and pence, like 488000.00"),
        ("Infinity", "Enter the approved amount in pounds and pence, like 488000.00"),
    ],
)
def test_approval_with_a_bad_amount_is_refused_and_changes_nothing(cav, manager, amount, message):
    refusal = refused(
        application=cav,
        outcome=DecisionOutcome.APPROVED,
        approved_amount=None if amount is None else Decimal(amount),
        acting_user=manager,
    )

    cav.refresh_from_db()
    assert refusal.errors == {"approved_amount": message}
    assert cav.status == ApplicationStatus.SUBMITTED
    assert not Decision.objects.filter(application=cav).exists()
    assert not AuditEvent.objects.for_application(cav.pk).exists()


def test_decline_without_reasons_is_refused_and_changes_nothing(cav, manager):
    refusal = refused(
        application=cav, outcome=DecisionOutcome.DECLINED, reasons="   ", acting_user=manager
    )

    cav.refresh_from_db()
    assert refusal.errors == {"reasons": "Enter the reasons for declining the application"}
    assert cav.status == ApplicationStatus.SUBMITTED
    assert not Decision.objects.filter(application=cav).exists()


def test_decision_dated_in_the_future_is_refused(cav, manager):
    refusal = refused(
        application=cav,
        outcome=DecisionOutcome.DEFERRED,
        decided_on=timezone.localdate() + datetime.timedelta(days=1),
        acting_user=manager,
    )

    assert refusal.errors == {"decided_on": "The date of the decision must be today or in the past"}


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (ApplicationStatus.DRAFT, "draft"),
        (ApplicationStatus.WITHDRAWN, "withdrawn"),
        (ApplicationStatus.CLARIFICATION, "returned for clarification"),
    ],
)
def test_decision_on_an_application_not_submitted_is_refused(cav, manager, status, label):
    Application.objects.filter(pk=cav.pk).update(status=status)

    refusal = refused(
        application=cav,
        outcome=DecisionOutcome.APPROVED,
        approved_amount=Decimal("1.00"),
        acting_user=manager,
    )

    cav.refresh_from_db()
    assert refusal.message == (
        f"Only a submitted application can be decided. This application is {label}."
    )
    assert cav.status == status
    assert not Decision.objects.filter(application=cav).exists()


def test_decision_on_a_withdrawn_application_is_refused(cav, manager, demo_user):
    application_withdraw(cav, reason="No longer needed.", acting_user=demo_user(CAV))

    refusal = refused(application=cav, outcome=DecisionOutcome.DEFERRED, acting_user=manager)

    assert refusal.message == (
        "Only a submitted application can be decided. This application is withdrawn."
    )


@pytest.mark.parametrize("first", [DecisionOutcome.APPROVED, DecisionOutcome.DECLINED])
@pytest.mark.parametrize("second", list(DecisionOutcome))
def test_a_second_decision_on_a_decided_application_is_refused(cav, manager, first, second):
    if first == DecisionOutcome.APPROVED:
        approve(cav, manager, "250000.00")
    else:
        decline(cav, manager)
    before = Decision.objects.get(application=cav)

    refusal = refused(
        application=cav,
        outcome=second,
        approved_amount=Decimal("1.00"),
        reasons="Changed our minds.",
        acting_user=manager,
    )

    after = Decision.objects.get(application=cav)
    assert (
        refusal.message == "This application has been decided, so its decision cannot be changed."
    )
    assert (after.outcome, after.approved_amount, after.reasons, after.recorded_at) == (
        before.outcome,
        before.approved_amount,
        before.reasons,
        before.recorded_at,
    )


def test_decision_in_an_open_round_is_refused(manager):
    round = Round.objects.get(code="2027-29")
    application = ApplicationFactory(
        round=round,
        organisation=Organisation.objects.get(code="CAV"),
        status=ApplicationStatus.SUBMITTED,
    )

    refusal = refused(
        application=application, outcome=DecisionOutcome.DEFERRED, acting_user=manager
    )

    assert refusal.message == (
        "Decisions can be recorded only once the round has closed. It is open."
    )


@pytest.mark.parametrize(
    "email", [CAV, "reviewer1@example.org", "chair@example.org", "applicant.hdd@example.org"]
)
def test_decision_by_anyone_but_a_programme_manager_is_refused(cav, demo_user, email):
    with pytest.raises(PermissionDenied):
        decision_record(
            application=cav,
            outcome=DecisionOutcome.APPROVED,
            approved_amount=Decimal("1.00"),
            acting_user=demo_user(email),
        )

    cav.refresh_from_db()
    assert cav.status == ApplicationStatus.SUBMITTED
    assert not Decision.objects.filter(application=cav).exists()


def test_deferred_application_keeps_the_round_in_review(in_review, cav, pth, manager):
    decision_record(
        application=cav,
        outcome=DecisionOutcome.DEFERRED,
        reasons="Wait for the pilot.",
        acting_user=manager,
    )
    decline(pth, manager)

    in_review.refresh_from_db()
    cav.refresh_from_db()
    assert cav.status == ApplicationStatus.DEFERRED
    assert Decision.objects.get(application=cav).reasons == "Wait for the pilot."
    assert in_review.state == RoundState.IN_REVIEW


def test_deferred_application_can_later_be_approved(cav, manager):
    decision_record(application=cav, outcome=DecisionOutcome.DEFERRED, acting_user=manager)

    decision = approve(cav, manager, "100000.00")

    cav.refresh_from_db()
    assert cav.status == ApplicationStatus.APPROVED
    assert (decision.outcome, decision.approved_amount, decision.reasons) == (
        DecisionOutcome.APPROVED,
        Decimal("100000.00"),
        "",
    )
    assert Decision.objects.filter(application=cav).count() == 1


def test_deferring_a_deferred_application_again_is_refused(cav, manager):
    decision_record(application=cav, outcome=DecisionOutcome.DEFERRED, acting_user=manager)

    refusal = refused(application=cav, outcome=DecisionOutcome.DEFERRED, acting_user=manager)

    assert refusal.errors == {
        "outcome": "This application is already deferred: approve or decline it"
    }


def test_round_moves_to_decided_when_the_last_submitted_application_is_decided(
    in_review, cav, pth, manager
):
    approve(cav, manager)
    in_review.refresh_from_db()
    state_after_first = in_review.state

    decline(pth, manager)

    in_review.refresh_from_db()
    event = AuditEvent.objects.filter(round_pk=in_review.pk, object_id=str(in_review.pk)).latest(
        "pk"
    )
    assert state_after_first == RoundState.IN_REVIEW
    assert in_review.state == RoundState.DECIDED
    assert (event.from_state, event.to_state, event.actor) == ("in_review", "decided", manager)


def test_round_moves_to_decided_when_a_deferred_application_is_finally_decided(
    in_review, cav, pth, manager
):
    decision_record(application=cav, outcome=DecisionOutcome.DEFERRED, acting_user=manager)
    decline(pth, manager)

    approve(cav, manager)

    in_review.refresh_from_db()
    assert in_review.state == RoundState.DECIDED


def test_decision_in_a_closed_round_moves_it_into_review_then_decided(in_review, cav, pth, manager):
    Round.objects.filter(pk=in_review.pk).update(state=RoundState.CLOSED)
    approve(cav, manager)
    in_review.refresh_from_db()
    state_after_first = in_review.state

    decline(pth, manager)

    in_review.refresh_from_db()
    assert state_after_first == RoundState.IN_REVIEW
    assert in_review.state == RoundState.DECIDED
    assert list(
        AuditEvent.objects.filter(round_pk=in_review.pk, action__startswith="round.")
        .order_by("pk")
        .values_list("from_state", "to_state")
    ) == [("closed", "in_review"), ("in_review", "decided")]


def test_demo_round_in_review_is_decided_by_its_one_submitted_application(manager):
    application = Application.objects.get(reference="PS-2020-CAV-001")

    approve(application, manager, "296000.00")

    assert Round.objects.get(code="2020-22").state == RoundState.DECIDED


# The decision page ---------------------------------------------------------------------------


def decide_url(application):
    return f"/applications/{application.reference}/decision/"


def post_decision(client, application, **data):
    today = timezone.localdate()
    form = {
        "decided_on_0": str(today.day),
        "decided_on_1": str(today.month),
        "decided_on_2": str(today.year),
        **data,
    }
    return client.post(decide_url(application), form)


def summary(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [item.get_text(strip=True) for item in soup.select(".govuk-error-summary__list li")]


def test_decision_page_shows_the_amount_requested_and_defaults_the_date_to_today(signed_in, cav):
    response = signed_in(MANAGER).get(decide_url(cav))

    soup = BeautifulSoup(response.content, "html.parser")
    today = timezone.localdate()
    assert response.status_code == 200
    assert soup.select_one("[data-requested]").get_text(strip=True) == "£300,000.00"
    assert [soup.select_one(f"#id_decided_on_{i}")["value"] for i in range(3)] == [
        str(today.day),
        str(today.month),
        str(today.year),
    ]
    assert [label.get_text(strip=True) for label in soup.select(".govuk-radios__label")] == [
        "Approve",
        "Decline",
        "Defer",
    ]
    assert soup.select("[data-module=govuk-radios]") == []


def test_decision_page_approves_and_returns_to_the_ranking(signed_in, cav):
    response = post_decision(
        signed_in(MANAGER),
        cav,
        outcome="approved",
        approved_amount="£250,000.00",
        conditions="Quarterly reports.",
        reasons="Ignored for an approval.",
    )

    decision = Decision.objects.get(application=cav)
    assert response.status_code == 302
    assert response["Location"] == "/rounds/2027-29/ranking/"
    assert (decision.approved_amount, decision.conditions, decision.reasons) == (
        Decimal("250000.00"),
        "Quarterly reports.",
        "",
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "The approved amount must be more than £0.00"),
        ("0", "The approved amount must be more than £0.00"),
        ("300000.01", "The approved amount must be no more than the £300,000.00 requested"),
        ("12.345", "Enter the approved amount with no more than 2 decimal places, like 488000.00"),
        ("", "Enter the approved amount in pounds and pence, like 488000.00"),
        ("lots", "Enter the approved amount in pounds and pence, like 488000.00"),
    ],
)
def test_decision_page_refuses_a_bad_amount_with_a_message_and_saves_nothing(
    signed_in, cav, amount, message
):
    response = post_decision(signed_in(MANAGER), cav, outcome="approved", approved_amount=amount)

    cav.refresh_from_db()
    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert summary(response) == [message]
    assert soup.select_one("#id_approved_amount_1_error").get_text(strip=True) == f"Error:{message}"
    assert cav.status == ApplicationStatus.SUBMITTED
    assert not Decision.objects.filter(application=cav).exists()


def test_decision_page_refuses_a_decline_without_reasons(signed_in, cav):
    response = post_decision(signed_in(MANAGER), cav, outcome="declined", reasons="")

    cav.refresh_from_db()
    assert summary(response) == ["Enter the reasons for declining the application"]
    assert cav.status == ApplicationStatus.SUBMITTED


def test_decision_page_ignores_a_bad_amount_when_declining(signed_in, cav):
    response = post_decision(
        signed_in(MANAGER), cav, outcome="declined", reasons="Too costly.", approved_amount="-5"
    )

    cav.refresh_from_db()
    assert response.status_code == 302
    assert cav.status == ApplicationStatus.DECLINED
    assert Decision.objects.get(application=cav).approved_amount is None


def test_decision_page_without_a_choice_asks_for_one(signed_in, cav):
    response = post_decision(signed_in(MANAGER), cav)

    soup = BeautifulSoup(response.content, "html.parser")
    assert summary(response) == ["Choose approve, decline or defer"]
    assert soup.select_one(".govuk-error-summary__list a")["href"] == "#id_outcome_0"
    assert soup.select_one("#id_outcome_0") is not None


def test_decision_page_refuses_a_date_that_is_not_a_date(signed_in, cav):
    response = signed_in(MANAGER).post(
        decide_url(cav),
        {"outcome": "deferred", "decided_on_0": "31", "decided_on_1": "2", "decided_on_2": "2027"},
    )

    assert summary(response) == ["The date of the decision must be a real date, like 27 3 2026"]
    assert not Decision.objects.filter(application=cav).exists()


def test_decision_page_defers_with_a_note(signed_in, cav):
    response = post_decision(signed_in(MANAGER), cav, outcome="deferred", note="Wait a quarter.")

    cav.refresh_from_db()
    assert response.status_code == 302
    assert cav.status == ApplicationStatus.DEFERRED
    assert Decision.objects.get(application=cav).reasons == "Wait a quarter."


def test_decision_page_of_a_deferred_application_offers_approve_or_decline(signed_in, cav, manager):
    decision_record(application=cav, outcome=DecisionOutcome.DEFERRED, acting_user=manager)

    response = signed_in(MANAGER).get(decide_url(cav))

    soup = BeautifulSoup(response.content, "html.parser")
    assert [label.get_text(strip=True) for label in soup.select(".govuk-radios__label")] == [
        "Approve",
        "Decline",
    ]


def test_decision_page_of_a_decided_application_is_read_only(signed_in, cav, manager):
    approve(cav, manager, "250000.00", conditions="Quarterly reports.")

    response = signed_in(MANAGER).get(decide_url(cav))

    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select("form input[name=outcome]") == []
    assert soup.select_one(".govuk-inset-text").get_text(strip=True) == (
        "This application has been decided. The decision is final and cannot be changed."
    )
    assert soup.select_one("[data-approved-amount]").get_text(strip=True) == "£250,000.00"


def test_decision_page_refuses_a_post_on_a_decided_application(signed_in, cav, manager):
    approve(cav, manager, "250000.00")

    response = post_decision(signed_in(MANAGER), cav, outcome="declined", reasons="Oops.")

    soup = BeautifulSoup(response.content, "html.parser")
    decision = Decision.objects.get(application=cav)
    cav.refresh_from_db()
    assert response.status_code == 200
    assert soup.select_one(".govuk-error-summary__body").get_text(strip=True) == (
        "This application has been decided, so its decision cannot be changed."
    )
    assert (cav.status, decision.outcome, decision.approved_amount) == (
        ApplicationStatus.APPROVED,
        DecisionOutcome.APPROVED,
        Decimal("250000.00"),
    )


@pytest.mark.parametrize("status", [ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN])
def test_decision_page_refuses_a_post_on_an_application_not_submitted(signed_in, cav, status):
    Application.objects.filter(pk=cav.pk).update(status=status)

    response = post_decision(signed_in(MANAGER), cav, outcome="approved", approved_amount="1.00")

    cav.refresh_from_db()
    assert response.status_code == 200
    assert cav.status == status
    assert not Decision.objects.filter(application=cav).exists()


def expected_for_decision_page(email):
    if email in MANAGERS:
        return 200
    if email == CAV:
        return 403  # they see their application, but do not decide it
    return 404


@pytest.mark.parametrize("email", EVERYONE)
def test_decision_page_for_every_role(signed_in, cav, email):
    response = signed_in(email).get(decide_url(cav))

    assert response.status_code == expected_for_decision_page(email)


@pytest.mark.parametrize("email", [e for e in EVERYONE if e not in MANAGERS])
def test_decision_post_by_anyone_but_a_programme_manager_changes_nothing(signed_in, cav, email):
    response = post_decision(signed_in(email), cav, outcome="approved", approved_amount="1.00")

    cav.refresh_from_db()
    assert response.status_code == expected_for_decision_page(email)
    assert cav.status == ApplicationStatus.SUBMITTED


def test_decision_page_sends_signed_out_visitors_to_sign_in(client, cav):
    response = client.get(decide_url(cav))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={decide_url(cav)}"


def test_decision_post_without_a_csrf_token_is_refused(cav, manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    response = post_decision(client, cav, outcome="deferred")

    cav.refresh_from_db()
    assert response.status_code == 403
    assert cav.status == ApplicationStatus.SUBMITTED


# Hostile input -------------------------------------------------------------------------------


def saved_amount_is_valid(text, requested):
    """Whether the form should accept `text` as an approved amount against `requested`."""
    cleaned = text.strip().removeprefix("£").strip()
    parts = parse_number(cleaned)
    if parts is None or len(parts[1]) > 2:
        return False
    amount = Decimal(f"{parts[0]}.{parts[1] or '0'}")
    return Decimal(0) < amount <= requested


class TestHostileApprovedAmount(HypothesisTestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        amount=st.one_of(
            st.text(max_size=30),
            st.decimals(allow_nan=True, allow_infinity=True).map(str),
            st.decimals(min_value=-1, max_value=400000, places=3).map(str),
            st.integers(min_value=-10, max_value=400000).map(str),
        )
    )
    def test_approved_amount_never_crashes_and_only_a_valid_amount_is_saved(self, amount):
        round = Round.objects.get(code="2027-29")
        Round.objects.filter(pk=round.pk).update(
            state=RoundState.IN_REVIEW,
            opens_at=timezone.now() - datetime.timedelta(days=60),
            closes_at=timezone.now() - datetime.timedelta(days=1),
        )
        application = ApplicationFactory(
            round=round,
            organisation=Organisation.objects.get(code="CAV"),
            status=ApplicationStatus.SUBMITTED,
        )
        BudgetLineFactory(application=application, amount=Decimal("300000.00"))
        self.client.force_login(User.objects.get(email=MANAGER))

        response = post_decision(
            self.client, application, outcome="approved", approved_amount=amount
        )

        decision = Decision.objects.filter(application=application).first()
        assert response.status_code in (200, 302)
        if saved_amount_is_valid(amount, Decimal("300000.00")):
            assert response.status_code == 302
            assert Decimal(0) < decision.approved_amount <= Decimal("300000.00")
            assert decision.approved_amount == decision.approved_amount.quantize(Decimal("0.01"))
        else:
            assert response.status_code == 200
            assert decision is None
