"""A programme manager opens the programme view, filters it and opens a scheme's page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_manager_filters_the_programme_view_and_opens_the_scheme_page(page, demo):
    sign_in(page, demo, "manager@example.org")
    page.get_by_role("link", name="Monitoring", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring funded schemes")
    expect(page.locator("[data-list-count]")).to_have_text("Showing 1 to 1 of 1 funded scheme")
    assert_accessible(page)

    page.get_by_label("Latest delivery or spend rating").select_option("red")
    page.get_by_role("button", name="Show schemes").click()
    expect(page.locator("[data-list-count]")).to_have_text("No funded scheme matches.")
    assert_accessible(page)

    page.get_by_role("link", name="Clear search and filters").click()
    page.get_by_label("Health board").select_option("HDD")
    page.get_by_role("button", name="Show schemes").click()
    expect(page.locator("#schemes tbody tr")).to_have_count(1)
    page.locator("#schemes").get_by_role("link", name="PS-2018-HDD-001").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Networked model for primary care contractors"
    )
    expect(page.get_by_role("img", name="Spend against budget")).to_be_visible()
    expect(page.locator('#spend tr[data-spend="total"] td').first).to_have_text("£488,000.00")
    assert_accessible(page)

    page.get_by_role("link", name="Back", exact=True).click()
    page.get_by_role("link", name="Overview of Pacesetters for these schemes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview of Pacesetters")
    assert_accessible(page)
