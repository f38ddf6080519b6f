"""The people page: who may open it, the list, role changes, deactivation and its protections."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from pacesetter import people
from pacesetter.enums import AuditAction, Role
from pacesetter.models import AuditEvent, Invitation, Organisation, User
from pacesetter.transitions import Refused
from tests.factories import UserFactory
from tests.hostile_queries import LIST_SETTINGS, query_strings

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
ADMIN = "admin@example.org"
REVIEWER = "reviewer3@example.org"


@pytest.fixture
def manager(demo_user):
    return demo_user(MANAGER)


@pytest.fixture
def reviewer(demo_user):
    return demo_user(REVIEWER)


def sign_in_with_password(email):
    """A new browser's client, signed in through the sign-in page with the demo password."""
    client = Client()
    response = client.post("/accounts/login/", {"username": email, "password": "pacesetter-demo"})
    return client, response


def signs_in(email):
    _client, response = sign_in_with_password(email)
    return response.status_code == 302 and not response.url.startswith("/accounts/login")


def emails_listed(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [row["data-person"] for row in soup.select("#people-list tbody tr")]


# Who may come in -----------------------------------------------------------------------------


def person_pages(reviewer):
    return [
        "/people/",
        "/people/invite/",
        f"/people/{reviewer.pk}/",
        f"/people/{reviewer.pk}/role/",
        f"/people/{reviewer.pk}/deactivate/",
        f"/people/{reviewer.pk}/reactivate/",
    ]


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("applicant.cav@example.org", 403),
        ("reviewer1@example.org", 403),
        ("chair@example.org", 403),
        (MANAGER, 200),
    ],
)
def test_people_pages_open_for_managers_only(signed_in, reviewer, email, expected):
    client = signed_in(email)

    statuses = [client.get(url).status_code for url in person_pages(reviewer)]

    assert statuses == [expected] * 6


def test_people_pages_send_anonymous_visitors_to_sign_in(client, reviewer):
    responses = [client.get(url) for url in person_pages(reviewer)]

    assert [(each.status_code, each.url) for each in responses] == [
        (302, f"/accounts/login/?next={url}") for url in person_pages(reviewer)
    ]


@pytest.mark.parametrize(
    "email", ["applicant.cav@example.org", "reviewer1@example.org", "chair@example.org"]
)
def test_people_writes_are_refused_to_everyone_but_managers(signed_in, reviewer, email):
    client = signed_in(email)
    invitation = Invitation.objects.create(
        email="x@example.org",
        full_name="X",
        role=Role.REVIEWER,
        invited_by=User.objects.get(email=MANAGER),
        token_hash="0" * 64,
        expires_at="2999-01-01T00:00Z",
    )

    statuses = [
        client.post(
            "/people/invite/",
            {"full_name": "X", "email": "y@example.org", "role": "reviewer", "language": "en"},
        ).status_code,
        client.post(f"/people/{reviewer.pk}/deactivate/", {"reason": "r"}).status_code,
        client.post(
            f"/people/{reviewer.pk}/role/", {"role": "programme_manager", "reason": "r"}
        ).status_code,
        client.post(f"/people/invitations/{invitation.pk}/resend/").status_code,
    ]

    reviewer.refresh_from_db()
    assert (statuses, reviewer.is_active, reviewer.role) == ([403] * 4, True, Role.REVIEWER)


def test_people_link_is_in_the_header_for_managers_only(signed_in):
    manager_page = signed_in(MANAGER).get("/people/")
    reviewer_page = Client()
    reviewer_page.force_login(User.objects.get(email="reviewer1@example.org"))

    assert b'href="/people/"' in manager_page.content
    assert b'href="/people/"' not in reviewer_page.get("/rounds/").content


def test_two_factor_reset_is_offered_only_when_that_page_exists(signed_in, reviewer):
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("person_two_factor_reset", args=[reviewer.pk])
        exists = True
    except NoReverseMatch:
        exists = False

    response = signed_in(MANAGER).get(f"/people/{reviewer.pk}/")

    assert response.context["two_factor_reset_available"] is exists
    assert (b"Reset second factor" in response.content) is exists


# The list ------------------------------------------------------------------------------------


