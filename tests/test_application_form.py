"""The application form as people meet it: its labels, the allocation, buttons, check answers."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from pacesetter.models import Organisation
from schemes.enums import QuestionKind
from schemes.models import Question, Round
from tests.factories import ApplicationFactory, BudgetLineFactory
from tests.test_applicant_journey import CAV, complete, questions, section_data

pytestmark = pytest.mark.django_db

CHECK_URL = "/applications/PS-2027-CAV-001/apply/check/"


@pytest.fixture
def draft():
    return ApplicationFactory(
        reference="PS-2027-CAV-001",
        round=Round.objects.get(code="2027-29"),
        organisation=Organisation.objects.get(code="CAV"),
        title="Cluster quality improvement",
    )


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    return " ".join(element.get_text(" ").split())


@pytest.mark.parametrize(
    ("label", "heading"),
    [
        ("Start date of the scheme.", "Start date of the scheme"),
        ("Objectives of the scheme. ", "Objectives of the scheme"),
        ("Allocation requested (£)", "Allocation requested (£)"),
        ("Anything else...", "Anything else..."),
        ("Which of these?", "Which of these?"),
    ],
)
def test_question_heading_drops_only_a_trailing_full_stop(label, heading):
    assert Question(label=label).heading == heading


def test_section_labels_drop_the_full_stop_and_the_fixture_keeps_it(signed_in, draft):
    start = questions(draft, QuestionKind.START_DATE)[0]

    soup = soup_of(signed_in(CAV).get("/applications/PS-2027-CAV-001/apply/section/1/"))

    assert start.label == "Start date of the scheme."
    assert text(
        soup.select_one(f"#id_q{start.pk}_fieldset legend, #div_id_q{start.pk} legend")
    ) == ("Start date of the scheme")


def test_document_headings_drop_the_full_stop(signed_in, draft):
    start = questions(draft, QuestionKind.START_DATE)[0]

    soup = soup_of(signed_in(CAV).get(CHECK_URL))

    row = soup.find(id=f"id_q{start.pk}") or soup.select_one(f'a[href$="#id_q{start.pk}"]')
    assert text(row.find_parent(class_="govuk-summary-list__row").dt) == (
        "Start date of the scheme"
    )


def test_section_shows_the_allocation_from_the_budget_read_only(signed_in, draft):
    budget = questions(draft, QuestionKind.BUDGET)[0]
    BudgetLineFactory(application=draft, amount="148000.50")
    BudgetLineFactory(application=draft, amount="1000.25")

    soup = soup_of(signed_in(CAV).get("/applications/PS-2027-CAV-001/apply/section/1/"))

    block = soup.select_one("#allocation")
    assert text(block.h2) == "Allocation requested (£)"
    assert text(block.select_one("[data-total=requested]")) == "£149,000.75"
    assert block.a["href"] == "/applications/PS-2027-CAV-001/apply/budget/"
    assert soup.select(f"[name=q{budget.pk}]") == []


def test_section_post_of_an_allocation_as_text_stores_nothing(signed_in, draft):
    budget = questions(draft, QuestionKind.BUDGET)[0]

    signed_in(CAV).post(
        "/applications/PS-2027-CAV-001/apply/section/1/",
        section_data(draft, 1, **{f"q{budget.pk}": "£1,000,000 please"}),
    )

    assert list(draft.answers.filter(question=budget)) == []


def test_section_buttons_sit_in_a_govuk_button_group_main_action_first(signed_in, draft):
    soup = soup_of(signed_in(CAV).get("/applications/PS-2027-CAV-001/apply/section/1/"))

    group = soup.select_one("main form .govuk-button-group")
    assert [(text(b), b["class"]) for b in group.select("button")] == [
        ("Save and continue", ["govuk-button"]),
        ("Save and come back later", ["govuk-button", "govuk-button--secondary"]),
    ]


def test_check_answers_of_an_incomplete_application_lists_what_is_missing_and_no_button(
    signed_in, draft
):
    soup = soup_of(signed_in(CAV).get(CHECK_URL))

    assert text(soup.select_one("#submit-heading")) == "You cannot submit your application yet"
    missing = [(text(a), a["href"]) for a in soup.select("#missing a")]
    assert missing[-3:] == [
        ("Add at least one budget line", "/applications/PS-2027-CAV-001/apply/budget/"),
        (
            "Select at least one strategic component",
            "/applications/PS-2027-CAV-001/apply/components/",
        ),
        ("Confirm the declaration", "/applications/PS-2027-CAV-001/apply/declaration/"),
    ]
    assert all(href.startswith("/applications/PS-2027-CAV-001/") for _t, href in missing)
    assert soup.select("form[action$='/apply/submit/']") == []


def test_check_answers_of_a_complete_application_shows_the_submit_button(
    signed_in, draft, demo_user
):
    complete(draft, demo_user(CAV))

    soup = soup_of(signed_in(CAV).get(CHECK_URL))

    assert text(soup.select_one("#submit-heading")) == "Now submit your application"
    assert soup.select("#missing") == []
    assert [text(b) for b in soup.select("form[action$='/apply/submit/'] button")] == [
        "Submit application"
    ]


def test_check_answers_after_the_deadline_says_so_and_shows_no_button(signed_in, draft, demo_user):
    complete(draft, demo_user(CAV))
    closed = timezone.now() - datetime.timedelta(minutes=1)
    Round.objects.filter(pk=draft.round_id).update(
        opens_at=closed - datetime.timedelta(days=30), closes_at=closed
    )

    response = signed_in(CAV).get(CHECK_URL)

    soup = soup_of(response)
    assert response.status_code == 200
    assert soup.select_one("#deadline-passed") is not None
    assert soup.select("form[action$='/apply/submit/']") == []
