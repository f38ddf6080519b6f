"""The programme manager ranks, decides and releases feedback; the applicant reads it.

axe-core audits every page on the way.
"""

import pytest
from playwright.sync_api import expect

from pacesetter.models import User
from schemes.enums import RoundState
from schemes.models import Round
from tests.browser.conftest import REVIEWERS, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def row(page, reference):
    return page.locator(f"#ranking tr[data-reference='{reference}']")


def test_manager_ranks_decides_and_releases_feedback_which_the_applicant_reads(
    page, demo, closed_round_with_reviews
):
    sign_in(page, demo, "manager@example.org")
    page.goto(f"{demo}/rounds/2027-29/ranking/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ranking")
    expect(row(page, "PS-2027-CAV-001").locator("[data-rank]")).to_have_text("1")
    expect(page.locator("[data-money-runs-out]")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name="Record a decision on PS-2027-CAV-001").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a decision")
    expect(page.locator("[data-requested]")).to_have_text("£600,000.00")
    assert_accessible(page)
    page.get_by_label("Approve", exact=True).check()
    expect(page.get_by_label("Reasons for declining")).to_be_hidden()
    page.get_by_label("Approved amount").fill("450,000.00")
    page.get_by_label("Conditions (optional)").fill("Quarterly delivery reports.")
    assert_accessible(page)
    page.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ranking")
    expect(page.locator(".govuk-notification-banner__heading")).to_have_text(
        "PS-2027-CAV-001 has been approved."
    )
    expect(row(page, "PS-2027-CAV-001").locator("[data-approved]")).to_have_text("£450,000.00")
    assert_accessible(page)

    page.get_by_role("link", name="Record a decision on PS-2027-PTH-001").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a decision")
    page.get_by_label("Decline", exact=True).focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Decline", exact=True)).to_be_checked()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the reasons for declining the application"
    )
    assert_accessible(page)
    page.get_by_label("Reasons for declining").fill("The envelope is spent on higher scores.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner__heading")).to_have_text(
        "PS-2027-PTH-001 has been declined."
    )
    assert_accessible(page)

    page.get_by_role("link", name="Release feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Release feedback")
    assert_accessible(page)
    page.get_by_role("button", name="Release feedback to applicants").click()
    expect(page.locator(".govuk-notification-banner__heading")).to_have_text(
        "Feedback for Pacesetter 2027-29 has been released. Applicants have been emailed."
    )
    assert_accessible(page)
    assert Round.objects.get(code="2027-29").state == RoundState.DECIDED

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, demo, "applicant.cav@example.org")
    page.goto(f"{demo}/applications/PS-2027-CAV-001/")
    expect(page.locator("#decision-feedback")).to_contain_text("Approved at £450,000.00")
    assert_accessible(page)
    page.get_by_role("link", name="Read your feedback").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback on your application")
    expect(page.locator("#decision")).to_contain_text("Quarterly delivery reports.")
    expect(page.locator("[data-criterion='1a'] [data-justification]")).to_have_count(2)
    assert_accessible(page)
    main = page.locator("main").inner_text()
    for email in REVIEWERS:
        reviewer = User.objects.get(email=email)
        assert reviewer.full_name not in main
        assert email not in main