def test_people_list_searches_by_name_or_email(signed_in):
    client = signed_in(MANAGER)

    by_name = emails_listed(client.get("/people/", {"search": "gareth"}))
    by_email = emails_listed(client.get("/people/", {"search": "APPLICANT.C"}))

    assert (by_name, by_email) == ([REVIEWER], ["applicant.cav@example.org"])


def test_people_list_filters_by_role_organisation_and_access(signed_in):
    User.objects.filter(email="reviewer2@example.org").update(is_active=False)
    client = signed_in(MANAGER)

    reviewers_wg = emails_listed(
        client.get("/people/", {"role": "reviewer", "organisation": "WG", "active": "yes"})
    )
    deactivated = emails_listed(client.get("/people/", {"active": "no"}))

    assert reviewers_wg == ["chair@example.org", "reviewer1@example.org"]
    assert deactivated == ["reviewer2@example.org"]


def test_people_list_shows_fifty_a_page(signed_in):
    UserFactory.create_batch(60, full_name="Zz Test Person", organisation=None)
    client = signed_in(MANAGER)

    first = client.get("/people/")
    last = client.get("/people/", {"page": "2"})

    total = User.objects.count()
    assert (len(emails_listed(first)), len(emails_listed(last))) == (50, total - 50)


@given(params=query_strings(["search", "role", "organisation", "active", "page"]))
@LIST_SETTINGS
def test_people_list_answers_any_query_string(signed_in, params):
    response = signed_in(MANAGER).get("/people/", params)

    assert response.status_code == 200


def people_list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/people/")
    assert response.status_code == 200
    return len(queries)


def test_people_list_query_count_does_not_grow_with_people(signed_in):
    client = signed_in(MANAGER)
    UserFactory.create_batch(5)
    few = people_list_queries(client)
    UserFactory.create_batch(45)

    many = people_list_queries(client)

    assert many == few


# Inviting through the pages ------------------------------------------------------------------


def test_invite_page_sends_an_invitation(signed_in, django_capture_on_commit_callbacks):
    client = signed_in(MANAGER)
    organisation = Organisation.objects.get(code="HDD")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/people/invite/",
            {
                "full_name": "Ffion Hughes",
                "email": "Ffion.Hughes@Example.org",
                "role": "applicant",
                "organisation": organisation.pk,
                "language": "cy",
            },
        )

    invitation = Invitation.objects.get()
    assert (response.status_code, response.url) == (302, "/people/")
    assert (invitation.email, invitation.role, invitation.organisation, invitation.language) == (
        "ffion.hughes@example.org",
        Role.APPLICANT,
        organisation,
        "cy",
    )
    assert mail.outbox[0].to == ["ffion.hughes@example.org"]


def test_invite_page_asks_a_reviewer_employer(signed_in):
    response = signed_in(MANAGER).post(
        "/people/invite/",
        {"full_name": "Ffion", "email": "f@example.org", "role": "reviewer", "language": "en"},
    )

    assert response.context["form"].errors == {
        "organisation": ["Choose the reviewer’s employer: conflicts of interest are checked by it"]
    }
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "x" * 201, "The name must be 200 characters or fewer"),
        (
            "full_name",
            "Ffion\nHughes",
            "Enter the name without tabs, line breaks or other control characters",
        ),
        (
            "email",
            "not an email",
            "Enter an email address in the correct format, like name@example.org",
        ),
        ("email", "a" * 250 + "@example.org", "The email address must be 254 characters or fewer"),
        ("role", "superuser", "Choose a role from the list"),
        ("language", "fr", "Choose English or Welsh"),
    ],
)
def test_invite_page_refuses_bad_input_with_a_clear_message(signed_in, field, value, message):
    data = {"full_name": "Ffion", "email": "f@example.org", "role": "programme_manager"}
    data["language"] = "en"
    data[field] = value

    response = signed_in(MANAGER).post("/people/invite/", data)

    assert response.context["form"].errors[field][-1] == message
    assert Invitation.objects.count() == 0


