"""The learning library as its people use it: one board writes, Welsh Government publishes,
another board finds and reads it, and cannot reach a summary that is not published."""

import pytest
from playwright.sync_api import expect

from pacesetter.models import Organisation, User
from schemes.domain.learning import learning_start
from schemes.models import Application, LearningSummary
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories.monitoring import accepted_agreement

pytestmark = pytest.mark.browser

TITLE = "Pharmacist-led triage in Llanwrtyd"
LESSON = "Recruiting locum pharmacists in the Cambrian mountains took a year."


def go(page, action):
    action()
    assert_accessible(page)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def scheme_of(board, manager, title):
    lead = User.objects.get(email=f"applicant.{board.code.lower()}@example.org")
    agreement, _ = accepted_agreement(manager=manager, lead=lead, organisation=board)
    Application.objects.filter(pk=agreement.application_id).update(title=title)
    agreement.application.refresh_from_db()
    return agreement.application, lead


def test_lead_writes_manager_publishes_another_board_finds_it(page, demo):
    manager = User.objects.get(email="manager@example.org")
    cardiff = Organisation.objects.get(code="CAV")
    application, _lead = scheme_of(cardiff, manager, TITLE)
    other, other_lead = scheme_of(cardiff, manager, "A draft nobody else may read")
    draft = learning_start(application=other, acting_user=other_lead)

    # Cardiff and Vale's lead writes the summary from the delivery agreement and submits it.
    sign_in(page, demo, "applicant.cav@example.org")
    go(page, lambda: page.goto(f"{demo}/applications/{application.reference}/agreement/"))
    go(page, lambda: page.get_by_role("link", name="Write the scheme's learning summary").click())
    go(page, lambda: page.get_by_role("button", name="Start the learning summary").click())
    page.get_by_label("The problem").fill("Same-day demand outgrew the practices.")
    page.get_by_label("What was done").fill("Pharmacists triaged requests by telephone.")
    page.get_by_label("The model in a few lines").fill("Pharmacist first, GP by referral.")
    page.get_by_label("What got in the way").fill(LESSON)
    page.get_by_label("Advice to a board that wants to adopt it").fill("Recruit early.")
    page.get_by_label("Contact role").fill("Cluster lead pharmacist")
    page.get_by_label("New Roles within the Primary Care Team").check()
    go(page, lambda: page.get_by_role("button", name="Save and submit").click())
    expect(page.locator("#summary-status")).to_have_text("Submitted")
    sign_out(page)

    # The programme manager publishes it from the library's list awaiting review.
    sign_in(page, demo, "manager@example.org")
    go(page, lambda: page.get_by_role("link", name="Learning library").click())
    go(page, lambda: page.get_by_role("link", name=TITLE).click())
    page.get_by_label("Publish it to every health board").check()
    go(page, lambda: page.get_by_role("button", name="Record the decision").click())
    expect(page.locator("#summary-status")).to_have_count(0)
    sign_out(page)

    # Hywel Dda's lead finds it by a word of its lessons, then by its theme, and reads it.
    sign_in(page, demo, "applicant.hdd@example.org")
    go(page, lambda: page.get_by_role("link", name="Learning library").click())
    page.get_by_label("Search the library").fill("locum")
    go(page, lambda: page.get_by_role("button", name="Search", exact=True).click())
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    go(page, lambda: page.get_by_role("link", name="Clear search and filters").click())
    page.get_by_label("Theme").select_option(label="New Roles within the Primary Care Team")
    go(page, lambda: page.get_by_role("button", name="Search", exact=True).click())
    go(page, lambda: page.get_by_role("link", name=TITLE).click())
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text(LESSON)).to_be_visible()
    expect(page.get_by_text("Cluster lead pharmacist")).to_be_visible()

    # The other summary is not published, so it is not found.
    response = page.goto(f"{demo}{draft.get_absolute_url()}")
    assert response.status == 404
    assert_accessible(page)
    assert LearningSummary.objects.get(pk=draft.pk).status == "draft"
