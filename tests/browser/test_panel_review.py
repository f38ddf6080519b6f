"""The panel review as the issue describes it: close, assign in bulk, score alone, then see."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from criteria.enums import Recommendation, ReviewStatus
from criteria.models import Assignment, Review, Score
from pacesetter.models import Organisation
from schemes.enums import ApplicationStatus
from schemes.models import Round
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_scoring import ADEQUATE, LABELS, heading, score
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.browser

OTHER_JUSTIFICATION = "The chair's own reading of criterion {label}."


@pytest.fixture
def round_with_applications(demo):
    """The open demo round with a submitted application from Cardiff and Vale and Hywel Dda."""
    round = Round.objects.get(code="2027-29")
    Round.objects.filter(pk=round.pk).update(opens_at=timezone.now() - datetime.timedelta(days=30))
    for code in ("CAV", "HDD"):
        ApplicationFactory(
            reference=f"PS-2027-{code}-001",
            round=round,
            organisation=Organisation.objects.get(code=code),
            status=ApplicationStatus.SUBMITTED,
            title=f"{code} scheme",
        )
    return round


def submit_review_as_chair(application_reference):
    """The chair's review, submitted before reviewer1 starts (set up directly)."""
    assignment = Assignment.objects.get(
        application__reference=application_reference, reviewer__email="chair@example.org"
    )
    review = Review.objects.create(
        assignment=assignment,
        status=ReviewStatus.SUBMITTED,
        recommendation=Recommendation.FUND,
        comment="The chair's overall comment.",
        submitted_at=timezone.now(),
    )
    for criterion in assignment.application.round.criteria_set.criteria.all():
        Score.objects.create(
            review=review,
            criterion=criterion,
            score=5,
            justification=OTHER_JUSTIFICATION.format(label=criterion.label),
        )


def test_manager_closes_and_assigns_then_a_reviewer_scores_alone_and_then_sees_the_panel(
    page, demo, round_with_applications
):
    sign_in(page, demo, "manager@example.org")
    page.goto(f"{demo}/rounds/2027-29/")
    heading(page, "Pacesetter 2027-29")
    page.get_by_role("link", name="Close the round").click()
    assert_accessible(page)
    page.get_by_role("button", name="Close the round").click()
    heading(page, "Pacesetter 2027-29")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Closed")

    page.get_by_role("link", name="Assign reviewers", exact=True).click()
    heading(page, "Reviewers")
    page.get_by_label("Reviewers for each application").fill("3")
    page.get_by_role("button", name="Assign reviewers").click()
    heading(page, "Reviewers")
    expect(page.get_by_role("alert")).to_contain_text("6 reviewer assignments made.")
    cav = page.locator("#applications tr[data-reference='PS-2027-CAV-001']")
    expect(cav.locator("[data-reviewer]")).to_have_count(3)
    expect(cav.locator("[data-reviewer='reviewer3@example.org']")).to_have_count(0)
    assert not Assignment.objects.filter(
        application__reference="PS-2027-CAV-001", reviewer__email="reviewer3@example.org"
    ).exists()
    page.get_by_role("button", name="Sign out").click()

    submit_review_as_chair("PS-2027-CAV-001")

    sign_in(page, demo, "reviewer1@example.org")
    heading(page, "Your assignments")
    page.get_by_role("link", name="Start review PS-2027-CAV-001").click()
    heading(page, "CAV scheme")
    content = page.content()
    assert "The chair's own reading" not in content
    assert "The chair's overall comment." not in content
    assignment = Assignment.objects.get(
        application__reference="PS-2027-CAV-001", reviewer__email="reviewer1@example.org"
    )
    assert page.goto(f"{demo}/reviews/{assignment.pk}/panel/").url.endswith(
        f"/reviews/{assignment.pk}/"
    )
    assert "The chair's own reading" not in page.content()

    for label in LABELS:
        score(page, label, ADEQUATE, f"Criterion {label} is partly met.")
    page.get_by_label("Fund with conditions").check()
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Your review of PS-2027-CAV-001 has been submitted."
    )
    assert_accessible(page)
    expect(page.locator("[data-panel-criterion='1a'] tbody tr")).to_have_count(2)
    expect(page.locator("[data-panel-criterion='1a']")).to_contain_text(
        "The chair's own reading of criterion 1a."
    )
    assert Review.objects.get(assignment=assignment).scores.count() == 14
