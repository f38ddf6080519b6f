"""Word limits count Welsh as English, as the browser's counter does, and its words in Welsh."""

import json
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from crispy_forms.utils import render_crispy_form
from django.utils import translation
from django.utils.translation import gettext, ngettext

from pacesetter.models import Organisation
from schemes.domain.task_list import word_count
from schemes.enums import QuestionKind
from schemes.forms.apply import SectionForm
from schemes.models import Round
from tests.factories import ApplicationFactory

WORD_COUNTS = [
    ("i’r", 1),
    ("i'r", 1),
    ("gwasanaeth-iechyd", 1),
    ("ŵyr", 1),
    ("Ŵyr ŷd", 2),
    ("Rhif 2", 2),
    ("Mae’r bwrdd iechyd yn darparu gwasanaeth-iechyd i’r gymuned.", 8),
    ("  ac\tyn\n\ny  ", 3),
    ("", 0),
    ("dau\u00a0air", 2),  # a no-break space separates words, as in the browser
    ("dau\ufeffair", 2),  # so does a byte order mark (JavaScript's \s, not Python's)
    ("un\u0085gair", 1),  # NEL is whitespace to Python only: one word to the browser
    ("un\u001fgair", 1),  # as is the unit separator
    ("â ê î ô û", 5),
]


@pytest.mark.parametrize(("text", "words"), WORD_COUNTS)
def test_word_count_counts_welsh_as_a_welsh_reader_would(text, words):
    assert word_count(text) == words


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_word_count_is_the_govuk_character_counts():
    # GOV.UK Frontend's CharacterCount.count(): text.match(/\S+/g).length
    script = (
        "const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(texts.map(t => (t.match(/\\S+/g) || []).length)));"
    )
    texts = [text for text, _words in WORD_COUNTS]

    counted = subprocess.run(  # noqa: S603 (our own script and texts)
        [shutil.which("node"), "-e", script],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(counted.stdout) == [word_count(text) for text in texts]


# The counter's own words: the fallback and GOV.UK Frontend's JavaScript messages


@pytest.fixture
def limited_section(db):
    application = ApplicationFactory(
        round=Round.objects.get(code="2027-29"), organisation=Organisation.objects.get(code="CAV")
    )
    for section in application.round.question_set.sections.all():
        questions = [q for q in section.questions.all() if q.word_limit]
        if questions and questions[0].kind == QuestionKind.TEXT:
            return application, section, questions[0]
    raise AssertionError("The 2027-29 form has no word-limited question")


def counter_of(application, section, question, language):
    with translation.override(language):
        form = SectionForm(application=application, section=section, answers={})
        html = render_crispy_form(form)
    soup = BeautifulSoup(html, "html.parser")
    return soup.select_one(f"#id_q{question.pk}").find_parent(class_="govuk-character-count")


def messages_in(language, examples):
    with translation.override(language):
        expected = {}
        for category, number in examples.items():
            for key, singular, plural in (
                (
                    "characters-under-limit",
                    "You have %{count} character remaining",
                    "You have %{count} characters remaining",
                ),
                (
                    "characters-over-limit",
                    "You have %{count} character too many",
                    "You have %{count} characters too many",
                ),
                (
                    "words-under-limit",
                    "You have %{count} word remaining",
                    "You have %{count} words remaining",
                ),
                (
                    "words-over-limit",
                    "You have %{count} word too many",
                    "You have %{count} words too many",
                ),
            ):
                expected[f"data-i18n.{key}.{category}"] = ngettext(singular, plural, number)
        expected["data-i18n.characters-at-limit"] = gettext("You have 0 characters remaining")
        expected["data-i18n.words-at-limit"] = gettext("You have 0 words remaining")
    return expected


def i18n_attributes(counter):
    return {name: value for name, value in counter.attrs.items() if name.startswith("data-i18n.")}


def test_character_count_in_welsh_gives_every_welsh_plural_category(limited_section):
    application, section, question = limited_section

    counter = counter_of(application, section, question, "cy")

    examples = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 6, "other": 4}
    assert i18n_attributes(counter) == messages_in("cy", examples)
    assert counter["data-maxwords"] == str(question.word_limit)
    with translation.override("cy"):
        fallback = ngettext(
            "You can enter up to %(limit)s word",
            "You can enter up to %(limit)s words",
            question.word_limit,
        ) % {"limit": question.word_limit}
    assert counter.select_one(".govuk-character-count__message").get_text(strip=True) == fallback


def test_character_count_in_english_gives_one_and_other(limited_section):
    application, section, question = limited_section

    counter = counter_of(application, section, question, "en")

    assert i18n_attributes(counter) == messages_in("en", {"one": 1, "other": 4})
    assert counter["data-i18n.words-under-limit.other"] == "You have %{count} words remaining"
    assert counter["data-i18n.words-over-limit.one"] == "You have %{count} word too many"
    assert counter.select_one(".govuk-character-count__message").get_text(strip=True) == (
        f"You can enter up to {question.word_limit} words"
    )
