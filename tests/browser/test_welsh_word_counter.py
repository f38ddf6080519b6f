"""The word counter of an application written in Welsh counts down in Welsh's plural forms."""

import pytest
from playwright.sync_api import expect

from pacesetter.models import Organisation
from schemes.enums import QuestionKind
from schemes.models import Round
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.browser


def word_limited_question(round):
    for question in round.question_set.questions_in_order():
        if question.kind == QuestionKind.TEXT and question.word_limit:
            return question
    raise AssertionError("The round's form has no word-limited question")


def test_word_counter_of_a_welsh_application_uses_the_welsh_plural_forms(page, demo):
    round = Round.objects.get(code="2027-29")
    ApplicationFactory(
        reference="PS-2027-CAV-001",
        round=round,
        organisation=Organisation.objects.get(code="CAV"),
        language="cy",
    )
    question = word_limited_question(round)
    console = []
    page.on("console", lambda message: console.append(message.text))
    sign_in(page, demo, "applicant.cav@example.org")

    page.goto(f"{demo}/applications/PS-2027-CAV-001/apply/section/{question.section.number}/")
    textarea = page.locator(f"#id_q{question.pk}")
    # Two words left: Welsh's "two" form, which GOV.UK Frontend's English defaults lack.
    textarea.fill(" ".join(["gair"] * (question.word_limit - 2)))

    counter = page.locator(".govuk-character-count", has=textarea)
    two_left = counter.get_attribute("data-i18n.words-under-limit.two").replace("%{count}", "2")
    expect(counter.locator(".govuk-character-count__status")).to_have_text(two_left)
    assert page.evaluate("document.documentElement.lang") == "cy"
    assert [text for text in console if "i18n" in text] == []
    assert_accessible(page)
