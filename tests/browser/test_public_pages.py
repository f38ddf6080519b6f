"""Someone signed out finds the accessibility statement, privacy notice, cookies and contact
pages from the footer, and each passes axe-core and reflows at 320 px."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

FOOTER_PAGES = [
    ("Accessibility statement", "/accessibility/", "Accessibility statement for Pacesetter portal"),
    ("Privacy", "/privacy/", "Privacy notice"),
    ("Cookies", "/cookies/", "Cookies"),
    ("Contact and help", "/contact/", "Contact and help"),
]


def scrolls_sideways(page):
    return page.evaluate(
        "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("width", [1280, 320])
def test_signed_out_visitor_opens_each_public_page_from_the_footer(page, demo, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{demo}/accounts/login/")
    assert_accessible(page)

    for link, path, heading in FOOTER_PAGES:
        page.get_by_role("contentinfo").get_by_role("link", name=link, exact=True).click()

        expect(page).to_have_url(f"{demo}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert_accessible(page)
        assert scrolls_sideways(page) is False
