"""Signing in with a second factor: an authenticator's code or a single-use recovery code."""

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacesetter import sign_in
from pacesetter.checks import second_factor_required
from pacesetter.enums import AuditAction, Role
from pacesetter.models import AuditEvent
from pacesetter.two_factor import (
    authenticator_being_set_up,
    confirm_authenticator,
    has_authenticator,
    reset_second_factor,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
SETUP = "/account/two-factor/setup/"


def current_code(device):
    """Compute the code an authenticator app would show now for `device`."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(user):
    """Give `user` a confirmed authenticator; return (device, recovery codes)."""
    device = authenticator_being_set_up(user)
    codes = confirm_authenticator(device, current_code(device), acting_user=user)
    device.refresh_from_db()
    return device, codes


def give_password(client, user):
    return client.post(LOGIN, {"username": user.email, "password": PASSWORD})


@pytest.fixture
def reviewer():
    return UserFactory(role=Role.REVIEWER)


@pytest.fixture
def enrolled(reviewer):
    device, codes = enrol(reviewer)
    return reviewer, device, codes


def test_password_of_a_person_with_an_authenticator_leads_to_the_code_step(client, enrolled):
    user, _device, _codes = enrolled

    response = give_password(client, user)

    assert response.status_code == 302
    assert response["Location"] == CODE
    assert "_auth_user_id" not in client.session


def test_code_step_with_the_current_code_signs_in_verified(client, enrolled):
    user, device, _codes = enrolled
    # The set-up used this time step's code; sign in with the next one.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=device.last_t - 1)
    give_password(client, user)

    response = client.post(CODE, {"code": current_code(device)})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["otp_device_id"] == device.persistent_id
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=user).count() == 1


def test_code_step_with_a_wrong_code_refuses_and_signs_nobody_in(client, enrolled):
    user, device, _codes = enrolled
    give_password(client, user)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(CODE, {"code": wrong})

    assert response.status_code == 200
    assert "The code is not right, or has been used." in response.content.decode()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert failed.details["email"] == user.email


def test_code_step_refuses_a_code_already_used(client, enrolled):
    user, device, _codes = enrolled
    used = current_code(device)  # the set-up just used this time step's code
    give_password(client, user)

    response = client.post(CODE, {"code": used})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_recovery_code_signs_in_once_only(client, enrolled):
    user, _device, codes = enrolled
    give_password(client, user)

    first = client.post(CODE, {"code": codes[0].upper()})
    client.post("/accounts/logout/")
    give_password(client, user)
    second = client.post(CODE, {"code": codes[0]})

    assert first.status_code == 302
    assert second.status_code == 200
    assert "_auth_user_id" not in client.session
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_code_step_without_a_password_goes_back_to_sign_in(client):
    response = client.get(CODE)

    assert response.status_code == 302
    assert response["Location"] == LOGIN


def test_code_step_refuses_a_password_given_too_long_ago(client, enrolled, monkeypatch):
    user, device, _codes = enrolled
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=device.last_t - 1)
    give_password(client, user)
    later = sign_in.now() + sign_in.PENDING_SECONDS + 1
    monkeypatch.setattr(sign_in, "now", lambda: later)

    response = client.post(CODE, {"code": current_code(device)})

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_person_without_an_authenticator_must_set_one_up_before_any_other_page(client, reviewer):
    give_password(client, reviewer)

    home = client.get("/")
    rounds = client.get("/rounds/")

    assert home.status_code == 302
    assert home["Location"] == SETUP
    assert rounds["Location"] == SETUP


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_set_up_shows_qr_code_and_secret_then_ten_recovery_codes(client, reviewer):
    give_password(client, reviewer)

    page = client.get(SETUP)
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    done = client.post(SETUP, {"code": current_code(device)})
    home = client.get("/")

    content = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-label="QR code to scan with your authenticator app"' in content
    assert "<script" not in page.context["qr_code"]
    assert "style" not in page.context["qr_code"]
    assert page.context["secret"].replace(" ", "") in content.replace(" ", "")
    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    assert len(set(done.context["codes"])) == 10
    assert has_authenticator(reviewer)
    assert home.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_SET_UP)
    assert event.actor == reviewer
    assert event.details == {"replaced": False}


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_set_up_with_a_wrong_code_confirms_nothing(client, reviewer):
    give_password(client, reviewer)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(SETUP, {"code": wrong})

    assert response.status_code == 200
    assert "The code is not right." in response.content.decode()
    assert not has_authenticator(reviewer)


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_signed_in_person_with_an_unverified_session_is_sent_to_the_code_step(client, enrolled):
    user, _device, _codes = enrolled
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == CODE


def test_person_without_an_authenticator_signs_in_by_password_when_not_required(client, reviewer):
    give_password(client, reviewer)

    response = client.get("/")

    assert response.status_code == 200


def test_replacing_the_authenticator_asks_for_the_password_again(client, enrolled, monkeypatch):
    user, _device, _codes = enrolled
    client.force_login(user)
    later = sign_in.now() + sign_in.RECENT_PASSWORD_SECONDS + 1
    monkeypatch.setattr(sign_in, "now", lambda: later)

    asked = client.get(SETUP)
    wrong = client.post(
        f"/account/confirm-password/?next={SETUP}", {"password": "not-the-password"}
    )
    confirmed = client.post(f"/account/confirm-password/?next={SETUP}", {"password": PASSWORD})
    setup = client.get(SETUP)

    assert asked.status_code == 302
    assert asked["Location"] == "/account/confirm-password/?next=%2Faccount%2Ftwo-factor%2Fsetup%2F"
    assert wrong.status_code == 200
    assert "The password is not right." in wrong.content.decode()
    assert confirmed["Location"] == SETUP
    assert setup.status_code == 200
    assert setup.context["replacing"] is True


def test_replacing_the_authenticator_stops_the_old_one_and_old_recovery_codes(client, enrolled):
    user, old_device, old_codes = enrolled
    client.force_login(user)
    client.get(SETUP)
    new_device = TOTPDevice.objects.get(user=user, confirmed=False)

    response = client.post(SETUP, {"code": current_code(new_device)})

    assert response.status_code == 200
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [
        new_device.pk
    ]
    tokens = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert tokens == set(response.context["codes"])
    assert tokens.isdisjoint(old_codes)
    assert old_device.pk != new_device.pk


def test_new_recovery_codes_replace_the_old_ones(client, enrolled):
    user, _device, old_codes = enrolled
    client.force_login(user)

    confirm = client.get("/account/two-factor/recovery-codes/")
    response = client.post("/account/two-factor/recovery-codes/")

    assert confirm.status_code == 200
    assert response.status_code == 200
    new_codes = response.context["codes"]
    assert len(new_codes) == 10
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == (
        set(new_codes)
    )
    assert set(new_codes).isdisjoint(old_codes)
    assert AuditEvent.objects.filter(action=AuditAction.RECOVERY_CODES_MADE).count() == 1


def test_manager_resets_a_persons_second_factor_with_a_reason(client, enrolled, demo_user):
    user, _device, _codes = enrolled
    manager = demo_user("manager@example.org")
    client.force_login(manager)
    url = f"/people/{user.pk}/two-factor/reset/"

    confirm = client.get(url)
    no_reason = client.post(url, {"reason": ""})
    response = client.post(url, {"reason": "Lost their phone; called them back."})

    assert confirm.status_code == 200
    assert no_reason.status_code == 200
    assert has_authenticator(user) is False
    assert response.status_code == 302
    assert not StaticToken.objects.filter(device__user=user).exists()
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_RESET)
    assert (event.actor, event.object_id, event.reason) == (
        manager,
        str(user.pk),
        "Lost their phone; called them back.",
    )


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_person_whose_second_factor_was_reset_sets_up_a_new_one_at_next_sign_in(
    client, enrolled, demo_user
):
    user, _device, _codes = enrolled
    reset_second_factor(user, acting_user=demo_user("manager@example.org"), reason="New phone.")

    response = give_password(client, user)

    assert response["Location"] == "/"
    assert client.get("/")["Location"] == SETUP


@override_settings(REQUIRE_TWO_FACTOR=False)
def test_deploy_check_warns_when_the_second_factor_is_off():
    warnings = second_factor_required(None)

    assert [warning.id for warning in warnings] == ["pacesetter.W001"]


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_deploy_check_is_quiet_when_the_second_factor_is_required():
    assert second_factor_required(None) == []


def test_admin_sign_in_goes_through_the_portals_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
