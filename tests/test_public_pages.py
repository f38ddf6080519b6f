"""The pages every UK public service has: readable by anyone, linked from every page's footer."""

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings

from pacesetter.views.public import describe_seconds

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = {
    "/accessibility/": "Accessibility statement for Pacesetter portal",
    "/privacy/": "Privacy notice",
    "/cookies/": "Cookies",
    "/contact/": "Contact and help",
}
FOOTER_LINKS = [
    ("Accessibility statement", "/accessibility/"),
    ("Privacy", "/privacy/"),
    ("Cookies", "/cookies/"),
    ("Contact and help", "/contact/"),
]
DEMO_EMAILS = [
    "applicant.cav@example.org",
    "reviewer1@example.org",
    "chair@example.org",
    "manager@example.org",
    "admin@example.org",
]
# A few pages each role can open, with the footer on every one.
PAGES_BY_ROLE = {
    "applicant.cav@example.org": ["/", "/rounds/", "/applications/PS-2020-CAV-001/"],
    "reviewer1@example.org": ["/", "/rounds/", "/criteria/"],
    "chair@example.org": ["/", "/rounds/"],
    "manager@example.org": ["/", "/rounds/", "/audit/", "/applications/PS-2020-CAV-001/"],
}


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    return " ".join(element.get_text(" ").split())


def footer_links(soup):
    return [
        (text(link), link["href"])
        for link in soup.select("footer .govuk-footer__inline-list .govuk-footer__link")
    ]


def cookie_rows(soup):
    return [
        [text(value) for value in cookie.select(".govuk-summary-list__value")]
        for cookie in soup.select("dl[data-cookie]")
    ]


@pytest.mark.parametrize(("path", "heading"), PUBLIC_PAGES.items())
def test_public_page_is_readable_signed_out(client, path, heading):
    response = client.get(path)

    assert response.status_code == 200
    assert text(soup_of(response).select_one("h1")) == heading


@pytest.mark.parametrize("email", DEMO_EMAILS)
@pytest.mark.parametrize(("path", "heading"), PUBLIC_PAGES.items())
def test_public_page_is_readable_signed_in_for_every_role(signed_in, email, path, heading):
    response = signed_in(email).get(path)

    assert response.status_code == 200
    assert text(soup_of(response).select_one("h1")) == heading


@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/accounts/login/", "/accounts/password_reset/"])
def test_footer_links_to_the_four_pages_signed_out(client, path):
    soup = soup_of(client.get(path))

    assert footer_links(soup) == FOOTER_LINKS


@pytest.mark.parametrize(
    ("email", "path"),
    [(email, path) for email, paths in PAGES_BY_ROLE.items() for path in paths],
)
def test_footer_links_to_the_four_pages_for_every_role(signed_in, email, path):
    response = signed_in(email).get(path, follow=True)

    assert response.status_code == 200
    assert footer_links(soup_of(response)) == FOOTER_LINKS


def test_footer_links_on_the_not_found_page(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert footer_links(soup_of(response)) == FOOTER_LINKS


@override_settings(SESSION_COOKIE_AGE=12 * 60 * 60, SESSION_EXPIRE_AT_BROWSER_CLOSE=False)
def test_cookies_page_lists_the_cookies_named_in_settings(client):
    soup = soup_of(client.get("/cookies/"))

    assert cookie_rows(soup) == [
        ["sessionid", "Keeps you signed in as you move from page to page", "12 hours"],
        [
            "csrftoken",
            "Checks that a form you send was sent from this service, to protect you from "
            "cross-site request forgery",
            "52 weeks",
        ],
        [
            "messages",
            "Carries a message such as “Application saved” to the next page you see; only set "
            "when there is a message to show",
            "When you close your browser",
        ],
        [
            "django_language",
            "Remembers the language you chose for the service; only set if you choose one",
            "365 days",
        ],
    ]


@override_settings(
    SESSION_COOKIE_NAME="portal_session",
    SESSION_EXPIRE_AT_BROWSER_CLOSE=True,
    CSRF_USE_SESSIONS=True,
    MESSAGE_STORAGE="django.contrib.messages.storage.session.SessionStorage",
    LANGUAGE_COOKIE_NAME="portal_language",
    LANGUAGE_COOKIE_AGE=365 * 24 * 60 * 60,
)
def test_cookies_page_follows_the_settings_when_they_change(client):
    soup = soup_of(client.get("/cookies/"))

    assert [row[0] for row in cookie_rows(soup)] == ["portal_session", "portal_language"]
    assert [row[2] for row in cookie_rows(soup)] == [
        "When you close your browser",
        "365 days",
    ]


def test_cookies_page_says_no_banner_is_needed(client):
    soup = soup_of(client.get("/cookies/"))

    paragraphs = [text(p) for p in soup.select("main p")]
    assert (
        "Because only essential cookies are used, the law does not require us to ask for your "
        "consent, so the portal shows no cookie banner and has no cookie settings to change."
    ) in paragraphs


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (60, "1 minute"),
        (30 * 60, "30 minutes"),
        (12 * 60 * 60, "12 hours"),
        (24 * 60 * 60, "1 day"),
        (14 * 24 * 60 * 60, "2 weeks"),
        (31_449_600, "52 weeks"),
        (90, "90 seconds"),
    ],
)
def test_describe_seconds_uses_the_largest_whole_unit(seconds, words):
    assert describe_seconds(seconds) == words


