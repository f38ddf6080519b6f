"""Monitoring's exports: the overview, the scheme's PDF, the sheets, the commands, the audit."""

import io

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import call_command
from django.test import TestCase

from criteria.exports.files import csv_zip, xlsx
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent
from schemes.domain.monitoring.overview import funded_schemes, overview
from schemes.models import Round
from tests.factories.monitoring import accepted_agreement
from tests.test_exports import csv_rows, workbook_rows
from tests.test_pdf import pdf_info, pdf_text

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
DEMO = "PS-2018-HDD-001"
HDD = "Hywel Dda University Health Board"
PROJECT = "Networked model for primary care contractors"
STATUS_AND_FUNDING = (
    "Ongoing. Funding: £488,000.00 approved in Pacesetter 2018-19; £483,750.50 spent to date."
)
DESCRIPTION = (
    "GMS Sustainability : the overall sustainability risk with GMS contractors will reduce "
    "through the network approach reducing the likelihood of contractual notice, list "
    "closures and boundary or branch changes."
)


def exports(action=AuditAction.EXPORT_MONITORING):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# The Overview of Pacesetters -------------------------------------------------------------------


def test_overview_lists_the_demo_scheme_word_for_word():
    [board] = overview(funded_schemes())

    assert board.board == HDD
    assert [(row.project, row.status_and_funding, row.description) for row in board.rows] == [
        (PROJECT, STATUS_AND_FUNDING, DESCRIPTION)
    ]


def test_overview_page_prints_the_demo_scheme_word_for_word(signed_in):
    soup = BeautifulSoup(signed_in(MANAGER).get("/monitoring/overview/").content, "html.parser")
    [table] = soup.select("main table[data-board]")

    assert table["data-board"] == HDD
    assert [th.get_text() for th in table.select("thead th")] == [
        "Project",
        "Current status and funding",
        "Description",
    ]
    assert [
        [cell.get_text() for cell in row.select("th, td")] for row in table.select("tbody tr")
    ] == [[PROJECT, STATUS_AND_FUNDING, DESCRIPTION]]


def test_overview_page_keeps_the_programme_filters(signed_in):
    soup = BeautifulSoup(
        signed_in(MANAGER).get("/monitoring/overview/?status=stopped").content, "html.parser"
    )

    assert soup.select("main table[data-board]") == []
    assert soup.select_one('main [role="region"] p').get_text() == "No funded scheme matches."
    assert soup.select_one("#filter-status option[selected]")["value"] == "stopped"


def test_overview_names_a_status_with_its_date_and_reason(signed_in, demo_user):
    from tests.test_programme_view import reported_scheme

    agreement = reported_scheme(
        demo_user(MANAGER),
        board=None,
        delivery="green",
        spend="green",
        status="mainstreamed",
    )
    schemes = funded_schemes().filter(pk=agreement.application_id)

    [board] = overview(schemes)

    assert board.rows[0].status_and_funding == (
        "Mainstreamed since 30/06/2018: Taken into the health board's core budget. Funding: "
        f"£900.00 approved in {agreement.application.round.name}; £100.00 spent to date."
    )


def test_overview_pdf_reads_back_the_demo_scheme_and_is_audited(signed_in, tmp_path):
    response = signed_in(MANAGER).get("/monitoring/overview.pdf")
    text = pdf_text(response.content, tmp_path)
    info = pdf_info(response.content, tmp_path)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="overview-of-pacesetters.pdf"'
    assert info["Title"].strip() == "Overview of Pacesetters"
    assert info["Tagged"].strip() == "yes"
    for words in (HDD, "Current status and funding", "£488,000.00", "£483,750.50"):
        assert words in text
    [event] = exports()
    assert (event.actor.email, event.details["export"]) == (MANAGER, "overview")


# The scheme's monitoring summary ---------------------------------------------------------------


def test_scheme_pdf_carries_agreement_measures_spend_and_ratings(signed_in, tmp_path):
    response = signed_in("applicant.hdd@example.org").get(f"/monitoring/{DEMO}/summary.pdf")
    text = pdf_text(response.content, tmp_path)

    assert response["Content-Disposition"] == f'attachment; filename="{DEMO}-monitoring.pdf"'
    assert pdf_info(response.content, tmp_path)["Tagged"].strip() == "yes"
    for words in (
        "Monitoring summary · PS-2018-HDD-001",
        "Stage 2: Scoping Network Proposals (31 March 2018)",
        "GMS sustainability matrix scores",
        "Senior clinical workforce per head of population",
        "Trend: Moving toward target",
        "£488,000.00 £483,750.50 £483,750.50 -£4,249.50 -0.9% Within threshold",
        "20 October 2018 Accepted Green Amber Ongoing",
    ):
        assert words in text, words
    [event] = exports()
    assert (event.actor.email, event.details) == (
        "applicant.hdd@example.org",
        {"export": "monitoring summary", "reference": DEMO},
    )


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("applicant.cav@example.org", 404),
        ("reviewer1@example.org", 404),
        ("chair@example.org", 404),
        (MANAGER, 200),
    ],
)
def test_scheme_pdf_is_served_only_to_those_who_see_the_scheme(signed_in, email, status):
    assert signed_in(email).get(f"/monitoring/{DEMO}/summary.pdf").status_code == status


