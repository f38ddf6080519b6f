"""A newly approved scheme followed through its first quarter, as its people would do it."""

import pytest
from playwright.sync_api import expect

from pacesetter.models import Organisation, User
from schemes.enums import ReportStatus
from schemes.models import QuarterlyReport
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.monitoring import approved_application

pytestmark = pytest.mark.browser


def go(page, action):
    action()
    assert_accessible(page)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def fill_date(page, group, day, month, year):
    dates = page.get_by_role("group", name=group)
    dates.get_by_label("Day").fill(day)
    dates.get_by_label("Month").fill(month)
    dates.get_by_label("Year").fill(year)


def add_measure(page, kind, name):
    go(page, lambda: page.get_by_role("link", name="Add a measure").click())
    page.get_by_role("group", name="Kind of measure").get_by_label(kind).check()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Definition").fill(f"{name}, counted each quarter")
    page.get_by_label("Unit").fill("practices")
    page.get_by_label("Data source").fill("GMS sustainability matrix")
    page.get_by_role("group", name="How often it is collected").get_by_label("Quarterly").check()
    page.get_by_label("Baseline value (optional)").fill("4")
    fill_date(page, "Baseline date (optional)", "31", "3", "2018")
    page.get_by_label("Target value").fill("10")
    fill_date(page, "Target date", "31", "3", "2020")
    go(page, lambda: page.get_by_role("button", name="Save measure").click())
    expect(page.get_by_role("heading", name=f"{name} ({kind.lower()})")).to_be_visible()


def submit_report(page):
    go(page, lambda: page.get_by_role("button", name="Save and check your answers").click())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your report before submitting it"
    )
    go(page, lambda: page.get_by_role("button", name="ubmit report").click())
    expect(page.locator("#report-status")).to_have_text("Submitted")


