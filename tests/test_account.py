"""The account page, and every role against every page this work adds."""

import pytest
from django.test import Client

from criteria.demo import DEMO_PASSWORD
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent, User

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
REVIEWER = "reviewer1@example.org"
APPLICANT = "applicant.cav@example.org"


def test_account_page_shows_who_the_person_is(signed_in):
    client = signed_in(APPLICANT)

    response = client.get("/account/")

    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Carys Evans",
        APPLICANT,
        "Health board lead (applicant)",
        "Cardiff and Vale University Health Board",
        "You have not set up an authenticator app.",
    ):
        assert text in content
    assert response.context["language_form"]["language"].value() == "en"


def test_account_page_lists_recent_sign_ins_and_failed_tries_with_the_address():
    client = Client()
    client.post(
        "/accounts/login/", {"username": APPLICANT, "password": "wrong"}, REMOTE_ADDR="192.0.2.44"
    )
    client.post(
        "/accounts/login/",
        {"username": APPLICANT, "password": DEMO_PASSWORD},
        REMOTE_ADDR="192.0.2.45",
    )

    response = client.get("/account/", REMOTE_ADDR="192.0.2.45")

    rows = [(event.action, event.details.get("ip")) for event in response.context["sign_ins"]]
    assert rows == [
        (AuditAction.SIGN_IN, "192.0.2.45"),
        (AuditAction.SIGN_IN_FAILED, "192.0.2.44"),
    ]
    assert "192.0.2.44" in response.content.decode()


def test_account_page_shows_only_the_last_ten_sign_ins(signed_in, demo_user):
    person = demo_user(REVIEWER)
    for _index in range(12):
        Client().force_login(person)
    client = signed_in(REVIEWER)

    response = client.get("/account/")

    assert len(response.context["sign_ins"]) == 10


def test_account_page_leaves_out_other_peoples_sign_ins(signed_in):
    Client().post("/accounts/login/", {"username": MANAGER, "password": "wrong"})
    client = signed_in(APPLICANT)

    response = client.get("/account/")

    assert all(
        event.actor_id == response.context["person"].pk or event.details["email"] == APPLICANT
        for event in response.context["sign_ins"]
    )
    assert not any(event.details.get("email") == MANAGER for event in response.context["sign_ins"])


def test_changing_the_language_saves_and_audits_it(signed_in):
    client = signed_in(APPLICANT)

    response = client.post("/account/language/", {"language": "cy"})

    assert response.status_code == 302
    assert response["Location"] == "/account/"
    assert User.objects.get(email=APPLICANT).language == "cy"
    event = AuditEvent.objects.get(action=AuditAction.LANGUAGE_CHANGED)
    assert (event.from_state, event.to_state, event.actor.email) == ("en", "cy", APPLICANT)


def test_choosing_the_same_language_audits_nothing(signed_in):
    client = signed_in(APPLICANT)

    client.post("/account/language/", {"language": "en"})

    assert not AuditEvent.objects.filter(action=AuditAction.LANGUAGE_CHANGED).exists()


def test_a_language_the_portal_does_not_have_is_refused(signed_in):
    client = signed_in(APPLICANT)

    response = client.post("/account/language/", {"language": "fr"})

    assert response.status_code == 400
    assert User.objects.get(email=APPLICANT).language == "en"


def test_header_links_to_the_account_page(signed_in):
    content = signed_in(REVIEWER).get("/").content.decode()

    assert 'href="/account/">Your account</a>' in content


ACCOUNT_PAGES = [
    "/account/",
    "/account/two-factor/setup/",
    "/account/confirm-password/",
    "/account/session/",
]


@pytest.mark.parametrize("email", [MANAGER, REVIEWER, APPLICANT])
@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_every_role_reaches_its_own_account_pages(signed_in, email, url):
    response = signed_in(email).get(url)

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/account/", "/accounts/login/?next=/account/"),
        (
            "/account/two-factor/setup/",
            "/accounts/login/?next=/account/two-factor/setup/",
        ),
        (
            "/account/two-factor/recovery-codes/",
            "/accounts/login/?next=/account/two-factor/recovery-codes/",
        ),
        ("/account/confirm-password/", "/accounts/login/?next=/account/confirm-password/"),
        ("/account/session/", "/account/signed-out/"),
    ],
)
def test_account_pages_send_a_signed_out_visitor_away(client, url, location):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == location


def test_recovery_codes_page_without_an_authenticator_goes_to_set_up(signed_in):
    response = signed_in(REVIEWER).get("/account/two-factor/recovery-codes/")

    assert response["Location"] == "/account/two-factor/setup/"


@pytest.mark.parametrize(("email", "status"), [(MANAGER, 200), (REVIEWER, 403), (APPLICANT, 403)])
def test_only_a_manager_sees_the_second_factor_reset_page(signed_in, demo_user, email, status):
    person = demo_user("reviewer2@example.org")

    response = signed_in(email).get(f"/people/{person.pk}/two-factor/reset/")

    assert response.status_code == status


@pytest.mark.parametrize("email", [REVIEWER, APPLICANT])
def test_only_a_manager_may_reset_a_second_factor(signed_in, demo_user, email):
    person = demo_user("reviewer2@example.org")

    response = signed_in(email).post(
        f"/people/{person.pk}/two-factor/reset/", {"reason": "Because."}
    )

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_RESET).exists()


@pytest.mark.parametrize(
    "url", ["/people/{pk}/two-factor/reset/", "/people/{pk}/unlock/"], ids=["reset", "unlock"]
)
def test_manager_pages_send_a_signed_out_visitor_to_sign_in(client, demo_user, url):
    person = demo_user(REVIEWER)

    response = client.post(url.format(pk=person.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
