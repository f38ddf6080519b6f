"""Sessions end on the server: after 30 minutes idle, 12 hours at most, at sign-out, and for
every other browser when the password changes. Passwords follow NCSC guidance."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client

from pacesetter import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def person():
    return UserFactory()


def signed_in_client(person):
    client = Client()
    response = client.post(LOGIN, {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def set_clocks(client, **seconds_ago):
    """Move the session's clocks back: SIGNED_IN_AT=..., LAST_SEEN_AT=... seconds ago."""
    session = client.session
    for key, ago in seconds_ago.items():
        session[getattr(sign_in, key)] = sign_in.now() - ago
    session.save()


def test_session_idle_for_over_30_minutes_is_signed_out_on_the_next_request(person):
    client = signed_in_client(person)
    set_clocks(client, LAST_SEEN_AT=30 * 60 + 1)

    response = client.get("/")
    after = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/account/signed-out/?reason=idle"
    assert "_auth_user_id" not in client.session
    assert after.status_code == 302
    assert after["Location"].startswith(LOGIN)


def test_session_idle_for_under_30_minutes_carries_on_and_counts_as_activity(person):
    client = signed_in_client(person)
    set_clocks(client, LAST_SEEN_AT=29 * 60)

    response = client.get("/")

    assert response.status_code == 200
    assert sign_in.now() - client.session[sign_in.LAST_SEEN_AT] < 5


def test_session_over_12_hours_old_is_signed_out_however_active(person):
    client = signed_in_client(person)
    set_clocks(client, SIGNED_IN_AT=12 * 60 * 60 + 1, LAST_SEEN_AT=0)

    response = client.get("/")

    assert response["Location"] == "/account/signed-out/?reason=limit"
    assert "_auth_user_id" not in client.session


def test_signed_out_page_says_why(client):
    idle = client.get("/account/signed-out/?reason=idle")
    limit = client.get("/account/signed-out/?reason=limit")

    assert idle.status_code == limit.status_code == 200
    assert "had not done anything in the portal for 30 minutes" in idle.content.decode()
    assert "signed in for 12 hours" in limit.content.decode()


def soup(response):
    from bs4 import BeautifulSoup

    return BeautifulSoup(response.content, "html.parser")


def test_every_signed_in_page_refreshes_to_the_warning_25_minutes_on_without_javascript(person):
    client = signed_in_client(person)

    response = client.get("/rounds/?page=2")

    # Inside <noscript>: a browser running scripts keeps the page and opens the dialog instead.
    (meta,) = soup(response).select("head noscript meta[http-equiv=refresh]")
    assert meta["content"] == "1500;url=/account/session/?next=%2Frounds%2F%3Fpage%3D2"
    assert "Refresh" not in response


def test_every_signed_in_page_carries_the_warning_dialog_closed(person):
    client = signed_in_client(person)
    set_clocks(client, LAST_SEEN_AT=30)  # seen a moment ago: not rewritten by this request

    response = client.get("/rounds/")

    dialog = soup(response).select_one("dialog#session-dialog")
    assert not dialog.has_attr("open")
    assert int(dialog["data-warn-after"]) in (1470, 1469)
    assert dialog["data-warning-seconds"] == "300"
    assert dialog["data-status-url"] == "/account/session/status/"
    assert dialog["data-warning-url"] == "/account/session/?next=%2Frounds%2F"
    assert "signed out in 5 minutes" in dialog.get_text()
    assert dialog["data-keep-url"] == "/account/session/keep/"
    # Without the script the same form works as the warning page's: back to this page.
    keep = dialog.select_one("form[data-session-keep]")
    assert keep["action"] == "/account/session/"
    assert keep.select_one("input[name=next]")["value"] == "/rounds/"
    assert keep.select_one("input[name=csrfmiddlewaretoken]")


def test_signed_out_pages_have_no_warning(client):
    response = client.get(LOGIN)

    assert "Refresh" not in response
    assert soup(response).select("noscript meta, dialog") == []


def test_the_warning_page_has_no_dialog_of_its_own(person):
    client = signed_in_client(person)

    response = client.get("/account/session/?next=/rounds/")

    assert soup(response).select("noscript meta, dialog") == []


def test_keep_alive_counts_as_activity_and_answers_no_content(person, monkeypatch):
    client = signed_in_client(person)
    set_clocks(client, LAST_SEEN_AT=26 * 60)
    moment = sign_in.now()
    monkeypatch.setattr(sign_in, "now", lambda: moment)

    response = client.post("/account/session/keep/")

    assert response.status_code == 204
    assert client.session[sign_in.LAST_SEEN_AT] == moment


def test_keep_alive_is_a_post_with_its_csrf_token(person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)

    assert client.get("/account/session/keep/").status_code == 405
    assert client.post("/account/session/keep/").status_code == 403


def test_keep_alive_signed_out_keeps_nothing(client):
    assert client.post("/account/session/keep/").status_code == 403


def test_session_status_says_what_is_left_and_is_not_activity(person):
    client = signed_in_client(person)
    set_clocks(client, LAST_SEEN_AT=26 * 60)
    seen = client.session[sign_in.LAST_SEEN_AT]

    response = client.get("/account/session/status/")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert response.json()["seconds_left"] in (240, 239)
    assert client.session[sign_in.LAST_SEEN_AT] == seen


def test_session_status_counts_the_12_hour_limit_when_it_comes_first(person):
    client = signed_in_client(person)
    set_clocks(client, SIGNED_IN_AT=12 * 60 * 60 - 100, LAST_SEEN_AT=10)

    assert client.get("/account/session/status/").json()["seconds_left"] in (100, 99)


def test_session_status_signed_out_is_nothing_left(client):
    assert client.get("/account/session/status/").json() == {"seconds_left": 0}


def test_warning_page_is_not_activity_and_refreshes_to_sign_out_at_the_limit(person, monkeypatch):
    client = signed_in_client(person)
    moment = sign_in.now()
    monkeypatch.setattr(sign_in, "now", lambda: moment)
    set_clocks(client, LAST_SEEN_AT=25 * 60)
    seen = client.session[sign_in.LAST_SEEN_AT]

    response = client.get("/account/session/?next=/rounds/")

    assert response.status_code == 200
    assert "You will be signed out soon" in response.content.decode()
    assert client.session[sign_in.LAST_SEEN_AT] == seen
    assert response["Refresh"] == "305;url=/account/session/?next=%2Frounds%2F"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/account/session/?next=/rounds/"),  # the warning page's own refresh
        ("post", "/account/session/keep/"),  # the dialog's button, too late
        ("get", "/account/session/status/"),
    ],
)
def test_warning_after_the_limit_signs_out(person, method, path):
    client = signed_in_client(person)
    set_clocks(client, LAST_SEEN_AT=30 * 60 + 5)

    response = getattr(client, method)(path)

    assert response["Location"] == "/account/signed-out/?reason=idle"
    assert "_auth_user_id" not in client.session


def test_stay_signed_in_keeps_the_session_and_goes_back(person):
    client = signed_in_client(person)
    set_clocks(client, LAST_SEEN_AT=28 * 60)

    response = client.post("/account/session/", {"next": "/rounds/"})
    set_clocks(client, LAST_SEEN_AT=10)
    later = client.get("/rounds/")

    assert response.status_code == 302
    assert response["Location"] == "/rounds/"
    assert later.status_code == 200


def test_stay_signed_in_refuses_to_go_to_another_site(person):
    client = signed_in_client(person)

    response = client.post("/account/session/", {"next": "https://evil.example.com/"})

    assert response["Location"] == "/"


def test_warning_page_after_the_session_ended_goes_to_the_signed_out_page(client):
    response = client.get("/account/session/?next=/rounds/")

    assert response["Location"] == "/account/signed-out/"


def test_sign_out_ends_the_session_on_the_server(person):
    client = signed_in_client(person)
    key = client.session.session_key

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()


def test_header_sign_out_is_a_form_that_posts(person):
    client = signed_in_client(person)

    content = client.get("/").content.decode()

    assert '<form method="post" action="/accounts/logout/">' in content
    assert client.get("/accounts/logout/").status_code == 405


def test_password_change_ends_the_persons_other_sessions_but_not_this_one(person):
    here, elsewhere = signed_in_client(person), signed_in_client(person)
    new_password = "a-new-and-long-passphrase"

    response = here.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith(LOGIN)


def test_password_change_asks_for_the_current_password(person):
    client = signed_in_client(person)

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "not-the-password",
            "new_password1": "a-new-and-long-passphrase",
            "new_password2": "a-new-and-long-passphrase",
        },
    )

    assert response.status_code == 200
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pass1", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
    ],
)
def test_password_shorter_than_12_or_common_is_refused(person, password, message):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, person)

    assert refused.value.messages == [message]


@pytest.mark.parametrize("password", ["zebracornfla", "839201746539", "river otter lantern"])
def test_password_of_12_or_more_uncommon_characters_needs_no_other_rules(person, password):
    assert validate_password(password, person) is None


def test_error_pages_carry_no_session_warning(person):
    client = signed_in_client(person)

    response = client.get("/applications/PS-0000-XXX-000/")

    assert response.status_code == 404
    assert soup(response).select("noscript meta, dialog") == []
