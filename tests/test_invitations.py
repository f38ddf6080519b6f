"""Invitations: the email, in the invitee's language, and its single-use, expiring link."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from pacesetter import people
from pacesetter.enums import AuditAction, Role
from pacesetter.models import AuditEvent, Invitation, Organisation, User, invitation_token_hash
from pacesetter.transitions import Refused

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
SITE = "http://testserver/"
PASSWORD = "a long unguessable passphrase"
LINK = re.compile(r"http://testserver(/invitations/[A-Za-z0-9_-]+/)")


@pytest.fixture
def manager(demo_user):
    return demo_user(MANAGER)


@pytest.fixture
def invite(manager, django_capture_on_commit_callbacks):
    """Return a function that invites a person as the demo manager; the email is sent."""

    def send(email="new.reviewer@example.org", **changes):
        details = {
            "email": email,
            "full_name": "Mair Jones",
            "role": Role.REVIEWER,
            "organisation": Organisation.objects.get(code="CAV"),
            "language": "en",
            **changes,
        }
        with django_capture_on_commit_callbacks(execute=True):
            invitation = people.person_invite(**details, acting_user=manager, site_url=SITE)
        return invitation, LINK.search(mail.outbox[-1].body).group(1)

    return send


def accept(client, path, password=PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


# The email ---------------------------------------------------------------------------------


def test_invitation_email_goes_to_the_invitee_with_a_link(invite):
    invitation, path = invite()

    message = mail.outbox[0]
    assert (message.to, message.subject) == (
        ["new.reviewer@example.org"],
        "You are invited to the Pacesetter portal",
    )
    assert invitation.token_hash == invitation_token_hash(path.split("/")[2])


@pytest.mark.parametrize("language", ["cy", "en"])
def test_invitation_email_is_rendered_in_the_invitee_language(invite, language):
    invite(language=language)

    assert mail.outbox[0].extra_headers["Content-Language"] == language


def test_invitation_email_is_rendered_under_the_override_not_the_manager_language(invite, settings):
    settings.LANGUAGE_CODE = "en"

    invite(language="cy")

    assert mail.outbox[0].extra_headers["Content-Language"] == "cy"


def test_invitation_stores_only_the_token_digest(invite):
    invitation, path = invite()
    token = path.split("/")[2]

    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert (len(token), token in str(stored), stored["token_hash"]) == (
        43,
        False,
        invitation_token_hash(token),
    )


def test_invitation_is_not_sent_when_the_transaction_rolls_back(manager):
    with pytest.raises(Refused):
        people.person_invite(
            email="someone@example.org",
            full_name="Someone",
            role=Role.REVIEWER,
            organisation=None,
            language="en",
            acting_user=manager,
            site_url=SITE,
        )

    assert (len(mail.outbox), Invitation.objects.count()) == (0, 0)


def test_invitation_is_audited(invite, manager):
    invitation, _path = invite()

    event = AuditEvent.objects.get(action=AuditAction.INVITATION_SENT)
    assert (event.actor, event.object_id, event.to_state, event.details["organisation"]) == (
        manager,
        str(invitation.pk),
        Role.REVIEWER,
        "CAV",
    )


def test_invitation_to_an_active_account_is_refused(manager):
    with pytest.raises(Refused) as refused:
        people.person_invite(
            email="Reviewer1@Example.org",
            full_name="Rhodri Williams",
            role=Role.REVIEWER,
            organisation=Organisation.objects.get(code="WG"),
            language="en",
            acting_user=manager,
            site_url=SITE,
        )

    assert refused.value.errors == {
        "email": "This person already has an account: change it on their page"
    }


# Following the link ------------------------------------------------------------------------


def test_invitation_link_shows_the_password_page(client, invite):
    _invitation, path = invite()

    response = client.get(path)

    assert (response.status_code, response.templates[0].name) == (
        200,
        "pacesetter/invitation/accept.html",
    )
    assert response["Cache-Control"] == ("max-age=0, no-cache, no-store, must-revalidate, private")


@pytest.mark.parametrize(
    ("invited_in", "cookie", "shown_in"),
    [
        ("cy", None, "cy"),
        ("en", None, "en"),
        ("cy", "en", "en"),
        ("en", "cy", "cy"),
    ],
)
def test_invitation_page_comes_in_the_invitation_language_unless_another_was_chosen(
    client, invite, settings, invited_in, cookie, shown_in
):
    _invitation, path = invite(language=invited_in)
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie

    response = client.get(path)

    assert re.search(r'<html lang="([a-z]+)"', response.content.decode()).group(1) == shown_in


@override_settings(REQUIRE_TWO_FACTOR=False)
def test_accepting_creates_the_person_signs_them_in_and_goes_home(client, invite):
    invitation, path = invite(language="cy")

    response = accept(client, path)

    user = User.objects.get(email="new.reviewer@example.org")
    assert (response.status_code, response.url) == (302, "/")
    assert (user.full_name, user.role, user.organisation.code, user.language, user.is_active) == (
        "Mair Jones",
        Role.REVIEWER,
        "CAV",
        "cy",
        True,
    )
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    invitation.refresh_from_db()
    assert (invitation.user, invitation.used_at is not None) == (user, True)


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_accepting_goes_to_two_factor_setup_where_it_is_required(client, invite):
    _invitation, path = invite()

    response = accept(client, path)

    assert (response.status_code, response.url) == (302, "/account/two-factor/setup/")


def test_accepting_is_audited_with_the_person_as_actor(client, invite):
    invitation, path = invite()

    accept(client, path)

    user = User.objects.get(email="new.reviewer@example.org")
    event = AuditEvent.objects.get(action=AuditAction.INVITATION_ACCEPTED)
    assert (event.actor, event.object_id, event.to_state, event.details) == (
        user,
        str(user.pk),
        Role.REVIEWER,
        {
            "invitation": invitation.pk,
            "organisation": "CAV",
            "language": "en",
            "reactivated": False,
        },
    )


NCSC_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]


@override_settings(AUTH_PASSWORD_VALIDATORS=NCSC_VALIDATORS)
def test_accepting_refuses_a_common_or_short_password(client, invite):
    _invitation, path = invite()

    response = accept(client, path, password="password")

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"] == [
        "This password is too short. It must contain at least 12 characters.",
        "This password is too common.",
    ]
    assert not User.objects.filter(email="new.reviewer@example.org").exists()


def test_accepting_reactivates_a_deactivated_account_with_the_invited_role(client, invite):
    person = User.objects.get(email="reviewer3@example.org")
    User.objects.filter(pk=person.pk).update(is_active=False)
    _invitation, path = invite(
        email="reviewer3@example.org",
        role=Role.APPLICANT,
        organisation=Organisation.objects.get(code="HDD"),
    )

    accept(client, path)

    person.refresh_from_db()
    assert (person.is_active, person.role, person.organisation.code) == (
        True,
        Role.APPLICANT,
        "HDD",
    )
    assert AuditEvent.objects.get(action=AuditAction.INVITATION_ACCEPTED).details["reactivated"]


# Links that no longer work -------------------------------------------------------------------


def test_used_link_is_gone(client, invite):
    _invitation, path = invite()
    accept(client, path)

    response = Client().get(path)

    assert (response.status_code, response.context["state"]) == (410, "accepted")
    assert response.context["renewable"] is False


def test_used_link_cannot_be_accepted_twice(client, invite):
    _invitation, path = invite()
    accept(client, path)
    User.objects.filter(email="new.reviewer@example.org").update(is_active=False)

    response = accept(Client(), path, password="another long passphrase")

    user = User.objects.get(email="new.reviewer@example.org")
    assert (response.status_code, user.is_active, user.check_password(PASSWORD)) == (
        410,
        False,
        True,
    )


def test_expired_link_is_gone_and_offers_a_new_one(client, invite):
    invitation, path = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = client.get(path)
    refused = accept(client, path)

    assert (response.status_code, response.context["state"], response.context["renewable"]) == (
        410,
        "expired",
        True,
    )
    assert (refused.status_code, User.objects.filter(email=invitation.email).exists()) == (
        410,
        False,
    )


def test_link_expires_after_seven_days(invite):
    invitation, _path = invite()

    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)
    assert invitation.state(invitation.created_at + datetime.timedelta(days=7)) == "expired"
    assert invitation.state(invitation.created_at + datetime.timedelta(days=6, hours=23)) == (
        "waiting"
    )


def test_reinviting_invalidates_the_old_link(client, invite):
    first, old_path = invite()
    second, new_path = invite()

    old = client.get(old_path)
    new = client.get(new_path)

    first.refresh_from_db()
    assert (old.status_code, old.context["state"], new.status_code) == (410, "replaced", 200)
    assert first.invalidated_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_SENT).first().details[
        "replaced_invitations"
    ] == [first.pk]


def test_resending_invalidates_the_old_link(
    client, invite, manager, django_capture_on_commit_callbacks
):
    first, old_path = invite()

    with django_capture_on_commit_callbacks(execute=True):
        people.invitation_resend(invitation=first, acting_user=manager, site_url=SITE)
    new_path = LINK.search(mail.outbox[-1].body).group(1)

    assert (client.get(old_path).status_code, client.get(new_path).status_code) == (410, 200)
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_RESENT).count() == 1


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:-1],
        lambda token: token + "x",
        lambda token: "x" * 500,
        lambda token: token.upper(),
    ],
)
def test_tampered_link_is_not_found(client, invite, mangle):
    _invitation, path = invite()
    token = path.split("/")[2]

    response = client.get(f"/invitations/{mangle(token)}/")

    assert (response.status_code, response.context["invitation"]) == (404, None)


@given(
    token=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200)
)
def test_any_token_at_all_is_not_found_and_not_an_error(token):
    assert Invitation.objects.for_token(token) is None


def test_accept_refuses_a_tampered_token_in_the_domain():
    with pytest.raises(Refused) as refused:
        people.invitation_accept(token="not-a-token", password=PASSWORD, acting_user=None)

    assert str(refused.value.message) == "This link is not valid."


def test_signed_in_visitor_is_not_signed_in_as_the_invitee(signed_in, invite):
    _invitation, path = invite()
    client = signed_in("reviewer1@example.org")

    response = accept(client, path)

    assert (
        response.status_code,
        User.objects.filter(email="new.reviewer@example.org").exists(),
    ) == (
        200,
        False,
    )


# Asking for a new link -----------------------------------------------------------------------


def test_expired_link_asks_the_managers_once(client, invite, django_capture_on_commit_callbacks):
    invitation, path = invite()
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"{path}new-link/")
        second = client.post(f"{path}new-link/")

    managers = set(
        User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True).values_list(
            "email", flat=True
        )
    )
    assert (first.status_code, first.url, second.status_code) == (302, path, 302)
    assert {message.to[0] for message in mail.outbox} == managers
    assert len(mail.outbox) == len(managers)
    assert mail.outbox[0].subject == "Mair Jones asks for a new invitation"
    assert AuditEvent.objects.filter(action=AuditAction.INVITATION_RENEWAL_REQUESTED).count() == 1


def test_working_link_cannot_ask_the_managers(client, invite):
    _invitation, path = invite()
    mail.outbox.clear()

    client.post(f"{path}new-link/")

    assert (
        len(mail.outbox),
        AuditEvent.objects.filter(action=AuditAction.INVITATION_RENEWAL_REQUESTED).count(),
    ) == (0, 0)


def test_tampered_link_cannot_ask_the_managers(client):
    response = client.post("/invitations/forged-token/new-link/")

    assert (response.status_code, len(mail.outbox)) == (302, 0)