@override_settings(SUPPORT_EMAIL="help@example.org", SUPPORT_PHONE="")
def test_contact_page_gives_the_support_email_and_no_phone_unless_set(client):
    soup = soup_of(client.get("/contact/"))

    assert [link["href"] for link in soup.select("main a[href^=mailto]")] == [
        "mailto:help@example.org",
        "mailto:help@example.org",
    ]
    assert "Telephone" not in text(soup.select_one("main"))


@override_settings(SUPPORT_PHONE="0300 000 0000")
def test_contact_page_shows_the_phone_number_when_set(client):
    soup = soup_of(client.get("/contact/"))

    assert text(soup.select("main ul.govuk-list li")[1]) == "Telephone: 0300 000 0000"


def test_accessibility_statement_has_the_sections_the_regulations_require(client):
    soup = soup_of(client.get("/accessibility/"))

    assert [text(h) for h in soup.select("main h2, main h3")] == [
        "How accessible this website is",
        "Feedback and contact information",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Technical information about this website’s accessibility",
        "Compliance status",
        "Non-accessible content",
        "Non-compliance with the accessibility regulations",
        "Disproportionate burden",
        "Content that’s not within the scope of the accessibility regulations",
        "What we’re doing to improve accessibility",
        "Preparation of this accessibility statement",
    ]


def test_accessibility_statement_says_partially_compliant_with_wcag_2_2(client):
    soup = soup_of(client.get("/accessibility/"))

    paragraphs = [text(p) for p in soup.select("main p")]
    assert (
        "This website is partially compliant with the Web Content Accessibility Guidelines "
        "version 2.2 AA standard, due to the non-compliances listed below."
    ) in paragraphs
    assert (
        "This statement was prepared on 1 December 2026. It was last reviewed on 1 December 2026."
    ) in paragraphs


@override_settings(DATA_PROTECTION_OFFICER_EMAIL="")
def test_privacy_notice_names_the_controller_and_no_officer_unless_set(client):
    soup = soup_of(client.get("/privacy/"))

    assert text(soup.select("main p")[1]) == (
        "The Welsh Government is the data controller for the personal data held in the "
        "Pacesetter portal. It runs the Pacesetter programme, through which NHS Wales health "
        "boards test primary care innovations."
    )
    assert "Data Protection Officer" not in text(soup.select_one("main"))


@override_settings(DATA_PROTECTION_OFFICER_EMAIL="dpo@example.org")
def test_privacy_notice_gives_the_officer_when_set(client):
    soup = soup_of(client.get("/privacy/"))

    assert "mailto:dpo@example.org" in [a["href"] for a in soup.select("main a[href^=mailto]")]


def test_bad_request_gets_a_service_page_with_the_footer(client):
    response = client.get("/", HTTP_HOST="not-this-service.example")

    soup = soup_of(response)
    assert response.status_code == 400
    assert text(soup.select_one("h1")) == "Sorry, there is a problem with the service"
    assert footer_links(soup) == FOOTER_LINKS