@given(full_name=st.text(max_size=250), email=st.text(max_size=300))
@LIST_SETTINGS
def test_invite_page_answers_any_name_and_email(signed_in, full_name, email):
    response = signed_in(MANAGER).post(
        "/people/invite/",
        {"full_name": full_name, "email": email, "role": "programme_manager", "language": "en"},
    )

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        invitation = Invitation.objects.order_by("-pk").first()
        assert (invitation.email, invitation.full_name) == (
            email.strip().lower(),
            full_name.strip(),
        )
        assert all(character.isprintable() for character in invitation.full_name)


# Role and organisation -----------------------------------------------------------------------


def test_role_change_is_audited_with_from_to_and_reason(signed_in, reviewer, manager):
    health_board = Organisation.objects.get(code="HDD")

    response = signed_in(MANAGER).post(
        f"/people/{reviewer.pk}/role/",
        {"role": "applicant", "organisation": health_board.pk, "reason": "Moved to Hywel Dda"},
    )

    reviewer.refresh_from_db()
    event = AuditEvent.objects.get(action=AuditAction.PERSON_ROLE_CHANGED)
    assert (response.status_code, reviewer.role, reviewer.organisation) == (
        302,
        Role.APPLICANT,
        health_board,
    )
    assert (event.actor, event.object_id, event.from_state, event.to_state, event.reason) == (
        manager,
        str(reviewer.pk),
        Role.REVIEWER,
        Role.APPLICANT,
        "Moved to Hywel Dda",
    )
    assert event.details == {"organisation": {"from": "CAV", "to": "HDD"}}


def test_organisation_change_alone_is_audited_as_such(reviewer, manager):
    people.person_change_role(
        person=reviewer,
        role=Role.REVIEWER,
        organisation=Organisation.objects.get(code="WG"),
        reason="New employer",
        acting_user=manager,
    )

    event = AuditEvent.objects.get(action=AuditAction.PERSON_ORGANISATION_CHANGED)
    assert event.details == {"organisation": {"from": "CAV", "to": "WG"}}


def test_role_change_needs_a_reason(signed_in, reviewer):
    response = signed_in(MANAGER).post(
        f"/people/{reviewer.pk}/role/",
        {"role": "programme_manager", "organisation": reviewer.organisation_id, "reason": ""},
    )

    reviewer.refresh_from_db()
    assert response.context["form"].errors == {"reason": ["Enter the reason for the change"]}
    assert reviewer.role == Role.REVIEWER


def test_manager_cannot_demote_themselves(signed_in, manager):
    response = signed_in(MANAGER).post(
        f"/people/{manager.pk}/role/",
        {"role": "reviewer", "organisation": manager.organisation_id, "reason": "Stepping down"},
    )

    manager.refresh_from_db()
    assert response.context["form"].non_field_errors() == [
        "You cannot remove your own programme manager role. Ask another manager."
    ]
    assert (manager.role, AuditEvent.objects.filter(action="person.role_changed").count()) == (
        Role.PROGRAMME_MANAGER,
        0,
    )


def test_last_manager_cannot_be_demoted(manager, demo_user):
    admin = demo_user(ADMIN)
    # Two managers at once: the admin is stepped down in the database after this request
    # read the manager, so the manager is now the last one.
    User.objects.filter(pk=admin.pk).update(role=Role.REVIEWER)

    with pytest.raises(Refused) as refused:
        people.person_change_role(
            person=manager,
            role=Role.REVIEWER,
            organisation=manager.organisation,
            reason="Demote",
            acting_user=admin,
        )

    manager.refresh_from_db()
    assert refused.value.message == (
        "Elin Roberts is the last active programme manager, so keeps that role."
    )
    assert manager.role == Role.PROGRAMME_MANAGER


# Deactivating and reactivating ---------------------------------------------------------------


def test_deactivating_ends_the_person_open_session(signed_in, reviewer):
    theirs, _response = sign_in_with_password(REVIEWER)
    assert theirs.get("/rounds/").status_code == 200

    response = signed_in(MANAGER).post(
        f"/people/{reviewer.pk}/deactivate/", {"reason": "Left the panel"}
    )
    after = theirs.get("/rounds/")

    reviewer.refresh_from_db()
    assert (response.status_code, reviewer.is_active) == (302, False)
    assert (after.status_code, after.url) == (302, "/accounts/login/?next=/rounds/")
    sessions = [each.get_decoded().get("_auth_user_id") for each in Session.objects.all()]
    assert str(reviewer.pk) not in sessions


