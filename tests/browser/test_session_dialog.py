"""A session about to end warns on the page itself, and staying signed in keeps what was typed.

The session's limits are shortened for these tests: 12 seconds idle, warned 8 seconds before
(so 4 seconds after a page loads), and last-seen written on every request.
"""

import pytest
from playwright.sync_api import expect

from criteria.demo import DEMO_PASSWORD
from pacesetter import sign_in as sessions
from pacesetter.models import Organisation
from schemes.enums import QuestionKind
from schemes.models import Application, Round
from tests.browser.conftest import assert_accessible, assert_welsh, sign_in
from tests.browser.test_reflow import PHONE
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.browser

TYPED = "Two practices share one pharmacist, three days a week each."


@pytest.fixture
def short_sessions(settings, monkeypatch):
    settings.SESSION_IDLE_SECONDS = 12
    settings.SESSION_WARNING_SECONDS = 8
    monkeypatch.setattr(sessions, "LAST_SEEN_RESOLUTION", 0)


@pytest.fixture
def draft(demo):
    round = Round.objects.get(code="2027-29")
    application = ApplicationFactory(
        reference="PS-2027-CAV-001", round=round, organisation=Organisation.objects.get(code="CAV")
    )
    question = next(
        question
        for question in round.question_set.questions_in_order()
        if question.kind == QuestionKind.TEXT
    )
    return application, question


def open_section(page, demo, draft):
    application, question = draft
    sign_in(page, demo, "applicant.cav@example.org")
    page.goto(
        f"{demo}/applications/{application.reference}/apply/section/{question.section.number}/"
    )
    textarea = page.locator(f"#id_q{question.pk}")
    textarea.fill(TYPED)
    return textarea


def test_staying_signed_in_from_the_dialog_keeps_the_page_and_what_was_typed(
    page, demo, draft, short_sessions
):
    textarea = open_section(page, demo, draft)
    here = page.url
    dialog = page.get_by_role("dialog", name="You will be signed out soon")

    expect(dialog).to_be_visible(timeout=10_000)
    assert_accessible(page)
    # The dialog takes the focus, on its first button, and gives it back when closed.
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    assert page.url == here
    expect(textarea).to_have_value(TYPED)
    expect(textarea).to_be_focused()
    # The session was kept: more than the warning's 8 seconds left, and the save goes through.
    status = page.evaluate("fetch('/account/session/status/').then(r => r.json())")
    assert status["seconds_left"] > 8
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="You have been signed out")).to_have_count(0)
    application, question = draft
    assert Application.objects.get(pk=application.pk).answers.get(question=question).text == TYPED


def test_escape_in_the_dialog_also_stays_signed_in(page, demo, draft, short_sessions):
    textarea = open_section(page, demo, draft)
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=10_000)

    page.keyboard.press("Escape")

    expect(dialog).to_be_hidden()
    expect(textarea).to_have_value(TYPED)
    status = page.evaluate("fetch('/account/session/status/').then(r => r.json())")
    assert status["seconds_left"] > 8


def test_a_dialog_left_unanswered_ends_on_the_signed_out_page(page, demo, draft, short_sessions):
    open_section(page, demo, draft)
    expect(page.get_by_role("dialog")).to_be_visible(timeout=10_000)

    expect(page.get_by_role("heading", name="You have been signed out")).to_be_visible(
        timeout=15_000
    )
    assert_accessible(page)


def test_without_javascript_the_page_moves_to_the_warning_page(browser, demo, short_sessions):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{demo}/accounts/login/")
        page.get_by_label("Email address").fill("applicant.cav@example.org")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{demo}/rounds/")

        expect(page.get_by_role("heading", name="You will be signed out soon")).to_be_visible(
            timeout=10_000
        )
        assert "/account/session/?next=%2Frounds%2F" in page.url
        expect(page.get_by_role("dialog")).to_have_count(0)
    finally:
        context.close()


def test_the_dialog_fits_a_phone_and_speaks_welsh(page, demo, draft, short_sessions):
    # The form's pages come in the application's language.
    Application.objects.filter(pk=draft[0].pk).update(language="cy")
    page.set_viewport_size(PHONE)
    open_section(page, demo, draft)
    dialog = page.get_by_role("dialog", name="Byddwch yn cael eich allgofnodi cyn bo hir")

    expect(dialog).to_be_visible(timeout=10_000)
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert_welsh(page)
    assert_accessible(page)