# Monitoring sheets ------------------------------------------------------------------------------


def test_round_xlsx_carries_the_monitoring_sheets_of_the_demo_scheme():
    sheets = workbook_rows(xlsx(Round.objects.get(code="2018-19"), anonymise=True))

    assert sheets["Overview of Pacesetters"] == [
        ["Health board", "Reference", "Project", "Current status and funding", "Description"],
        [HDD, DEMO, PROJECT, STATUS_AND_FUNDING, DESCRIPTION],
    ]
    reports = sheets["Quarterly reports"]
    assert [row[5:10] for row in reports[1:]] == [
        ["Accepted", 1, "Green", "Green", "Ongoing"],
        ["Accepted", 2, "Green", "Amber", "Ongoing"],
        ["Accepted", 1, "Green", "Green", "Ongoing"],
        ["Accepted", 1, "Green", "Green", "Ongoing"],
    ]
    assert [row[4:6] for row in sheets["Spend lines"][1:]] == [
        [95000, 390000],
        [118500, 270000],
        [121250.5, 150000],
        [149000, 0],
    ]
    assert sheets["Spend against budget"][1] == [
        DEMO,
        "2018-19",
        "Other",
        488000,
        483750.5,
        483750.5,
        -4249.5,
        -0.9,
        None,
    ]
    values = [row[10] or row[11] for row in sheets["Measure values"][1:]]
    assert values[:4] == ["9", "10", "11", "12"]
    assert values[4] == "Refreshed twice a year: next figure at the end of September."
    assert len(sheets["Milestones"]) == 1 + 6 * 4


def test_round_csv_carries_the_monitoring_files():
    files = csv_rows(csv_zip(Round.objects.get(code="2018-19"), anonymise=True))

    assert files["overview.csv"][1] == [HDD, DEMO, PROJECT, STATUS_AND_FUNDING, DESCRIPTION]
    assert len(files["reports.csv"]) == 5


def test_monitoring_sheet_cells_that_look_like_formulas_are_made_safe(demo_user):
    agreement, _lead = accepted_agreement(manager=demo_user(MANAGER))
    agreement.milestones.update(title='=HYPERLINK("http://x")')

    sheets = workbook_rows(xlsx(agreement.application.round, anonymise=True))

    assert {row[1] for row in sheets["Milestones"][1:]} == {'\'=HYPERLINK("http://x")'}


def test_export_round_monitoring_writes_the_monitoring_workbook_and_audits_it(tmp_path):
    output = tmp_path / "monitoring.xlsx"

    call_command("export_round", "2018-19", "--format", "monitoring", "--output", str(output))

    workbook = openpyxl.load_workbook(io.BytesIO(output.read_bytes()))
    assert workbook.sheetnames == [
        "Overview of Pacesetters",
        "Quarterly reports",
        "Spend lines",
        "Spend against budget",
        "Measure values",
        "Milestones",
    ]
    assert workbook.properties.title == "Pacesetter 2018-19: monitoring"
    [event] = exports()
    assert (event.actor, event.details["format"], event.details["output"]) == (
        None,
        "monitoring",
        str(output),
    )


# Reminders --------------------------------------------------------------------------------------


def test_send_monitoring_reminders_twice_sends_each_reminder_once():
    first, second = io.StringIO(), io.StringIO()

    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_monitoring_reminders", "--today", "2019-07-15", stdout=first)
    sent = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_monitoring_reminders", "--today", "2019-07-15", stdout=second)

    assert first.getvalue() == (
        "Sent 1 reminder of a report due soon.\nSent 0 reminders of overdue reports.\n"
    )
    assert [message.to for message in mail.outbox] == [["applicant.hdd@example.org"]]
    assert sent == 1
    assert second.getvalue() == (
        "Sent 0 reminders of reports due soon.\nSent 0 reminders of overdue reports.\n"
    )


def test_send_monitoring_reminders_mails_overdue_reports_to_leads_and_managers():
    out = io.StringIO()

    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_monitoring_reminders", "--today", "2019-07-21", stdout=out)

    assert out.getvalue() == (
        "Sent 0 reminders of reports due soon.\nSent 1 reminder of an overdue report.\n"
    )
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "admin@example.org",
        "applicant.hdd@example.org",
        "manager@example.org",
    ]


def test_send_monitoring_reminders_refuses_a_date_that_is_not_one():
    from django.core.management import CommandError

    with pytest.raises(CommandError) as error:
        call_command("send_monitoring_reminders", "--today", "yesterday")

    assert str(error.value) == "--today must be a date like 2019-07-13."
