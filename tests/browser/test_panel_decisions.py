"""The chair moderates, the manager decides and releases, the applicant reads the feedback."""

import pytest
from playwright.sync_api import expect

from criteria.models import Score
from pacesetter.models import User
from schemes.enums import RoundState
from schemes.models import Round
from tests.browser.conftest import REVIEWERS, assert_accessible, sign_in
from tests.browser.test_decisions import row

pytestmark = pytest.mark.browser


def heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    assert_accessible(page)


def test_chair_moderates_manager_decides_and_releases_applicant_reads_feedback(
    page, demo, closed_round_with_reviews
):
    Round.objects.filter(code="2027-29").update(state=RoundState.IN_REVIEW)
    # Reviewers disagree on 1a: 1 against 5.
    Score.objects.filter(
        review__assignment__application__reference="PS-2027-CAV-001",
        review__assignment__reviewer__email=REVIEWERS[0],
        criterion__label="1a",
    ).update(score=1)

    sign_in(page, demo, "chair@example.org")
    page.goto(f"{demo}/rounds/2027-29/")
    heading(page, "Pacesetter 2027-29")
    page.get_by_role("link", name="Disagreements to moderate").click()
    heading(page, "Disagreements to moderate")
    page.get_by_role("link", name="PS-2027-CAV-001").click()
    heading(page, "Score matrix")
    page.get_by_role("link", name="Moderate criterion 1a").click()
    heading(page, "Moderate criterion 1a")
    page.get_by_label("3 – Adequate: meets the criterion with some gaps").check()
    page.get_by_label("Rationale").fill("The panel met and agreed the middle view.")
    page.get_by_role("button", name="Save moderated score").click()
    heading(page, "Score matrix")
    expect(page.locator("[data-disagreement]")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo, "manager@example.org")
    page.goto(f"{demo}/rounds/2027-29/")
    page.get_by_role("link", name="Ranking against the envelope").click()
    heading(page, "Ranking")
    page.get_by_role("link", name="Record a decision on PS-2027-CAV-001").click()
    heading(page, "Record a decision")
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Approved amount").fill("450,000.00")
    page.get_by_label("Conditions (optional)").fill("Quarterly delivery reports.")
    page.get_by_role("button", name="Record the decision").click()
    heading(page, "Ranking")
    expect(row(page, "PS-2027-CAV-001").locator("[data-approved]")).to_have_text("£450,000.00")
    page.get_by_role("link", name="Record a decision on PS-2027-PTH-001").click()
    page.get_by_label("Decline", exact=True).check()
    page.get_by_label("Reasons for declining").fill("The envelope is spent on higher scores.")
    page.get_by_role("button", name="Record the decision").click()
    heading(page, "Ranking")
    page.goto(f"{demo}/rounds/2027-29/")
    page.get_by_role("link", name="Release feedback").click()
    heading(page, "Release feedback")
    page.get_by_role("button", name="Release feedback to applicants").click()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, demo, "applicant.cav@example.org")
    page.get_by_role("link", name="PS-2027-CAV-001").click()
    expect(page.locator("#decision-feedback")).to_contain_text("Approved at £450,000.00")
    assert_accessible(page)
    page.get_by_role("link", name="Read your feedback").click()
    heading(page, "Feedback on your application")
    expect(page.locator("[data-criterion='1a']")).to_contain_text(
        "The panel met and agreed the middle view."
    )
    main = page.locator("main").inner_text()
    for email in REVIEWERS:
        assert User.objects.get(email=email).full_name not in main
        assert email not in main
