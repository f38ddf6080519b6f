"""A new applicant drafts, leaves, comes back, costs, submits and gets a receipt."""

import re

import pytest
from playwright.sync_api import expect

from schemes.models import Application
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_budget_editor import PRACTICE_SUPPORT_TEAM, save, start_line

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    assert_accessible(page)


def task_status(page, name):
    return (
        page.locator(".govuk-task-list__item")
        .filter(has_text=name)
        .locator(".govuk-task-list__status")
    )


def enter_costing(page):
    for description, quantity, money, _amount in PRACTICE_SUPPORT_TEAM:
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
        save(page)
    form = start_line(page)
    form.get_by_label("Description").fill("Confederation Overheads")
    form.get_by_role("group", name="Category").get_by_label("Overheads").check()
    form.get_by_label("A percentage of a subtotal").check()
    form.get_by_label("Percentage", exact=True).fill("10")
    form.get_by_label("All costed lines of the year").check()
    save(page)


def test_applicant_drafts_leaves_returns_costs_and_submits(page, demo):
    sign_in(page, demo, "applicant.cav@example.org")
    heading(page, "Your organisation’s applications")

    page.get_by_role("link", name="Pacesetter 2027-29").click()
    heading(page, "Pacesetter 2027-29")
    page.get_by_role("button", name="Start an application").click()
    heading(page, "What is the title of your scheme?")
    page.get_by_label("What is the title of your scheme?").fill("Practice support team")
    page.get_by_role("button", name="Start application").click()
    heading(page, "Your application")
    expect(page.locator(".govuk-caption-l")).to_contain_text("PS-2027-CAV-001")

    page.get_by_role("link", name="About the scheme").click()
    heading(page, "About the scheme")
    page.get_by_label("What is the problem the scheme will try to address?").fill(
        "Some practices struggle to meet core requirements."
    )
    description = page.get_by_label("Short description of the scheme")
    description.fill("word " * 251)
    expect(page.locator(".govuk-character-count__status").first).to_contain_text("1 word too many")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Use 250 words or fewer; you have used 251")
    assert_accessible(page)
    page.get_by_label("Short description of the scheme").fill("A team that visits practices.")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("4")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Duration of the scheme").fill("24")
    page.get_by_role("button", name="Save and come back later").click()
    heading(page, "Your application")
    expect(task_status(page, "About the scheme")).to_have_text("In progress")

    # Leave, and come back another day.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, demo, "applicant.cav@example.org")
    page.get_by_role("link", name="PS-2027-CAV-001").click()
    heading(page, "Your application")
    page.get_by_role("link", name="About the scheme").click()
    expect(page.get_by_label("What is the problem the scheme will try to address?")).to_have_value(
        "Some practices struggle to meet core requirements."
    )
    for field in page.locator("textarea").all():
        if not field.input_value():
            field.fill("Answered in the browser test.")
    page.get_by_role("button", name="Save and continue").click()
    heading(page, "Details of the scheme")
    for field in page.locator("textarea").all():
        field.fill("Answered in the browser test.")
    page.get_by_role("button", name="Save and continue").click()
    heading(page, "Your application")
    expect(task_status(page, "About the scheme")).to_have_text("Completed")
    expect(task_status(page, "Details of the scheme")).to_have_text("Completed")

    page.get_by_role("link", name="Budget").click()
    heading(page, "Budget")
    enter_costing(page)
    expect(page.locator("[data-total=year-1]")).to_have_text("£136,950.00")
    expect(page.locator("[data-total=requested]")).to_have_text("£136,950.00")
    page.get_by_role("link", name="Back", exact=True).click()
    heading(page, "Your application")

    page.get_by_role("link", name="Strategic components").click()
    heading(page, "Strategic components")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Select at least one strategic component")
    assert_accessible(page)
    page.get_by_label("9. Scalable – Ensuring that good practice scales up").check()
    page.get_by_label(
        "1. Sustainability – contracting general medical services at cluster level"
    ).check()
    page.get_by_role("button", name="Save and continue").click()
    heading(page, "Your application")

    page.get_by_role("link", name="Attachments").click()
    heading(page, "Attachments")
    page.get_by_label("Plan on a page").check()
    page.get_by_label("Choose the file").set_input_files(
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_role("link", name="plan.pdf", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back", exact=True).click()
    heading(page, "Your application")

    page.get_by_role("link", name="Declaration").click()
    heading(page, "Declaration")
    page.get_by_label(re.compile("I confirm that this application has been agreed")).check()
    page.get_by_role("button", name="Save and continue").click()
    heading(page, "Check your answers before submitting your application")
    expect(page.locator("[data-total=requested]")).to_have_text("£136,950.00")

    page.get_by_role("button", name="Submit application").click()
    heading(page, "Application submitted")
    expect(page.locator(".govuk-panel__body")).to_contain_text("PS-2027-CAV-001")
    assert Application.objects.get(reference="PS-2027-CAV-001").status == "submitted"
