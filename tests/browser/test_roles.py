"""Each role signs in and finds their way around, as a person would; axe checks every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def visit(page, *, link=None, path=None, base_url=None, heading=None):
    if link:
        page.get_by_role("link", name=link, exact=True).first.click()
    else:
        page.goto(f"{base_url}{path}")
    if heading:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


def test_applicant_reads_their_application_rounds_and_criteria(page, demo):
    sign_in(page, demo, "applicant.cav@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation’s applications")
    assert_accessible(page)

    visit(page, link="PS-2020-CAV-001", heading="Embedding Quality Improvement in Primary Care")
    expect(page.locator("[data-total=requested]")).to_have_text("£296,000.00")
    expect(page.locator("[data-total=year-1]")).to_have_text("£148,000.00")
    expect(page.locator("[data-total=year-2]")).to_have_text("£148,000.00")

    visit(page, link="Rounds", heading="Funding rounds")
    visit(page, link="Pacesetter 2027-29", heading="Pacesetter 2027-29")
    visit(page, link="Criteria", heading="Criteria sets")
    visit(
        page,
        link="Nationally agreed criteria for Pacesetter programme 2020-2022",
        heading="Nationally agreed criteria for Pacesetter programme 2020-2022",
    )
    expect(page.locator("li[id^=criterion-]")).to_have_count(14)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_applicant_of_another_board_gets_page_not_found(page, demo):
    sign_in(page, demo, "applicant.hdd@example.org")

    response = page.goto(f"{demo}/applications/PS-2020-CAV-001/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_programme_manager_sees_every_round_and_both_seed_applications(page, demo):
    sign_in(page, demo, "manager@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding rounds")
    assert_accessible(page)

    visit(page, link="Pacesetter 2018-19", heading="Pacesetter 2018-19")
    visit(page, link="PS-2018-HDD-001", heading="Networked model for primary care contractors")
    expect(page.locator("[data-total=requested]")).to_have_text("£488,000.00")
    expect(page.locator("[data-total=project]")).to_have_text("£1,047,000.00")

    visit(page, link="Pacesetter 2018-19", heading="Pacesetter 2018-19")
    # The round links its criteria by what they are for it (issue 17).
    visit(page, link="Criteria the Pacesetter 2018-19 panel scores against")
    expect(page.locator("li[id^=criterion-]")).to_have_count(8)

    visit(page, path="/rounds/2020-22/", base_url=demo, heading="Pacesetter 2020-22")
    visit(page, link="PS-2020-CAV-001", heading="Embedding Quality Improvement in Primary Care")
    expect(page.locator("[data-ticked=yes]")).to_have_count(6)


@pytest.mark.parametrize(
    "email",
    ["reviewer1@example.org", "reviewer2@example.org", "reviewer3@example.org"],
)
def test_reviewer_sees_assignments_rounds_and_criteria_but_no_application(page, demo, email):
    sign_in(page, demo, email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your assignments")
    assert_accessible(page)

    visit(page, link="Rounds", heading="Funding rounds")
    visit(page, link="Pacesetter 2020-22", heading="Pacesetter 2020-22")
    expect(page.get_by_role("link", name="PS-2020-CAV-001")).to_have_count(0)
    visit(page, link="Criteria", heading="Criteria sets")

    response = page.goto(f"{demo}/applications/PS-2020-CAV-001/")
    assert response.status == 404


def test_panel_chair_sees_the_panels_they_chair(page, demo):
    sign_in(page, demo, "chair@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Panels you chair")
    assert_accessible(page)

    visit(page, link="Pacesetter 2020-22", heading="Pacesetter 2020-22")


def test_superuser_reaches_the_django_admin(page, demo):
    sign_in(page, demo, "admin@example.org")
    assert_accessible(page)

    page.get_by_role("link", name="Admin").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("link", name="Criteria sets")).to_be_visible()


def test_sign_in_error_is_announced_in_an_error_summary(page, demo):
    page.goto(f"{demo}/accounts/login/")
    page.get_by_label("Email address").fill("manager@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    assert_accessible(page)


def test_keyboard_user_can_skip_to_content_and_sign_in(page, demo):
    page.goto(f"{demo}/accounts/login/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address")).to_be_focused()
    page.keyboard.type("applicant.pth@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("pacesetter-demo")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your organisation’s applications")
