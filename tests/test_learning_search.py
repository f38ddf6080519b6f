"""The library's one search function, on SQLite's FTS5 and PostgreSQL's full-text search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from pacesetter.enums import Role
from schemes.domain.learning import (
    MAX_TERMS,
    LearningFilters,
    learning_search,
    search_terms,
)
from schemes.enums import LearningStatus, SchemeStatus
from schemes.models import LearningSummary, Theme
from schemes.models.learning import FIRST_PROGRAMME
from tests.factories import OrganisationFactory, UserFactory
from tests.hostile_queries import LIST_SETTINGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return UserFactory(role=Role.REVIEWER, organisation=OrganisationFactory())


def entry(title, status=LearningStatus.PUBLISHED, **fields):
    return LearningSummary.objects.create(
        programme="Test programme",
        organisation=fields.pop("organisation", None) or OrganisationFactory(),
        title=title,
        status=status,
        published_at=timezone.now(),
        **fields,
    )


def titles(search):
    return [summary.title for summary in search.results.rows]


def test_learning_search_title_match_outranks_a_body_match(reader):
    entry("Care homes", description="Telephone triage for residents.")
    entry("Telephone triage hub", description="Same-day requests.")

    search = learning_search("triage", LearningFilters(programme="Test programme"), reader)

    assert titles(search) == ["Telephone triage hub", "Care homes"]


def test_learning_search_lessons_outrank_the_rest(reader):
    entry("First", description="Recruitment of paramedics.")
    entry("Second", what_got_in_the_way="Recruitment of paramedics.")

    search = learning_search("paramedics", LearningFilters(programme="Test programme"), reader)

    assert titles(search) == ["Second", "First"]


@pytest.mark.parametrize("query", ["TRIAGE", "triage", "Triáge", "ffôn"])
def test_learning_search_ignores_case_accents_and_circumflexes(reader, query):
    entry("Triage dros y ffon", model="Gwasanaeth ffôn")

    search = learning_search(query, LearningFilters(programme="Test programme"), reader)

    assert titles(search) == ["Triage dros y ffon"]


def test_learning_search_finds_welsh_words_typed_without_their_circumflex(reader):
    entry("Gwasanaeth dŵr a ŷd", model="Cynllun â gofal")

    found = [
        titles(learning_search(word, LearningFilters(programme="Test programme"), reader))
        for word in ("dwr", "yd", "DŴR")
    ]

    assert found == [["Gwasanaeth dŵr a ŷd"]] * 3


def test_learning_search_finds_the_first_programme_by_a_word_of_its_description(reader):
    search = learning_search("stoma", LearningFilters(programme=FIRST_PROGRAMME), reader)

    assert titles(search) == ["Stoma Clinics in the Community"]


def test_learning_search_shows_no_unpublished_summary(reader):
    entry("Triage published")
    entry("Triage draft", status=LearningStatus.DRAFT)
    entry("Triage submitted", status=LearningStatus.SUBMITTED)

    search = learning_search("triage", LearningFilters(programme="Test programme"), reader)

    assert titles(search) == ["Triage published"]


def test_learning_search_filters_by_theme_board_and_status(reader):
    theme = Theme.objects.get(name="Promoting Cultural Change")
    board = OrganisationFactory()
    wanted = entry("Wanted", organisation=board, scheme_status=SchemeStatus.MAINSTREAMED)
    wanted.themes.add(theme)
    entry("Other board", scheme_status=SchemeStatus.MAINSTREAMED).themes.add(theme)
    entry("Other status", organisation=board, scheme_status=SchemeStatus.STOPPED).themes.add(theme)
    entry("No theme", organisation=board, scheme_status=SchemeStatus.MAINSTREAMED)

    search = learning_search(
        "",
        LearningFilters(
            theme=theme.pk, organisation=board.pk, scheme_status=SchemeStatus.MAINSTREAMED
        ),
        reader,
    )

    assert titles(search) == ["Wanted"]


def test_learning_search_by_date_puts_the_latest_first(reader):
    older = entry("Triage older")
    LearningSummary.objects.filter(pk=older.pk).update(
        published_at=timezone.now() - timezone.timedelta(days=30)
    )
    entry("Newer", description="Triage")

    search = learning_search(
        "triage", LearningFilters(programme="Test programme", sort="date"), reader
    )

    assert titles(search) == ["Newer", "Triage older"]


def test_learning_search_pages_twenty_at_a_time(reader):
    for number in range(25):
        entry(f"Scheme {number:02d}")

    first = learning_search("", LearningFilters(programme="Test programme"), reader)
    second = learning_search("", LearningFilters(programme="Test programme"), reader, page=2)

    assert (first.results.count, len(first.results.rows), len(second.results.rows)) == (
        25,
        20,
        5,
    )


HOSTILE_QUERIES = [
    "NEAR(triage care, 2)",
    "triage*",
    '"unbalanced',
    "'",
    '""',
    "triage OR care",
    "triage AND NOT care",
    "title:triage",
    "^triage",
    "-triage",
    "' OR 1=1 --",
    "'; DROP TABLE schemes_learningsummary; --",
    "schemes_learning_fts MATCH '*'",
    "(((",
    "\x00triage",
    "%_%",
    "triage " * 2000,
    "x" * 10_000,
    "<script>alert(1)</script>",
    "\u202etriage",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_learning_search_hostile_query_gives_results_or_a_message(reader, query):
    entry("Telephone triage hub")

    search = learning_search(query, LearningFilters(programme="Test programme"), reader)

    assert search.results.count >= 0
    assert len(search.terms) <= MAX_TERMS


def test_learning_search_fts_syntax_is_searched_as_words(reader):
    entry("Telephone triage hub")
    entry("Near the care home")

    search = learning_search("NEAR(triage", LearningFilters(programme="Test programme"), reader)

    assert titles(search) == []
    assert search.terms == ["near", "triage"]


def test_learning_search_of_punctuation_only_says_so(reader):
    search = learning_search('"*()', LearningFilters(), reader)

    assert search.message == ("Enter a word to search for. Punctuation on its own is not searched.")


def test_learning_search_of_too_many_words_says_which_were_searched(reader):
    terms, message = search_terms("word " * 100)

    assert (len(terms), message) == (MAX_TERMS, "Only the first 20 words were searched.")


@LIST_SETTINGS
@given(query=st.text(max_size=300))
def test_learning_search_any_text_never_fails(reader, query):
    search = learning_search(query, LearningFilters(), reader)

    assert search.results.count >= 0


def count_queries(reader):
    with CaptureQueriesContext(connection) as context:
        search = learning_search("scheme", LearningFilters(programme="Test programme"), reader)
        [list(summary.themes.all()) for summary in search.results.rows]
        [(s.organisation.name, s.programme_name) for s in search.results.rows]
    return len(context.captured_queries)


def test_learning_search_query_count_is_flat_as_the_library_grows(reader):
    theme = Theme.objects.first()
    for number in range(20):
        entry(f"Scheme {number}").themes.add(theme)
    small = count_queries(reader)
    for number in range(180):
        entry(f"Scheme {number + 20}").themes.add(theme)

    large = count_queries(reader)

    assert small == large
