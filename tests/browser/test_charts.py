"""The manager opens a round's charts: each SVG is named and the numbers are a click away."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_manager_reads_the_charts_of_the_2020_22_round(page, demo):
    sign_in(page, demo, "manager@example.org")
    page.goto(f"{demo}/rounds/2020-22/")
    page.get_by_role("link", name="Charts").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Charts")
    assert_accessible(page)
    expect(
        page.get_by_role("img", name="Money requested and approved by health board")
    ).to_be_visible()
    expect(
        page.get_by_role("img", name="Tick-matrix coverage: components by application")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Score distributions by criterion")).to_be_visible()

    page.get_by_text("Show the numbers").nth(1).click()
    expect(
        page.locator("#coverage-table tr[data-component='1. An informed public'] [data-count]")
    ).to_have_text("0 (none)")
    page.get_by_text("Show the numbers").nth(2).click()
    assert_accessible(page)