def test_manager_sets_up_lead_accepts_and_reports_returned_then_accepted(page, demo):
    manager = User.objects.get(email="manager@example.org")
    application = approved_application(
        manager=manager,
        organisation=Organisation.objects.get(code="CAV"),
        amount="90000.00",
        lines=((1, "staff", "60000.00"), (1, "non_staff", "40000.00")),
    )
    reference = application.reference

    # The manager sets up the agreement from the approved application.
    sign_in(page, demo, "manager@example.org")
    go(page, lambda: page.goto(f"{demo}/applications/{reference}/"))
    go(page, lambda: page.get_by_role("link", name="Set up delivery agreement").click())
    go(page, lambda: page.get_by_role("button", name="Set up delivery agreement").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery agreement")
    expect(page.locator("#profile-total")).to_have_text("£90,000.00")

    go(page, lambda: page.get_by_role("link", name="Change the milestones").click())
    go(page, lambda: page.get_by_role("button", name="Add another milestone").click())
    page.get_by_label("Milestone", exact=True).fill("Recruit the team")
    fill_date(page, "Due date", "30", "9", "2018")
    go(page, lambda: page.get_by_role("button", name="Save milestones").click())
    expect(page.get_by_role("cell", name="Recruit the team")).to_be_visible()

    go(page, lambda: page.get_by_role("link", name="Change the budget profile").click())
    page.get_by_label("Staff 2018-19", exact=True).fill("60000")
    page.get_by_label("Non-staff 2018-19", exact=True).fill("40000.00")
    go(page, lambda: page.get_by_role("button", name="Save budget profile").click())
    expect(page.get_by_role("alert")).to_contain_text(
        "The budget profile adds up to £100,000.00 but the approved amount is £90,000.00."
    )
    page.get_by_label("Staff 2018-19", exact=True).fill("54000")
    page.get_by_label("Non-staff 2018-19", exact=True).fill("36000")
    go(page, lambda: page.get_by_role("button", name="Save budget profile").click())
    expect(page.locator("#profile-total")).to_have_text("£90,000.00")

    add_measure(page, "Outcome", "Sustainable practices")
    add_measure(page, "Balancing", "Practices closing")
    go(page, lambda: page.get_by_role("button", name="Send to the health board").click())
    expect(
        page.get_by_text("Sent to the health board. Waiting for them to accept it.")
    ).to_be_visible()
    sign_out(page)

    # The lead of the board reads it and accepts it, then reports on the first quarter.
    sign_in(page, demo, "applicant.cav@example.org")
    go(page, lambda: page.goto(f"{demo}/applications/{reference}/agreement/"))
    go(page, lambda: page.get_by_role("button", name="Accept the delivery agreement").click())
    expect(page.get_by_role("strong").filter(has_text="Accepted")).to_be_visible()
    go(page, lambda: page.get_by_role("button", name="Start report 1 Apr 2018").click())
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly report")
    page.get_by_role("group", name="Recruit the team").get_by_label("On track").check()
    page.get_by_label("Spent in the quarter (£) Staff").fill("12000.00")
    page.get_by_label("Forecast for the rest of the year (£) Staff").fill("43500.00")
    page.get_by_label("Spent in the quarter (£) Non-staff").fill("9000")
    page.get_by_label("Forecast for the rest of the year (£) Non-staff").fill("27000")
    page.get_by_label("Value Sustainable practices").fill("5")
    page.get_by_label("Value Practices closing").fill("0")
    page.get_by_role("group", name="Overall delivery rating").get_by_label("Green").check()
    page.get_by_role("group", name="Spend rating").get_by_label("Amber").check()
    page.get_by_label("About the spend rating").fill("Recruitment started late.")
    page.get_by_role("group", name="Scheme status").get_by_label("Ongoing").check()
    submit_report(page)
    sign_out(page)

    # The manager returns it with comments.
    report_path = f"{demo}/applications/{reference}/reports/2018-04-01/"
    sign_in(page, demo, "manager@example.org")
    go(page, lambda: page.goto(report_path))
    page.get_by_label("Return it to the health board").check()
    page.get_by_label("Comments").fill("Say what the risks are.")
    go(page, lambda: page.get_by_role("button", name="Record the decision").click())
    expect(page.locator("#report-status")).to_have_text("Returned")
    sign_out(page)

    # The lead changes it and resubmits.
    sign_in(page, demo, "applicant.cav@example.org")
    go(page, lambda: page.goto(report_path))
    go(page, lambda: page.get_by_role("link", name="Change and resubmit the report").click())
    expect(page.get_by_text("Say what the risks are.")).to_be_visible()
    page.get_by_label("Risks and issues").fill("Two posts are still vacant.")
    submit_report(page)
    sign_out(page)

    # The manager accepts it; both submissions are kept.
    sign_in(page, demo, "manager@example.org")
    go(page, lambda: page.goto(report_path))
    page.get_by_label("Accept the report").check()
    go(page, lambda: page.get_by_role("button", name="Record the decision").click())
    expect(page.locator("#report-status")).to_have_text("Accepted")
    go(page, lambda: page.get_by_role("link", name="Submission 1").click())
    expect(page.get_by_text("Two posts are still vacant.")).to_have_count(0)

    report = QuarterlyReport.objects.get(agreement__application__reference=reference)
    assert (report.status, report.versions.count()) == (ReportStatus.ACCEPTED, 2)

    # The programme view shows the scheme's board, status, ratings and spend against approved.
    go(page, lambda: page.goto(f"{demo}/monitoring/?board=CAV"))
    row = page.locator(f'#schemes tr[data-reference="{reference}"]')
    expect(row.locator("td").first).to_have_text("Cardiff and Vale University Health Board")
    expect(row.locator("[data-status]")).to_have_text("Ongoing")
    expect(row.locator("[data-ratings]")).to_have_text(
        "Delivery: Green\nSpend: Amber", use_inner_text=True
    )
    expect(row.locator("[data-spent]")).to_have_text(
        "£21,000.00\nof £90,000.00", use_inner_text=True
    )

    # The scheme page: staff spent 12,000.00 of 54,000.00, forecast 12,000.00 + 43,500.00,
    # so 1,500.00 (2.8%) over; the measure's value as reported.
    go(page, lambda: row.get_by_role("link", name=reference).click())
    expect(page.get_by_role("heading", level=1)).to_have_text(application.title)
    staff = page.locator('#spend tr[data-spend="2018-staff"] td')
    expect(staff).to_have_text(
        ["£54,000.00", "£12,000.00", "£55,500.00", "£1,500.00", "2.8%", "Within threshold"]
    )
    expect(page.locator('#spend tr[data-spend="total"] td').nth(1)).to_have_text("£21,000.00")
    values = page.get_by_role("table", name="Sustainable practices: values").locator("td")
    expect(values).to_have_text(["4", "5", "10"])
