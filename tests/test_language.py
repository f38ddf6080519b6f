"""The header's English / Cymraeg switch, the recorded language, and pages in Welsh."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import translation

from criteria.demo import DEMO_PASSWORD
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent

pytestmark = pytest.mark.django_db

APPLICANT = "applicant.cav@example.org"


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def toggle(soup):
    return soup.select_one("a.app-language-toggle__link")


def test_language_toggle_on_an_english_page_links_to_the_same_page_in_welsh(client):
    soup = soup_of(client.get("/accounts/login/?next=/rounds/%3Fpage%3D2"))

    link = toggle(soup)

    assert soup.html["lang"] == "en"
    assert link.get_text(strip=True) == "Cymraeg"
    assert link["lang"] == "cy"
    assert link["hreflang"] == "cy"
    assert link["href"] == "/language/cy/?next=/accounts/login/%3Fnext%3D/rounds/%253Fpage%253D2"


def test_switch_language_signed_out_keeps_the_choice_in_a_cookie(client):
    response = client.get("/language/cy/?next=/accounts/login/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "cy"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    page = soup_of(client.get("/accounts/login/"))
    assert page.html["lang"] == "cy"
    assert page.select_one("h1").get_text(strip=True) == "Mewngofnodi"
    assert toggle(page).get_text(strip=True) == "English"
    assert toggle(page)["lang"] == "en"


def test_switch_language_back_to_english(client):
    client.get("/language/cy/?next=/")

    client.get("/language/en/?next=/")

    assert soup_of(client.get("/accounts/login/")).html["lang"] == "en"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example.org/", "//evil.example.org/", "javascript:alert(1)", "", "\\\\evil"],
)
def test_switch_language_never_sends_anyone_to_another_site(client, next_url):
    response = client.get("/language/cy/", {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("code", ["fr", "CY", "cy-gb", "en%00", "x" * 300])
def test_switch_language_to_a_language_the_portal_lacks_is_not_found(client, code):
    response = client.get(f"/language/{code}/?next=/")

    assert response.status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_switch_language_signed_in_records_the_language_and_audits_it(signed_in, demo_user):
    client = signed_in(APPLICANT)

    client.get("/language/cy/?next=/account/")

    person = demo_user(APPLICANT)
    assert person.language == "cy"
    event = AuditEvent.objects.filter(action=AuditAction.LANGUAGE_CHANGED).latest("pk")
    assert (event.actor, event.from_state, event.to_state) == (person, "en", "cy")


def test_signed_in_pages_come_in_the_recorded_language_whatever_the_browser_asks(
    signed_in, demo_user
):
    person = demo_user(APPLICANT)
    person.language = "cy"
    person.save()
    client = signed_in(APPLICANT)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = soup_of(client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en"))

    assert page.html["lang"] == "cy"
    assert page.select_one("a[href='/account/']").get_text(strip=True) == "Eich cyfrif"


def test_language_chosen_signed_out_becomes_the_record_on_sign_in(client, demo_user):
    client.get("/language/cy/?next=/accounts/login/")

    client.post("/accounts/login/", {"username": APPLICANT, "password": DEMO_PASSWORD})

    assert demo_user(APPLICANT).language == "cy"
    assert soup_of(client.get("/")).html["lang"] == "cy"


def test_a_language_cookie_left_by_someone_else_does_not_change_the_record(client, demo_user):
    # A shared computer: the last person chose Welsh; the next signs in without choosing.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"

    client.post("/accounts/login/", {"username": APPLICANT, "password": DEMO_PASSWORD})

    assert demo_user(APPLICANT).language == "en"
    assert soup_of(client.get("/")).html["lang"] == "en"


def test_account_language_change_is_audited_and_answered_in_the_new_language(signed_in, demo_user):
    client = signed_in(APPLICANT)

    response = client.post("/account/language/", {"language": "cy"}, follow=True)

    assert demo_user(APPLICANT).language == "cy"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    with translation.override("cy"):
        saved = translation.gettext("Your language has been saved.")
    assert saved != "Your language has been saved."
    banner = soup_of(response).select_one(".govuk-notification-banner__heading")
    assert banner.get_text(strip=True) == saved
    event = AuditEvent.objects.filter(action=AuditAction.LANGUAGE_CHANGED).latest("pk")
    assert (event.from_state, event.to_state) == ("en", "cy")


def test_account_language_change_to_the_same_language_writes_no_event(signed_in):
    client = signed_in(APPLICANT)
    before = AuditEvent.objects.filter(action=AuditAction.LANGUAGE_CHANGED).count()

    client.post("/account/language/", {"language": "en"})

    assert AuditEvent.objects.filter(action=AuditAction.LANGUAGE_CHANGED).count() == before


@pytest.mark.parametrize("value", ["fr", "", "cy' OR 1=1", "c" * 500])
def test_account_language_hostile_value_changes_nothing(signed_in, demo_user, value):
    client = signed_in(APPLICANT)

    response = client.post("/account/language/", {"language": value})

    assert response.status_code == 400
    assert demo_user(APPLICANT).language == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_django_validation_messages_come_in_welsh(client):
    client.get("/language/cy/?next=/")

    page = soup_of(client.post("/accounts/login/", {"username": "", "password": ""}))

    errors = [item.get_text(strip=True) for item in page.select(".govuk-error-summary__list a")]
    assert errors == ["Mae angen y maes hwn.", "Mae angen y maes hwn."]
    assert page.select_one(".govuk-error-summary__title").get_text(strip=True) == (
        "Mae problem wedi codi"
    )
