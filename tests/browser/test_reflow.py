"""Every page each role reaches reflows at 320 px, and no table is cut off at 1280 px.

320 CSS px is also what a 1280 px window shows at 400% zoom (WCAG 2.2, 1.4.10 Reflow). The
pages are those `criteria.demo.pages.demo_pages` finds in the demo data, the same list the
screenshots command takes; each page is loaded once, checked at 320 px with axe-core, then
widened to 1280 px.
"""

from decimal import Decimal

import pytest

from criteria.demo import DEMO_PASSWORD, DEMO_ROUND_CODE
from criteria.demo.pages import DEMO_ROLE_EMAILS, demo_pages
from pacesetter.models import Organisation
from schemes.models import Round
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ApplicationFactory, BudgetLineFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 900}
DESKTOP = {"width": 1280, "height": 900}

# Tables that show, each with its right edge past the window's and no scrolling region of
# its own that is labelled, focusable and scrolls sideways.
CUT_OFF_TABLES = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("table")].filter((table) => {
    const box = table.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 0.5) {
      return false;
    }
    const region = table.closest("[role=region]");
    const labelled = region
      && (region.getAttribute("aria-label") || region.getAttribute("aria-labelledby"));
    const scrolls = region
      && ["auto", "scroll"].includes(getComputedStyle(region).overflowX)
      && region.scrollWidth > region.clientWidth
      && region.getBoundingClientRect().right <= width + 0.5;
    return !(labelled && scrolls && region.tabIndex === 0);
  }).map((table) => table.id || (table.caption && table.caption.textContent.trim()) || "a table");
}"""


@pytest.fixture
def hywel_dda_draft(demo):
    """A draft of Hywel Dda's in the open demo round, so the applicant's form pages exist."""
    application = ApplicationFactory(
        reference="PS-2027-HDD-001",
        title="Community pharmacy independent prescribing across Hywel Dda's clusters",
        round=Round.objects.get(code=DEMO_ROUND_CODE),
        organisation=Organisation.objects.get(code="HDD"),
    )
    BudgetLineFactory(application=application, amount=Decimal("12345.67"))
    return application


@pytest.mark.parametrize("role", list(DEMO_ROLE_EMAILS))
def test_every_page_of_a_role_reflows_at_320_px_and_keeps_its_tables_whole(
    page, demo, hywel_dda_draft, role
):
    pages = demo_pages(role)
    page.set_viewport_size(PHONE)
    sign_in(page, demo, DEMO_ROLE_EMAILS[role])
    sideways, cut_off = {}, {}

    for demo_page in pages:
        page.set_viewport_size(PHONE)
        response = page.goto(f"{demo}{demo_page.path}")
        assert (response.status, page.url) == (200, f"{demo}{demo_page.path}")
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > PHONE["width"]:
            sideways[demo_page.name] = scroll_width
        assert_accessible(page)
        page.set_viewport_size(DESKTOP)
        if tables := page.evaluate(CUT_OFF_TABLES):
            cut_off[demo_page.name] = tables

    assert (sideways, cut_off) == ({}, {})


def test_menu_folds_behind_a_button_on_a_phone_and_shows_without_javascript(
    browser, browser_context_args, page, demo
):
    page.set_viewport_size(PHONE)
    sign_in(page, demo, "manager@example.org")
    rounds = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Rounds")
    assert rounds.is_visible() is False
    page.get_by_role("button", name="Menu").click()
    assert rounds.is_visible() is True
    assert_accessible(page)

    without_script = browser.new_context(
        **browser_context_args, java_script_enabled=False, viewport=PHONE
    )
    plain = without_script.new_page()
    # Signed in by hand: axe, which `sign_in` runs, is itself a script.
    plain.goto(f"{demo}/accounts/login/")
    plain.get_by_label("Email address").fill("manager@example.org")
    plain.get_by_label("Password").fill(DEMO_PASSWORD)
    plain.get_by_role("button", name="Sign in").click()
    menu = plain.get_by_role("navigation", name="Menu")
    assert menu.get_by_role("link", name="Rounds").is_visible() is True
    assert plain.get_by_role("button", name="Menu").count() == 0
    without_script.close()
