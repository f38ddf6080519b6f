"""A programme manager sets up a new round, shares out its envelope and opens it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

CRITERIA_2020 = "Nationally agreed criteria for Pacesetter programme 2020-2022 (v1)"


def heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    assert_accessible(page)


def fill_date(page, group, day):
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def test_manager_sets_up_a_round_shares_it_and_opens_it(page, demo):
    year = timezone.localdate().year + 1
    sign_in(page, demo, "manager@example.org")
    heading(page, "Funding rounds")
    page.get_by_role("link", name="Rounds", exact=True).click()
    heading(page, "Funding rounds")

    page.get_by_role("button", name="New round").click()
    heading(page, "Set up a new round")
    page.get_by_label("Code", exact=True).fill("2031-33")
    page.get_by_label("Name in English", exact=True).fill("Pacesetter 2031-33")
    page.get_by_label("Name in Welsh", exact=True).fill("Pacesetter 2031-33")
    fill_date(page, "Opening date", datetime.date(year, 6, 1))
    page.get_by_label("Opening time").fill("09:00")
    fill_date(page, "Closing date", datetime.date(year, 5, 1))
    page.get_by_label("Closing time").fill("17:00")
    page.get_by_label("Maximum scheme duration in months (optional)").fill("24")
    page.get_by_label("Envelope in pounds (optional)").fill("1,000,000.00")
    page.get_by_label("Criteria set").select_option(label=CRITERIA_2020)
    page.get_by_label("Question set").select_option(
        label="Pacesetter scheme 2020-2022 application form"
    )
    frameworks = page.get_by_role("group", name="Strategic frameworks for the tick matrix")
    frameworks.get_by_label("Primary Care Model for Wales").check()
    frameworks.get_by_label("Aims of the primary care pacesetter fund").check()
    page.get_by_label("Declaration in Welsh").fill(
        "Rwy'n cadarnhau bod y cais hwn wedi'i gytuno gan Dîm Gweithredol y Bwrdd Iechyd."
    )
    page.get_by_role("button", name="Create round").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "The closing time must be after the opening time"
    )
    heading(page, "Set up a new round")
    page.get_by_role("link", name="The closing time must be after the opening time").click()
    fill_date(page, "Closing date", datetime.date(year, 7, 31))
    page.get_by_role("button", name="Create round").click()

    heading(page, "Pacesetter 2031-33")
    expect(page.locator(".govuk-summary-list .govuk-tag")).to_have_text("Draft")
    page.get_by_role("link", name="Change indicative shares").click()
    heading(page, "Indicative shares")
    page.get_by_label("Cardiff and Vale University Health Board").fill("600000")
    page.get_by_label("Hywel Dda University Health Board").fill("500000")
    page.get_by_role("button", name="Save shares").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The indicative shares add up to £1,100,000.00, which is more than the envelope "
        "of £1,000,000.00"
    )
    heading(page, "Indicative shares")
    page.get_by_label("Hywel Dda University Health Board").fill("399999.50")
    page.get_by_role("button", name="Save shares").click()

    heading(page, "Pacesetter 2031-33")
    shares = page.get_by_role("table", name="Indicative shares of the envelope")
    expect(shares.get_by_role("row")).to_have_count(3)
    expect(shares.get_by_role("row", name="Hywel Dda University Health Board")).to_contain_text(
        "£399,999.50"
    )

    page.get_by_role("link", name="Open the round").click()
    heading(page, "Open the round")
    # By keyboard: the confirmation button takes focus and Enter presses it.
    page.get_by_role("button", name="Open the round").focus()
    page.keyboard.press("Enter")

    heading(page, "Pacesetter 2031-33")
    expect(page.get_by_role("alert")).to_contain_text("Pacesetter 2031-33 is now open.")
    expect(page.locator(".govuk-summary-list .govuk-tag")).to_have_text("Open")
    page.get_by_role("link", name="Back", exact=True).click()
    heading(page, "Funding rounds")
    expect(page.get_by_role("row", name="Pacesetter 2031-33")).to_contain_text("Open")


def test_manager_reaches_every_other_setup_page_and_each_is_accessible(page, demo):
    sign_in(page, demo, "manager@example.org")
    page.goto(f"{demo}/rounds/2027-29/")
    heading(page, "Pacesetter 2027-29")

    page.get_by_role("link", name="Change round details").click()
    heading(page, "Change round details")
    page.get_by_label("Envelope in pounds (optional)").fill("-1")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an amount of £0.00 or more")
    assert_accessible(page)
    page.get_by_role("link", name="Back", exact=True).click()

    page.get_by_role("link", name="Copy this round").click()
    heading(page, "Copy this round")
    expect(page.get_by_label("Code", exact=True)).to_have_value("2029-31")
    page.get_by_role("link", name="Back", exact=True).click()

    page.get_by_role("link", name="Close the round").click()
    heading(page, "Close the round")
    page.get_by_role("link", name="Cancel").click()

    expect(page.locator("#round-criteria")).to_contain_text(f"Criteria set: {CRITERIA_2020}")
    page.get_by_role("link", name="Criteria the Pacesetter 2027-29 panel scores against").click()
    heading(page, "Nationally agreed criteria for Pacesetter programme 2020-2022")
    page.get_by_role("link", name="Copy to a new version").click()
    heading(page, "Copy to version 2")
    page.get_by_role("button", name="Copy to version 2").click()
    heading(page, "Nationally agreed criteria for Pacesetter programme 2020-2022")
    expect(page.get_by_role("alert")).to_contain_text("Version 2 has been created.")
