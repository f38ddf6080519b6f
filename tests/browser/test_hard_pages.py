"""The pages people spend longest on, as a new user meets them (issue 17).

A reviewer scores on a phone, reaching the form by its link; an applicant's check answers page
lists what is missing, each with a link, and offers Submit only once nothing is.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from criteria.enums import ReviewStatus
from criteria.models import Assignment, Review
from pacesetter.models import Organisation, User
from schemes.enums import QuestionKind
from schemes.models import Answer, Application, Round
from tests.browser.conftest import assert_accessible, sign_in
from tests.browser.test_scoring import ADEQUATE, LABELS, REVIEWER1
from tests.factories import ApplicationFactory, BudgetLineFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
CAV = "applicant.cav@example.org"


def heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    assert_accessible(page)


@pytest.fixture
def assignment(demo):
    Assignment.objects.filter(reviewer__email=REVIEWER1).delete()
    return Assignment.objects.create(
        application=Application.objects.get(reference="PS-2020-CAV-001"),
        reviewer=User.objects.get(email=REVIEWER1),
        assigned_by=User.objects.get(email="manager@example.org"),
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )


def test_reviewer_on_a_phone_reaches_the_form_by_its_link_scores_and_submits(
    page, demo, assignment
):
    page.set_viewport_size(PHONE)
    sign_in(page, demo, REVIEWER1)
    heading(page, "Your assignments")

    page.get_by_role("link", name="Start review PS-2020-CAV-001").click()
    heading(page, "Embedding Quality Improvement in Primary Care")
    form_heading = page.get_by_role("heading", name="Your review", level=2)
    expect(form_heading).not_to_be_in_viewport()
    page.get_by_role("link", name="Go to the scoring form").click()
    expect(form_heading).to_be_in_viewport()
    assert_accessible(page)

    for label in LABELS:
        group = page.get_by_role("group", name=f"Score for criterion {label}")
        group.get_by_label(ADEQUATE).check()
        page.get_by_label(f"Justification for criterion {label}").fill(f"{label} is partly met.")
    page.get_by_label("Fund with conditions").check()
    buttons = page.locator("#review form .govuk-button-group .govuk-button")
    expect(buttons).to_have_text(["Submit review", "Save draft"])
    page.get_by_role("button", name="Submit review").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Your review of PS-2020-CAV-001 has been submitted."
    )
    assert_accessible(page)
    review = Review.objects.get(assignment=assignment)
    assert (review.status, review.scores.count()) == (ReviewStatus.SUBMITTED, 14)


@pytest.fixture
def nearly_complete(demo):
    """A draft with every answer and a budget, but no strategic component and no declaration."""
    application = ApplicationFactory(
        reference="PS-2027-CAV-001",
        round=Round.objects.get(code="2027-29"),
        organisation=Organisation.objects.get(code="CAV"),
        title="Cluster quality improvement",
        start_date=datetime.date(2027, 4, 1),
        duration_months=24,
    )
    for question in application.round.question_set.questions_in_order():
        if question.kind == QuestionKind.TEXT:
            Answer.objects.create(application=application, question=question, text="Done.")
    BudgetLineFactory(application=application, amount="148000.00")
    return application


def test_check_answers_lists_what_is_missing_with_links_until_it_can_be_submitted(
    page, demo, nearly_complete
):
    check_url = f"{demo}/applications/PS-2027-CAV-001/apply/check/"
    sign_in(page, demo, CAV)
    page.goto(check_url)
    heading(page, "Check your answers before submitting your application")
    expect(page.locator("#submit-heading")).to_have_text("You cannot submit your application yet")
    missing = page.locator("#missing").get_by_role("link")
    expect(missing).to_have_text(
        ["Select at least one strategic component", "Confirm the declaration"]
    )
    expect(page.get_by_role("button", name="Submit application")).to_have_count(0)

    missing.filter(has_text="Select at least one strategic component").click()
    heading(page, "Strategic components")
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Save and continue").click()
    page.goto(check_url)
    assert_accessible(page)
    expect(page.locator("#missing").get_by_role("link")).to_have_text(["Confirm the declaration"])
    expect(page.get_by_role("button", name="Submit application")).to_have_count(0)

    page.locator("#missing").get_by_role("link", name="Confirm the declaration").click()
    assert_accessible(page)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Save and continue").click()
    page.goto(check_url)
    assert_accessible(page)
    expect(page.locator("#submit-heading")).to_have_text("Now submit your application")
    expect(page.locator("#missing")).to_have_count(0)
    page.get_by_role("button", name="Submit application").click()

    heading(page, "Application submitted")
    assert Application.objects.get(reference="PS-2027-CAV-001").status == "submitted"


def test_ranking_shows_the_decision_column_without_scrolling_at_1280_px(
    page, demo, closed_round_with_reviews
):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, demo, "manager@example.org")
    page.goto(f"{demo}/rounds/2027-29/ranking/")
    heading(page, "Ranking")

    region = page.locator(".app-scrolling-region").filter(has=page.locator("#ranking"))
    scrolls = region.evaluate("element => element.scrollWidth > element.clientWidth")
    decision = page.locator("#ranking thead th", has_text="Decision").bounding_box()
    edge = region.bounding_box()
    assert scrolls is False
    assert decision["x"] + decision["width"] <= edge["x"] + edge["width"]
    feedback = page.locator("#release-feedback")
    assert feedback.bounding_box()["y"] > page.locator("#ranking").bounding_box()["y"]
