"""Guessing is stopped: repeated failed sign-ins lock an email or an address, for longer each
time, with one answer whether or not the email is anyone's; a manager or a command lifts it;
password reset says nothing about which addresses have accounts."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import call_command
from django.test import Client, RequestFactory, TestCase

from pacesetter.enums import AuditAction, Role
from pacesetter.lockout import FIRST_LOCK, cool_off
from pacesetter.models import AuditEvent
from tests.factories import PASSWORD, UserFactory
from tests.test_two_factor import current_code, enrol

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOCKED_HEADING = "You cannot sign in for now"


def fail(client, email, times, address="192.0.2.10"):
    for _attempt in range(times):
        client.post(LOGIN, {"username": email, "password": "not-the-password"}, REMOTE_ADDR=address)


def sign_in_as(client, email, address="192.0.2.10"):
    return client.post(LOGIN, {"username": email, "password": PASSWORD}, REMOTE_ADDR=address)


@pytest.fixture
def person():
    return UserFactory(role=Role.REVIEWER)


def test_four_failures_still_let_the_right_password_in(client, person):
    fail(client, person.email, 4)

    response = sign_in_as(client, person.email)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_five_failures_for_an_account_refuse_even_the_right_password(client, person):
    fail(client, person.email, 5)

    response = sign_in_as(client, person.email)

    assert response.status_code == 429
    assert LOCKED_HEADING in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_for_an_account_count_however_the_email_is_typed(client, person):
    fail(client, person.email.upper(), 5)

    response = sign_in_as(client, person.email)

    assert response.status_code == 429


def test_a_lock_on_one_account_leaves_other_accounts_from_other_addresses_alone(client, person):
    other = UserFactory()
    fail(client, person.email, 5)

    response = sign_in_as(Client(), other.email, address="198.51.100.7")

    assert response.status_code == 302


def test_five_failures_from_an_address_lock_that_address(client, person):
    for index in range(5):
        fail(client, f"nobody{index}@example.org", 1, address="203.0.113.5")

    from_there = sign_in_as(Client(), person.email, address="203.0.113.5")
    from_elsewhere = sign_in_as(Client(), person.email, address="198.51.100.7")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 302


def test_lockout_page_is_the_same_for_an_unknown_email(person):
    known, unknown = Client(), Client()
    fail(known, person.email, 5, address="192.0.2.20")
    fail(unknown, "no-such-person@example.org", 5, address="192.0.2.21")

    known_page = known.post(
        LOGIN, {"username": person.email, "password": "x"}, REMOTE_ADDR="192.0.2.20"
    )
    unknown_page = unknown.post(
        LOGIN,
        {"username": "no-such-person@example.org", "password": "x"},
        REMOTE_ADDR="192.0.2.21",
    )

    assert known_page.status_code == unknown_page.status_code == 429
    assert known_page.content.decode().replace(person.email, "") == (
        unknown_page.content.decode().replace("no-such-person@example.org", "")
    )
    assert person.email not in known_page.content.decode()


def test_each_failure_after_the_limit_doubles_the_lock(person):
    request = RequestFactory().post(LOGIN, {"username": person.email})
    request.axes_ip_address = "192.0.2.30"

    waits = []
    for failures in (5, 6, 7):
        fail(Client(), person.email, 1 if waits else 5, address="192.0.2.30")
        waits.append(cool_off(request))
        assert AccessAttempt.objects.get(username=person.email).failures_since_start == failures

    assert waits == [FIRST_LOCK, FIRST_LOCK * 2, FIRST_LOCK * 4]


def test_lock_lasts_no_longer_than_a_day(person):
    request = RequestFactory().post(LOGIN, {"username": person.email})
    request.axes_ip_address = "192.0.2.31"
    fail(Client(), person.email, 30, address="192.0.2.31")

    assert cool_off(request) == datetime.timedelta(days=1)


def test_lock_ends_when_its_time_is_up(client, person):
    fail(client, person.email, 5)
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    AccessAttempt.objects.update(attempt_time=long_ago)
    AccessAttemptExpiration.objects.update(expires_at=long_ago)

    response = sign_in_as(client, person.email)

    assert response.status_code == 302


def test_wrong_codes_at_the_second_step_count_towards_the_lock(client, person):
    device, _codes = enrol(person)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    sign_in_as(client, person.email)
    for _attempt in range(4):
        client.post("/accounts/login/code/", {"code": wrong}, REMOTE_ADDR="192.0.2.10")

    fifth = client.post("/accounts/login/code/", {"code": wrong}, REMOTE_ADDR="192.0.2.10")
    code_step_after = client.get("/accounts/login/code/")
    password_after = sign_in_as(Client(), person.email)

    assert fifth.status_code == 429
    assert LOCKED_HEADING in fifth.content.decode()
    assert code_step_after["Location"] == LOGIN
    assert password_after.status_code == 429
    assert "_auth_user_id" not in client.session


def test_locking_out_is_audited_without_saying_whether_the_email_is_anyones(client):
    fail(client, "no-such-person@example.org", 5)

    event = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_LOCKED_OUT).first()

    assert event.details == {"email": "no-such-person@example.org", "ip": "192.0.2.10"}
    assert event.actor is None


def test_manager_lifts_a_lock_and_it_is_audited(client, person, demo_user):
    fail(client, person.email, 5)
    manager_client = Client()
    manager = demo_user("manager@example.org")
    manager_client.force_login(manager)

    response = manager_client.post(f"/people/{person.pk}/unlock/")
    after = sign_in_as(client, person.email)

    assert response.status_code == 302
    assert after.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_UNLOCKED)
    assert (event.actor, event.object_id, event.details) == (
        manager,
        str(person.pk),
        {"attempts_forgotten": 1},
    )


@pytest.mark.parametrize("email", ["reviewer1@example.org", "applicant.cav@example.org"])
def test_only_a_manager_may_lift_a_lock(client, person, signed_in, email):
    fail(client, person.email, 5)
    other = signed_in(email)

    response = other.post(f"/people/{person.pk}/unlock/")

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username=person.email).count() == 1


def test_unlock_refuses_a_get(signed_in, person):
    response = signed_in("manager@example.org").get(f"/people/{person.pk}/unlock/")

    assert response.status_code == 405


def test_axes_reset_username_command_lifts_a_lock(client, person):
    fail(client, person.email, 5)

    call_command("axes_reset_username", person.email)
    response = sign_in_as(client, person.email)

    assert response.status_code == 302


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(person):
    with TestCase.captureOnCommitCallbacks(execute=True):
        known = Client().post("/accounts/password_reset/", {"email": person.email})
    known_mail = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        unknown = Client().post(
            "/accounts/password_reset/", {"email": "no-such-person@example.org"}
        )

    assert (known.status_code, known["Location"]) == (302, "/accounts/password_reset/done/")
    assert (unknown.status_code, unknown["Location"]) == (302, "/accounts/password_reset/done/")
    assert known_mail == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [person.email]


def test_password_reset_link_works_for_an_hour_and_not_after(person, monkeypatch):
    token = default_token_generator.make_token(person)
    made_at = default_token_generator._now()

    monkeypatch.setattr(
        default_token_generator, "_now", lambda: made_at + datetime.timedelta(minutes=59)
    )
    within_the_hour = default_token_generator.check_token(person, token)
    monkeypatch.setattr(
        default_token_generator, "_now", lambda: made_at + datetime.timedelta(minutes=61)
    )
    after_the_hour = default_token_generator.check_token(person, token)

    assert within_the_hour is True
    assert after_the_hour is False