def test_deactivated_person_cannot_sign_in(reviewer, manager):
    people.person_deactivate(person=reviewer, reason="Left", acting_user=manager)

    assert signs_in(REVIEWER) is False


def test_deactivation_is_audited_with_the_reason_and_sessions_ended(reviewer, manager):
    sign_in_with_password(REVIEWER)

    people.person_deactivate(person=reviewer, reason="Left the panel", acting_user=manager)

    event = AuditEvent.objects.get(action=AuditAction.PERSON_DEACTIVATED)
    assert (event.actor, event.reason, event.details) == (
        manager,
        "Left the panel",
        {"sessions_ended": 1, "invitations_stopped": 0},
    )


def test_deactivation_keeps_other_people_sessions(reviewer, manager):
    other, _response = sign_in_with_password("reviewer1@example.org")

    people.person_deactivate(person=reviewer, reason="Left", acting_user=manager)

    assert other.get("/rounds/").status_code == 200


def test_deactivation_needs_a_reason(signed_in, reviewer):
    response = signed_in(MANAGER).post(f"/people/{reviewer.pk}/deactivate/", {"reason": " "})

    reviewer.refresh_from_db()
    assert response.context["form"].errors == {
        "reason": ["Enter the reason for deactivating this person"]
    }
    assert reviewer.is_active is True


def test_manager_cannot_deactivate_themselves(signed_in, manager):
    client = signed_in(MANAGER)

    page = client.get(f"/people/{manager.pk}/deactivate/")
    response = client.post(f"/people/{manager.pk}/deactivate/", {"reason": "Leaving"})

    manager.refresh_from_db()
    message = "You cannot deactivate yourself. Ask another programme manager."
    assert (page.context["refusal"], response.context["refusal"]) == (message, message)
    assert (manager.is_active, client.get("/people/").status_code) == (True, 200)


def test_last_manager_cannot_be_deactivated(manager, demo_user):
    admin = demo_user(ADMIN)
    # Two managers deactivating each other at once: the admin's own deactivation landed
    # first, so the manager is now the last active one.
    User.objects.filter(pk=admin.pk).update(is_active=False)

    with pytest.raises(Refused) as refused:
        people.person_deactivate(person=manager, reason="Both leaving", acting_user=admin)

    manager.refresh_from_db()
    assert refused.value.message == (
        "Elin Roberts is the last active programme manager and cannot be deactivated."
    )
    assert manager.is_active is True


def test_deactivation_stops_waiting_invitations(manager, reviewer):
    waiting = Invitation.objects.create(
        email=REVIEWER,
        full_name="Gareth Lloyd",
        role=Role.REVIEWER,
        invited_by=manager,
        token_hash="1" * 64,
        expires_at="2999-01-01T00:00Z",
    )

    people.person_deactivate(person=reviewer, reason="Left", acting_user=manager)

    waiting.refresh_from_db()
    assert waiting.state() == "replaced"


def test_reactivating_lets_the_person_sign_in_again(signed_in, reviewer, manager):
    people.person_deactivate(person=reviewer, reason="Left", acting_user=manager)

    response = signed_in(MANAGER).post(
        f"/people/{reviewer.pk}/reactivate/", {"reason": "Back on the panel"}
    )

    event = AuditEvent.objects.get(action=AuditAction.PERSON_REACTIVATED)
    assert response.status_code == 302
    assert signs_in(REVIEWER) is True
    assert (event.actor, event.reason) == (manager, "Back on the panel")


def test_deactivating_twice_is_refused(reviewer, manager):
    people.person_deactivate(person=reviewer, reason="Left", acting_user=manager)

    with pytest.raises(Refused) as refused:
        people.person_deactivate(person=reviewer, reason="Again", acting_user=manager)

    assert refused.value.message == "Gareth Lloyd is already deactivated."
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_DEACTIVATED).count() == 1


def test_domain_functions_refuse_a_non_manager(reviewer, demo_user):
    from django.core.exceptions import PermissionDenied

    applicant = demo_user("applicant.cav@example.org")

    with pytest.raises(PermissionDenied):
        people.person_deactivate(person=reviewer, reason="x", acting_user=applicant)
