"""The panel chair settles a disagreement: queue, score matrix, moderate, and the flag goes."""

import pytest
from playwright.sync_api import expect

from criteria.demo import DEMO_REVIEW_1
from criteria.enums import Recommendation, ReviewStatus
from criteria.models import Review, Score
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

CAV = "PS-2020-CAV-001"


def submit_second_review_disagreeing_on_1e():
    """reviewer2 submits reviewer1's scores, except 3 (not 1) on criterion 1e."""
    review = Review.objects.select_related("assignment__application__round__criteria_set").get(
        assignment__application__reference=CAV,
        assignment__reviewer__email="reviewer2@example.org",
    )
    criteria = {c.label: c for c in review.assignment.application.round.criteria_set.criteria.all()}
    review.scores.all().delete()
    for label, (score, justification) in DEMO_REVIEW_1.items():
        Score.objects.create(
            review=review,
            criterion=criteria[label],
            score=3 if label == "1e" else score,
            justification=justification,
        )
    review.status = ReviewStatus.SUBMITTED
    review.recommendation = Recommendation.FUND
    review.save()


def test_chair_moderates_a_flagged_criterion_and_the_flag_goes(page, demo):
    submit_second_review_disagreeing_on_1e()
    sign_in(page, demo, "chair@example.org")

    page.goto(f"{demo}/rounds/2020-22/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Disagreements to moderate")
    flagged = page.locator(f"#flagged tr[data-reference='{CAV}']")
    expect(flagged.locator("[data-flagged-criteria]")).to_have_text("1e")
    assert_accessible(page)

    page.get_by_role("link", name=CAV).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Score matrix")
    row = page.locator("tr[data-criterion='1e']")
    expect(row.get_by_text("Disagreement")).to_be_visible()
    expect(page.locator("dd[data-flagged]")).to_have_attribute("data-flagged", "yes")
    assert_accessible(page)

    page.get_by_role("link", name="Moderate criterion 1e").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderate criterion 1e")
    assert_accessible(page)

    page.get_by_role("button", name="Save moderated score").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderate criterion 1e")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the moderated score")
    assert_accessible(page)

    page.get_by_label("2 – Weak: some evidence with significant gaps").check()
    page.get_by_label("Rationale").fill("The panel agreed the scheme only touches on this.")
    page.get_by_role("button", name="Save moderated score").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Score matrix")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The moderated score for criterion 1e is 2."
    )
    final = row.locator("[data-final]")
    expect(final.locator("[data-final-score]")).to_have_text("2")
    expect(final.get_by_text("Moderated", exact=True)).to_be_visible()
    expect(page.locator("[data-disagreement]")).to_have_count(0)
    expect(page.locator("dd[data-flagged]")).to_have_text("No disagreement left to moderate")
    final.get_by_text("Rationale for 1e").click()
    expect(final.locator("[data-rationale]")).to_have_text(
        "The panel agreed the scheme only touches on this."
    )
    assert_accessible(page)

    page.goto(f"{demo}/rounds/2020-22/moderation/")
    expect(page.locator("#flagged tr[data-reference]")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Reviewer calibration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviewer calibration")
    expect(page.locator("#calibration tbody tr")).to_have_count(2)
    assert_accessible(page)
