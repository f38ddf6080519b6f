"""The learning library's downloads: the digest PDF and the XLSX, for every role."""

import io

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from pacesetter.enums import AuditAction, Role
from pacesetter.models import AuditEvent
from schemes.domain.learning import DIGEST_LIMIT, LearningFilters, learning_digest
from schemes.models import LearningSummary
from tests.factories import OrganisationFactory, UserFactory
from tests.factories.monitoring import accepted_agreement, lead_of
from tests.test_document import pdf_text as document_pdf_text
from tests.test_learning_pages import draft_of, get, published_entries, published_of
from tests.test_learning_search import HOSTILE_QUERIES

pytestmark = pytest.mark.django_db

DIGEST = reverse("schemes:learning_digest")
XLSX = reverse("schemes:learning_library_xlsx")
# What `published_entries` files its summaries under, apart from the first programme's.
PAGE_TEST_PROGRAMME = LearningFilters(programme="Page test programme")


def pdf_text(response, tmp_path):
    return document_pdf_text(response.content, tmp_path)


def funded_scheme():
    """((application, its lead), the programme manager who funded it)."""
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, organisation=None)
    agreement, lead = accepted_agreement(manager=manager)
    return (agreement.application, lead), manager


def workbook_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet.title, [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_digest_holds_the_summaries_found_with_a_contents_page_giving_their_pages(client, tmp_path):
    scheme, manager = funded_scheme()
    summary = published_of(scheme, manager, advice="Start with two practices, then spread.")

    response = get(client, lead_of(OrganisationFactory()), DIGEST, q="spread")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response, tmp_path)
    pages = text.split("\f")
    contents = next(page for page in pages if "Contents" in page)
    line = next(line for line in contents.splitlines() if summary.title in line)
    number = int(line.split()[-1])
    assert summary.title in pages[number - 1]
    assert "Start with two practices, then spread." in pages[number - 1]
    assert "Summaries found" in pages[0]
    assert "spread" in pages[0]


def test_digest_lists_summaries_in_the_search_order(client, tmp_path):
    published_entries(3)

    response = get(
        client,
        UserFactory(role=Role.REVIEWER),
        DIGEST,
        sort="date",
        funded_by="programme-Page test programme",
    )

    text = pdf_text(response, tmp_path)
    contents = text.split("\f")[1]
    titles = [line.split()[2] for line in contents.splitlines() if "Triage scheme" in line]
    # Newest first: each was published after the one before.
    assert titles == ["2", "1", "0"]


def test_digest_leaves_out_unpublished_summaries(client, tmp_path):
    scheme, manager = funded_scheme()
    draft = draft_of(scheme)

    text = pdf_text(get(client, manager, DIGEST), tmp_path)

    assert draft.title not in text


def test_digest_of_a_large_search_holds_the_first_hundred_and_says_so():
    published_entries(DIGEST_LIMIT + 5)
    reader = UserFactory(role=Role.REVIEWER)

    digest = learning_digest("triage", PAGE_TEST_PROGRAMME, reader)

    assert (len(digest.summaries), digest.found, digest.shortened) == (
        DIGEST_LIMIT,
        DIGEST_LIMIT + 5,
        True,
    )


def test_digest_reads_the_same_number_of_queries_for_5_or_50_summaries():
    reader = UserFactory(role=Role.REVIEWER)
    published_entries(5)
    with CaptureQueriesContext(connection) as small:
        learning_digest("triage", PAGE_TEST_PROGRAMME, reader)
    published_entries(45)

    with CaptureQueriesContext(connection) as large:
        learning_digest("triage", PAGE_TEST_PROGRAMME, reader)

    assert len(large) == len(small)


def test_digest_is_audited(client):
    user = UserFactory(role=Role.REVIEWER)
    published_entries(2)

    get(client, user, DIGEST, q="triage", funded_by="programme-Page test programme")

    event = AuditEvent.objects.get(actor=user, action=AuditAction.EXPORT_LEARNING_DIGEST)
    assert event.details == {
        "summaries": 2,
        "filters": {
            "q": "triage",
            "funded_by": "programme-Page test programme",
            "sort": "relevance",
        },
    }


def test_digest_and_xlsx_send_anonymous_visitors_to_sign_in(client):
    statuses = [client.get(url) for url in (DIGEST, XLSX)]

    assert [response.status_code for response in statuses] == [302, 302]
    assert all(response["Location"].startswith(reverse("login")) for response in statuses)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.PROGRAMME_MANAGER])
def test_digest_and_xlsx_are_for_every_signed_in_role(client, role):
    user = lead_of(OrganisationFactory()) if role == Role.APPLICANT else UserFactory(role=role)

    statuses = [get(client, user, url).status_code for url in (DIGEST, XLSX)]

    assert statuses == [200, 200]


@pytest.mark.parametrize("query", HOSTILE_QUERIES[:8])
def test_digest_and_xlsx_hostile_query_gives_a_file(client, query):
    published_entries(1)
    reader = UserFactory(role=Role.REVIEWER)

    responses = [
        get(client, reader, url, q=query, theme=query, board=query, sort=query)
        for url in (DIGEST, XLSX)
    ]

    assert [response.status_code for response in responses] == [200, 200]


def test_library_xlsx_holds_what_the_search_finds_every_cell_safe(client):
    published_entries(2)
    LearningSummary.objects.filter(title="Triage scheme 0").update(advice="=HYPERLINK(1)")
    LearningSummary.objects.get(title="Triage scheme 0").save()

    response = get(
        client,
        UserFactory(role=Role.REVIEWER),
        XLSX,
        funded_by="programme-Page test programme",
        sort="date",
    )

    title, rows = workbook_rows(response)
    columns = dict(zip(rows[0], rows[2], strict=True))  # newest first: scheme 0 comes second
    assert title == "Learning library"
    assert len(rows) == 3
    assert (columns["Project"], columns["Advice to a board that wants to adopt it"]) == (
        "Triage scheme 0",
        "'=HYPERLINK(1)",
    )
    assert response["Content-Disposition"] == 'attachment; filename="learning-library.xlsx"'


def test_library_xlsx_leaves_out_unpublished_summaries(client):
    scheme, manager = funded_scheme()
    draft = draft_of(scheme)

    _title, rows = workbook_rows(get(client, manager, XLSX))

    assert draft.title not in [row[0] for row in rows]


def test_library_xlsx_is_audited(client):
    user = UserFactory(role=Role.REVIEWER)

    get(client, user, XLSX)

    event = AuditEvent.objects.get(actor=user, action=AuditAction.EXPORT_SPREADSHEET)
    assert event.details == {"export": "learning library (xlsx)", "filters": {"sort": "relevance"}}


def test_library_offers_the_three_downloads_of_what_it_found(client):
    published_entries(1)

    response = get(
        client, UserFactory(role=Role.REVIEWER), reverse("schemes:learning_library"), q="triage"
    )

    soup = BeautifulSoup(response.content, "html.parser")
    links = [link["href"] for link in soup.select("[data-downloads] a")]
    assert links == [
        f"{DIGEST}?q=triage&sort=relevance",
        f"{XLSX}?q=triage&sort=relevance",
        f"{reverse('schemes:learning_library_csv')}?q=triage&sort=relevance",
    ]
