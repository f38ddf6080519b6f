"""An applicant enters a costing through the budget editor; axe checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from pacesetter.models import Organisation
from schemes.enums import ApplicationStatus
from schemes.models import Round
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.browser

# Seed 002, Appendix A (City and Hackney GP Practice Support Team), with each session cost
# "x 1 session per practice" across 20 practices entered as quantity x unit cost.
PRACTICE_SUPPORT_TEAM = [
    ("Confederation staff time", None, "1,000.00", "£1,000.00"),
    ("Project administrative support", None, "7,500.00", "£7,500.00"),
    ("Diagnostics: GP", "20", "325", "£6,500.00"),
    ("Diagnostics: Practice Manager", "20", "150", "£3,000.00"),
    ("Diagnostics: IT/EMIS support", "20", "125", "£2,500.00"),
    ("Action plan: GP", "100", "325", "£32,500.00"),
    ("Action plan: Practice Manager", "100", "150", "£15,000.00"),
    ("Action plan: IT/EMIS support", "100", "125", "£12,500.00"),
    ("Ongoing: GP", "40", "325", "£13,000.00"),
    ("Ongoing: Practice Manager", "40", "150", "£6,000.00"),
    ("Ongoing: IT/EMIS support", "40", "125", "£5,000.00"),
    ("Ongoing: Contracts or Practice Support Manager", "40", "200", "£8,000.00"),
    ("Ongoing: Director of Workforce", "40", "300", "£12,000.00"),
]


@pytest.fixture
def cav_draft(demo):
    return ApplicationFactory(
        round=Round.objects.get(code="2027-29"),
        organisation=Organisation.objects.get(code="CAV"),
        status=ApplicationStatus.DRAFT,
    )


def open_budget(page, demo, application):
    sign_in(page, demo, "applicant.cav@example.org")
    page.goto(f"{demo}/applications/{application.reference}/apply/budget/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget")
    assert_accessible(page)


def start_line(page):
    page.get_by_role("button", name="Add a budget line").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a budget line")
    assert_accessible(page)
    return page.locator("form[data-budget-line-form]")


def save(page):
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget")
    assert_accessible(page)


def live(page, name):
    return page.locator(f"[data-live={name}]")


def test_applicant_enters_the_practice_support_team_costing_and_sees_the_seeds_totals(
    page, demo, cav_draft
):
    open_budget(page, demo, cav_draft)
    running_total = 0

    for description, quantity, money, amount in PRACTICE_SUPPORT_TEAM:
        form = start_line(page)
        form.get_by_label("Description").fill(description)
        form.get_by_role("group", name="Category").get_by_label("Staff", exact=True).check()
        if quantity is None:
            form.get_by_label("A fixed amount").check()
            form.get_by_label("Amount", exact=True).fill(money)
        else:
            form.get_by_label("Quantity × unit cost").check()
            form.get_by_label("Quantity", exact=True).fill(quantity)
            form.get_by_label("Unit cost", exact=True).fill(money)
        expect(live(page, "line")).to_have_text(amount)
        running_total += int(amount.strip("£").replace(",", "").replace(".", ""))
        save(page)
        expect(page.get_by_role("row").filter(has_text=description).last).to_contain_text(amount)

    form = start_line(page)
    form.get_by_label("Description").fill("Confederation Overheads")
    form.get_by_role("group", name="Category").get_by_label("Overheads").check()
    form.get_by_label("A percentage of a subtotal").check()
    form.get_by_label("Percentage", exact=True).fill("10")
    form.get_by_label("All costed lines of the year").check()
    expect(live(page, "line")).to_have_text("£12,450.00")
    expect(live(page, "year-label")).to_have_text("Year 1 total")
    expect(live(page, "year")).to_have_text("£136,950.00")
    expect(live(page, "requested")).to_have_text("£136,950.00")
    assert_accessible(page)
    save(page)

    assert running_total == 12_450_000
    expect(page.get_by_role("row").filter(has_text="Confederation Overheads")).to_contain_text(
        "£12,450.00"
    )
    expect(page.locator("[data-total=year-1]")).to_have_text("£136,950.00")
    expect(page.locator("[data-total=requested]")).to_have_text("£136,950.00")


def test_live_total_updates_as_the_applicant_types_before_saving(page, demo, cav_draft):
    open_budget(page, demo, cav_draft)
    form = start_line(page)
    form.get_by_label("Description").fill("GP sessions")
    form.get_by_label("Quantity × unit cost").check()
    form.get_by_label("Quantity", exact=True).fill("20")

    form.get_by_label("Unit cost", exact=True).press_sequentially("32")
    expect(live(page, "line")).to_have_text("£640.00")
    form.get_by_label("Unit cost", exact=True).press_sequentially("5.5")
    expect(live(page, "line")).to_have_text("£6,510.00")
    form.get_by_label("Unit cost", exact=True).press_sequentially("55")

    expect(live(page, "line")).to_have_text("Not worked out yet")
    form.get_by_label("Unit cost", exact=True).fill("325")
    expect(live(page, "line")).to_have_text("£6,500.00")
    expect(live(page, "year")).to_have_text("£6,500.00")
    expect(live(page, "requested")).to_have_text("£6,500.00")
    form.get_by_role("group", name="Which year is this line for?").get_by_label("Year 2").check()
    expect(live(page, "year-label")).to_have_text("Year 2 total")
    assert_accessible(page)


def test_keyboard_user_changes_moves_and_removes_lines_and_adds_other_funding(
    page, demo, cav_draft
):
    open_budget(page, demo, cav_draft)
    for description, amount in (("Project management", "12000"), ("Venue hire", "1855")):
        form = start_line(page)
        form.get_by_label("Description").fill(description)
        form.get_by_role("group", name="Category").get_by_label("Non-staff").check()
        form.get_by_label("A fixed amount").check()
        form.get_by_label("Amount", exact=True).fill(amount)
        save(page)

    page.get_by_role("button", name="Move up Venue hire").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget")
    expect(page.locator("#budget-year-1 tr[data-line] td:first-child")).to_have_text(
        ["Venue hire", "Project management"]
    )
    assert_accessible(page)

    page.get_by_role("link", name="Change Venue hire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change a budget line")
    expect(live(page, "line")).to_have_text("£1,855.00")
    assert_accessible(page)
    page.get_by_label("Amount", exact=True).fill("£1,855.555")
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_title(re.compile(r"^Error: Change a budget line"))
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter an amount in pounds and pence with no more than 2 decimal places, like 1250.50"
    )
    assert_accessible(page)
    page.get_by_role("link", name="no more than 2 decimal places").click()
    expect(page.get_by_label("Amount", exact=True)).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("2000")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Budget")
    expect(page.locator("[data-total=year-1]")).to_have_text("£14,000.00")
    assert_accessible(page)

    page.get_by_role("link", name="Remove Project management").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to remove this budget line?"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Yes, remove this line").click()
    expect(page.locator("[data-total=requested]")).to_have_text("£2,000.00")
    assert_accessible(page)

    page.get_by_role("button", name="Add other funding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add other funding")
    assert_accessible(page)
    page.get_by_label("Source of the funding").fill("Health board")
    page.get_by_label("Amount", exact=True).fill("£3,000.50")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("[data-total=other-funding]")).to_have_text("£3,000.50")
    expect(page.locator("[data-total=project]")).to_have_text("£5,000.50")
    assert_accessible(page)
