"""A reviewer scores an application, saves a draft, comes back, submits and sees the panel."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from criteria.enums import ReviewStatus
from criteria.models import Assignment, Review
from pacesetter.models import User
from schemes.models import Application
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

REVIEWER1 = "reviewer1@example.org"
LABELS = ["1a", "1b", "1c", "1d", "1e", "2a", "2b", "2c", "2d", "3a", "3b", "3c", "4a", "4b"]
GOOD = "4 – Good: meets the criterion well"
ADEQUATE = "3 – Adequate: meets the criterion with some gaps"


@pytest.fixture
def assignment(demo):
    """reviewer1 newly assigned to the Cardiff and Vale application, due in a week."""
    Assignment.objects.filter(reviewer__email=REVIEWER1).delete()
    return Assignment.objects.create(
        application=Application.objects.get(reference="PS-2020-CAV-001"),
        reviewer=User.objects.get(email=REVIEWER1),
        assigned_by=User.objects.get(email="manager@example.org"),
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )


def heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    assert_accessible(page)


def status_of(page, reference):
    return page.locator("#assignments tbody tr").filter(has_text=reference).locator("[data-status]")


def score(page, label, scale_point, justification):
    page.get_by_role("group", name=f"Score for criterion {label}").get_by_label(scale_point).check()
    page.get_by_label(f"Justification for criterion {label}").fill(justification)


def test_reviewer_scores_saves_a_draft_comes_back_submits_and_sees_the_panel(
    page, demo, assignment
):
    sign_in(page, demo, REVIEWER1)
    heading(page, "Your assignments")
    expect(status_of(page, "PS-2020-CAV-001")).to_have_text("Not started")

    page.get_by_role("link", name="Start review PS-2020-CAV-001").click()
    heading(page, "Embedding Quality Improvement in Primary Care")
    expect(page.locator("#application [data-total=requested]")).to_have_text("£296,000.00")
    for label in LABELS[:5]:
        score(page, label, GOOD, f"Criterion {label}: the evidence is in section 2.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Your draft review of PS-2020-CAV-001 has been saved."
    )
    assert_accessible(page)

    # Leave, and come back another day.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, demo, REVIEWER1)
    heading(page, "Your assignments")
    expect(status_of(page, "PS-2020-CAV-001")).to_have_text("In progress")
    page.get_by_role("link", name="Continue review PS-2020-CAV-001").click()
    heading(page, "Embedding Quality Improvement in Primary Care")
    expect(
        page.get_by_role("group", name="Score for criterion 1a").get_by_label(GOOD)
    ).to_be_checked()
    expect(page.get_by_label("Justification for criterion 1e")).to_have_value(
        "Criterion 1e: the evidence is in section 2."
    )

    # Submitting too soon names what is missing and keeps what was typed.
    score(page, "2a", ADEQUATE, "Executive agreement is implied, not evidenced.")
    page.get_by_role("button", name="Submit review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose a score for criterion 2b")
    expect(summary).to_contain_text("Choose a recommendation")
    assert_accessible(page)
    expect(page.get_by_label("Justification for criterion 2a")).to_have_value(
        "Executive agreement is implied, not evidenced."
    )
    summary.get_by_role("link", name="Choose a score for criterion 2b").click()
    expect(
        page.get_by_role("group", name="Score for criterion 2b").get_by_label(
            "0 – No evidence: the criterion is not addressed"
        )
    ).to_be_focused()

    for label in LABELS[6:]:
        score(page, label, ADEQUATE, f"Criterion {label} is partly met.")
    page.get_by_label("Fund with conditions").check()
    page.get_by_label("Overall comment").fill("Fund if patients are involved.")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Your review of PS-2020-CAV-001 has been submitted."
    )
    expect(page.locator("#submitted")).to_contain_text("Submitted on")
    expect(page.locator("#panel-scores")).to_have_text("The panel’s scores")
    expect(page.locator("[data-panel-criterion='2b'] tbody tr")).to_have_count(1)
    expect(page.locator("[data-panel-criterion='2b'] tbody tr")).to_contain_text("Rhodri Williams")
    assert_accessible(page)
    review = Review.objects.get(assignment=assignment)
    assert (review.status, review.scores.count(), review.recommendation) == (
        ReviewStatus.SUBMITTED,
        14,
        "fund_with_conditions",
    )

    page.get_by_role("link", name="Home").click()
    heading(page, "Your assignments")
    expect(status_of(page, "PS-2020-CAV-001")).to_have_text("Submitted")
    page.get_by_role("link", name="Panel scores for PS-2020-CAV-001").click()
    heading(page, "The panel’s scores")
    expect(page.locator("#panel-recommendations tbody tr")).to_contain_text("Fund with conditions")


def test_reviewer_declares_a_conflict_and_the_assignment_goes(page, demo, assignment):
    sign_in(page, demo, REVIEWER1)
    heading(page, "Your assignments")

    page.get_by_role("link", name="Declare a conflict on PS-2020-CAV-001").click()
    heading(page, "Declare a conflict of interest")
    page.get_by_role("button", name="Declare conflict and withdraw").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the type of conflict")
    assert_accessible(page)
    page.get_by_label("Personal").check()
    page.get_by_label("Describe the conflict").fill("My sister leads the scheme.")
    page.get_by_role("button", name="Declare conflict and withdraw").click()

    heading(page, "Your assignments")
    expect(page.get_by_role("alert")).to_contain_text(
        "You have declared a conflict of interest on PS-2020-CAV-001."
    )
    expect(page.locator("#assignments")).to_have_count(0)
    assert page.goto(f"{demo}/reviews/{assignment.pk}/").status == 404


def test_programme_manager_reopens_a_submitted_review(page, demo, assignment):
    from criteria.domain.reviews import review_submit

    review = review_submit(
        assignment=assignment,
        expected_version=0,
        acting_user=assignment.reviewer,
        scores={
            criterion.pk: (3, "Adequate.")
            for criterion in assignment.application.round.criteria_set.criteria.all()
        },
        recommendation="fund",
        comment="",
    )
    sign_in(page, demo, "manager@example.org")

    page.goto(f"{demo}/panel/reviews/{review.pk}/reopen/")
    heading(page, "Reopen a submitted review")
    page.get_by_label("Why does the review need to be reopened?").fill(
        "Scores and justifications disagree on 2b."
    )
    page.get_by_role("button", name="Reopen review").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Rhodri Williams’s review of PS-2020-CAV-001 has been reopened."
    )
    assert_accessible(page)
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS
