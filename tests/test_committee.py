"""The committee paper: the narrative a manager writes, and the numbers from the record."""

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from criteria.domain.committee import committee_figures, committee_paper_save, percentage_shown
from criteria.models import CommitteePaper
from pacesetter.enums import Role
from pacesetter.models import User
from schemes.domain.decisions import decision_record
from schemes.enums import ApplicationStatus, DecisionOutcome
from schemes.models import Decision, Round
from tests.factories import BudgetLineFactory, OrganisationFactory, UserFactory
from tests.test_pdf import (
    download,
    embedded_files_listing,
    pdf_field,
    pdf_info,
    pdf_objects,
    pdf_text,
)
from tests.test_ranking import review, scored_round, submitted

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
PAGE = "/rounds/2018-19/committee-paper/"
PDF = "/rounds/2018-19/committee-paper.pdf"
HOSTILE = '<img src="file:///etc/passwd">'

NARRATIVE = {
    "committee": "Primary Care Commissioning Committee",
    "meeting_date_0": "27",
    "meeting_date_1": "6",
    "meeting_date_2": "2019",
    "agenda_item": "7",
    "paper_number": "PCCC19/043",
    "key_issues": "The panel appraised one scheme.\n\n• Networked model for contractors",
    "strategic_objectives": "A Healthier Wales.",
    "actions_requested": "The committee is asked to approve the funding.",
    "principal_risks": "Delivery depends on recruitment.",
    "other_committees": "Pacesetter panel, May 2018.",
    "financial_implications": "Within the programme's allocation.",
}
HEADINGS = [
    "Key issues",
    "Strategic objectives / perspectives",
    "Actions requested / recommendation",
    "Principal risk(s) relating to this paper",
    "Other committees / groups where evidence supporting this paper has been considered",
    "Financial and resource implications / impact",
]


def approve(application, amount):
    decision_record(
        application=application,
        outcome=DecisionOutcome.APPROVED,
        approved_amount=Decimal(amount),
        acting_user=User.objects.get(email=MANAGER),
    )


@pytest.fixture
def small_round():
    """Envelope £500,000.00: A approved in full, B approved reduced, C awaiting a decision.

    C scores highest, then B, then A, so the ranking order differs from the references'.
    """
    round = scored_round()
    board = OrganisationFactory(code="X", name="Board X")
    a = submitted(round, board, "200000.00", "PS-T-A")
    b = submitted(round, board, "150000.00", "PS-T-B")
    c = submitted(round, board, "100000.00", "PS-T-C")
    review(a, [2, 2])
    review(b, [3, 3])
    review(c, [5, 5])
    approve(a, "200000.00")
    approve(b, "120000.00")
    return round


# The numbers.


def test_figures_total_the_money_requested_and_recommended(small_round):
    figures = committee_figures(small_round)

    assert figures.envelope == Decimal("500000.00")
    assert figures.requested == Decimal("450000.00")
    assert figures.requested_decided == Decimal("350000.00")
    assert figures.requested_awaiting == Decimal("100000.00")
    assert figures.recommended == Decimal("320000.00")
    assert figures.reduction == Decimal("30000.00")
    assert figures.reduction_percentage_shown == Decimal("8.6")
    assert figures.envelope_remaining == Decimal("180000.00")
    assert (figures.scheme_count, figures.decided_count, figures.awaiting_count) == (3, 2, 1)


def test_figures_list_schemes_in_ranking_order_with_reductions(small_round):
    figures = committee_figures(small_round)

    assert [
        (
            scheme.reference,
            scheme.score_percentage,
            scheme.requested,
            scheme.recommended,
            scheme.reduction,
            scheme.reduction_percentage_shown,
            scheme.status,
        )
        for scheme in figures.schemes
    ] == [
        ("PS-T-C", Decimal("100.00"), Decimal("100000.00"), None, None, None, "Awaiting decision"),
        (
            "PS-T-B",
            Decimal("60.00"),
            Decimal("150000.00"),
            Decimal("120000.00"),
            Decimal("30000.00"),
            Decimal("20.0"),
            "Approved",
        ),
        (
            "PS-T-A",
            Decimal("40.00"),
            Decimal("200000.00"),
            Decimal("200000.00"),
            Decimal("0.00"),
            Decimal("0.0"),
            "Approved",
        ),
    ]


def test_figures_count_a_declined_scheme_as_recommended_nothing(small_round):
    decision_record(
        application=small_round.applications.get(reference="PS-T-C"),
        outcome=DecisionOutcome.DECLINED,
        reasons="Not enough evidence of need.",
        acting_user=User.objects.get(email=MANAGER),
    )

    figures = committee_figures(small_round)

    assert figures.recommended == Decimal("320000.00")
    assert figures.requested_decided == Decimal("450000.00")
    assert figures.reduction == Decimal("130000.00")
    assert figures.reduction_percentage_shown == Decimal("28.9")
    assert figures.schemes[0].recommended == Decimal("0.00")
    assert figures.schemes[0].status == "Declined"


def test_figures_of_a_round_without_envelope_or_decisions_leave_those_blank():
    round = scored_round(envelope=None)
    submitted(round, OrganisationFactory(), "1000.00", "PS-T-Z")

    figures = committee_figures(round)

    assert figures.envelope is None
    assert figures.envelope_remaining is None
    assert figures.recommended == Decimal("0.00")
    assert figures.reduction_percentage is None
    assert [(s.reference, s.score_percentage, s.recommended) for s in figures.schemes] == [
        ("PS-T-Z", None, None)
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("0.05", "0.1"), ("8.25", "8.3"), ("8.249", "8.2"), ("100", "100.0")],
)
def test_percentage_is_shown_rounded_half_up_to_one_place(value, shown):
    assert percentage_shown(Decimal(value)) == Decimal(shown)


def round_with(count, prefix):
    round = scored_round()
    manager = User.objects.get(email=MANAGER)
    for index in range(count):
        application = submitted(round, OrganisationFactory(), "1000.00", f"PS-{prefix}-{index:03}")
        BudgetLineFactory(application=application, amount=Decimal("10.00"))
        review(application, [index % 6, 3])
        if index % 2:
            application.status = ApplicationStatus.APPROVED
            application.save(update_fields=["status"])
            Decision.objects.create(
                application=application,
                outcome=DecisionOutcome.APPROVED,
                approved_amount=Decimal("900.00"),
                decided_by=manager,
                decided_on=timezone.localdate(),
            )
    return Round.objects.get(pk=round.pk)


def queries_for_figures(round):
    with CaptureQueriesContext(connection) as queries:
        figures = committee_figures(round)
    return len(queries), figures


def test_figures_take_the_same_number_of_queries_for_3_and_30_applications():
    few, few_figures = queries_for_figures(round_with(3, "F"))
    many, many_figures = queries_for_figures(round_with(30, "M"))

    assert few == many
    assert few_figures.requested == Decimal("3030.00")
    assert many_figures.recommended == Decimal("13500.00")


# The page.


def test_page_shows_the_numbers_that_will_print(signed_in, small_round):
    response = signed_in(MANAGER).get(f"/rounds/{small_round.code}/committee-paper/")

    soup = BeautifulSoup(response.content, "html.parser")
    figure = {
        cell["data-figure"]: cell.get_text(" ", strip=True) for cell in soup.select("[data-figure]")
    }
    assert response.status_code == 200
    assert figure == {
        "envelope": "£500,000.00",
        "requested": "£450,000.00",
        "requested-decided": "£350,000.00",
        "recommended": "£320,000.00",
        "reduction": "£30,000.00 (8.6%)",
        "requested-awaiting": "£100,000.00",
        "envelope-remaining": "£180,000.00",
    }
    assert [row["data-reference"] for row in soup.select("#schemes tr[data-reference]")] == [
        "PS-T-C",
        "PS-T-B",
        "PS-T-A",
    ]
    assert soup.select_one("[data-reference=PS-T-B] [data-reduction]").get_text(strip=True) == (
        "£30,000.00 (20.0%)"
    )
    assert soup.select_one("[data-reference=PS-T-C] [data-status]").get_text(strip=True) == (
        "Awaiting decision"
    )
    assert soup.find("a", string="Download the committee paper (PDF)")["href"] == (
        f"/rounds/{small_round.code}/committee-paper.pdf"
    )


def test_page_saves_the_narrative_with_who_changed_it(signed_in):
    response = signed_in(MANAGER).post(PAGE, NARRATIVE)

    paper = CommitteePaper.objects.get(round__code="2018-19")
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert paper.committee == "Primary Care Commissioning Committee"
    assert paper.meeting_date.isoformat() == "2019-06-27"
    assert paper.paper_number == "PCCC19/043"
    assert paper.key_issues == NARRATIVE["key_issues"]
    assert paper.updated_by.email == MANAGER
    assert paper.history.get().history_user.email == MANAGER


def test_page_saved_twice_updates_the_same_paper(signed_in):
    client = signed_in(MANAGER)
    client.post(PAGE, NARRATIVE)

    client.post(PAGE, {**NARRATIVE, "agenda_item": "8"})

    assert CommitteePaper.objects.get(round__code="2018-19").agenda_item == "8"
    assert CommitteePaper.objects.get(round__code="2018-19").history.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"meeting_date_0": "31", "meeting_date_1": "2", "meeting_date_2": "2019"},
            "meeting_date",
            "Enter the date of the meeting as a real date, like 27 6 2019",
        ),
        (
            {"meeting_date_0": "x"},
            "meeting_date",
            "Enter the date of the meeting as a real date, like 27 6 2019",
        ),
        (
            {"key_issues": "a" * 10_001},
            "key_issues",
            "The key issues must be 10,000 characters or fewer",
        ),
        (
            {"paper_number": "P" * 41},
            "paper_number",
            "The paper number must be 40 characters or fewer",
        ),
        ({"committee": ""}, "committee", "Enter the name of the committee"),
    ],
)
def test_page_with_bad_input_says_why_and_saves_nothing(signed_in, changes, field, message):
    response = signed_in(MANAGER).post(PAGE, {**NARRATIVE, **changes})

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert [a.get_text(strip=True) for a in soup.select(".govuk-error-summary__list a")] == [
        message
    ]
    assert response.context["form"].errors == {field: [message]}
    assert CommitteePaper.objects.filter(round__code="2018-19").exists() is False


def test_page_post_without_csrf_token_is_refused(demo_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(MANAGER))

    response = client.post(PAGE, NARRATIVE)

    assert response.status_code == 403
    assert CommitteePaper.objects.filter(round__code="2018-19").exists() is False


# The PDF.


def test_pdf_carries_the_narrative_headings_in_the_seed_order(signed_in, tmp_path):
    client = signed_in(MANAGER)
    client.post(PAGE, NARRATIVE)

    text = pdf_text(download(client, PDF), tmp_path)

    # The longest heading wraps in its cell, so it is found by its first line.
    positions = [text.index(heading[:56]) for heading in HEADINGS]
    assert positions == sorted(positions)
    assert text.index("Date of meeting 27 June 2019") < text.index(HEADINGS[0])
    assert "Agenda item 7 Paper No PCCC19/043" in text
    assert "Pacesetter 2018-19: funding recommendations" in text
    assert "• Networked model for contractors" in text
    assert "The committee is asked to approve the funding." in text
    assert text.index("Financial summary") > text.index(HEADINGS[-1])
    assert text.index("Schemes and recommended funding") > text.index("Financial summary")


def test_pdf_carries_the_money_marking_and_page_numbers(signed_in, tmp_path):
    text = pdf_text(download(signed_in(MANAGER), PDF), tmp_path)

    assert "OFFICIAL-SENSITIVE" in text
    assert "Page 1 of 1" in text
    assert "Requested by 1 scheme £488,000.00" in text
    assert "Recommended funding £488,000.00" in text
    # The scheme's row: requested, recommended, reduction and its percentage, decision.
    assert "68.75% £488,000.00 £488,000.00 £0.00 (0.0%) Approved" in text


def test_pdf_follows_the_rounds_protective_marking(signed_in, tmp_path):
    Round.objects.filter(code="2018-19").update(protective_marking="OFFICIAL")

    text = pdf_text(download(signed_in(MANAGER), PDF), tmp_path)

    assert "OFFICIAL-SENSITIVE" not in text
    assert "OFFICIAL" in text


def test_pdf_title_language_and_tags_are_set(signed_in, tmp_path):
    response = signed_in(MANAGER).get(PDF)
    info = pdf_info(response.content, tmp_path)

    assert response["Content-Disposition"] == 'attachment; filename="2018-19-committee-paper.pdf"'
    assert pdf_field(info, "Title") == "Pacesetter 2018-19: funding recommendations"
    assert pdf_field(info, "Tagged") == "yes"
    assert re.findall(rb"/Lang \(([^)]*)\)", pdf_objects(response.content)) == [b"en-GB"]


def test_pdf_prints_hostile_narrative_as_text_and_embeds_nothing(signed_in, tmp_path):
    client = signed_in(MANAGER)
    client.post(PAGE, {**NARRATIVE, "key_issues": HOSTILE, "principal_risks": HOSTILE})

    pdf = download(client, PDF)

    text = pdf_text(pdf, tmp_path)
    assert text.count(HOSTILE) == 2
    assert "root:x:0:0" not in text
    assert embedded_files_listing(pdf, tmp_path) == "0 embedded files"
    assert b"/EmbeddedFile" not in pdf_objects(pdf)


def test_pdf_past_the_time_limit_is_a_503_page(signed_in, settings):
    settings.PDF_RENDER_TIMEOUT = 0.01

    response = signed_in(MANAGER).get(PDF)

    assert response.status_code == 503
    assert "Making the PDF took longer than 0.01 seconds and was stopped." in (
        response.content.decode()
    )


# Who may see it.


ROLES = [
    ("manager@example.org", 200),
    ("admin@example.org", 200),
    ("applicant.cav@example.org", 403),
    ("applicant.hdd@example.org", 403),
    ("applicant.pth@example.org", 403),
    ("reviewer1@example.org", 403),
    ("reviewer2@example.org", 403),
    ("reviewer3@example.org", 403),
    ("chair@example.org", 403),
]


@pytest.mark.parametrize("url", [PAGE, PDF])
@pytest.mark.parametrize(("email", "status"), ROLES)
def test_committee_paper_for_every_role(signed_in, url, email, status):
    assert signed_in(email).get(url).status_code == status


@pytest.mark.parametrize("email", [email for email, status in ROLES if status == 403])
def test_committee_paper_cannot_be_saved_by_others(signed_in, email):
    response = signed_in(email).post(PAGE, NARRATIVE)

    assert response.status_code == 403
    assert CommitteePaper.objects.filter(round__code="2018-19").exists() is False


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_committee_paper_sends_signed_out_visitors_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_round_page_links_managers_to_the_committee_paper(signed_in):
    soup = BeautifulSoup(signed_in(MANAGER).get("/rounds/2018-19/").content, "html.parser")

    assert soup.find("a", string="Committee paper")["href"] == PAGE


def test_committee_paper_save_refuses_others(demo_user):
    with pytest.raises(PermissionDenied):
        committee_paper_save(
            round=Round.objects.get(code="2018-19"),
            acting_user=UserFactory(role=Role.REVIEWER),
            key_issues="Not mine to write.",
        )
