"""The programme view's spreadsheet download: the monitoring sheets of every funded scheme."""

import pytest
from bs4 import BeautifulSoup

from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent
from tests.factories.monitoring import accepted_agreement
from tests.test_exports import csv_rows, workbook_rows
from tests.test_monitoring_exports import (
    DEMO,
    DESCRIPTION,
    HDD,
    MANAGER,
    PROJECT,
    STATUS_AND_FUNDING,
)

pytestmark = pytest.mark.django_db

XLSX_URL = "/monitoring/export/xlsx/"
CSV_URL = "/monitoring/export/csv/"
OVERVIEW_HEADER = [
    "Health board",
    "Reference",
    "Project",
    "Current status and funding",
    "Description",
]
DEMO_ROW = [HDD, DEMO, PROJECT, STATUS_AND_FUNDING, DESCRIPTION]


def spreadsheet_exports():
    return list(AuditEvent.objects.filter(action=AuditAction.EXPORT_SPREADSHEET).order_by("pk"))


def test_programme_xlsx_has_the_demo_scheme_overview_row_word_for_word(signed_in):
    response = signed_in(MANAGER).get(XLSX_URL)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="pacesetter-monitoring.xlsx"'
    sheets = workbook_rows(response.content)
    assert list(sheets) == [
        "Overview of Pacesetters",
        "Quarterly reports",
        "Spend lines",
        "Spend against budget",
        "Measure values",
        "Milestones",
    ]
    assert sheets["Overview of Pacesetters"] == [OVERVIEW_HEADER, DEMO_ROW]
    assert len(sheets["Quarterly reports"]) == 1 + 4


def test_programme_csv_has_the_demo_scheme_overview_row_word_for_word(signed_in):
    response = signed_in(MANAGER).get(CSV_URL)

    assert response["Content-Disposition"] == 'attachment; filename="pacesetter-monitoring.zip"'
    files = csv_rows(response.content)
    assert sorted(files) == [
        "measure_values.csv",
        "milestones.csv",
        "overview.csv",
        "reports.csv",
        "spend_against_budget.csv",
        "spend_lines.csv",
    ]
    assert files["overview.csv"] == [OVERVIEW_HEADER, DEMO_ROW]


def test_programme_export_spans_rounds_and_keeps_the_filters(signed_in, demo_user):
    agreement, _lead = accepted_agreement(manager=demo_user(MANAGER))
    other = agreement.application
    client = signed_in(MANAGER)

    everything = workbook_rows(client.get(XLSX_URL).content)["Overview of Pacesetters"]
    one_round = workbook_rows(client.get(f"{XLSX_URL}?round={other.round.code}").content)

    assert [row[1] for row in everything[1:]] == sorted([DEMO, other.reference])
    assert [row[1] for row in one_round["Overview of Pacesetters"][1:]] == [other.reference]


def test_programme_export_makes_cells_that_look_like_formulas_safe(signed_in, demo_user):
    agreement, _lead = accepted_agreement(manager=demo_user(MANAGER))
    agreement.milestones.update(title='=HYPERLINK("http://x")')
    query = f"?round={agreement.application.round.code}"

    sheets = workbook_rows(signed_in(MANAGER).get(XLSX_URL + query).content)
    files = csv_rows(signed_in(MANAGER).get(CSV_URL + query).content)

    assert {row[1] for row in sheets["Milestones"][1:]} == {'\'=HYPERLINK("http://x")'}
    assert {row[1] for row in files["milestones.csv"][1:]} == {'\'=HYPERLINK("http://x")'}


def test_programme_export_writes_one_audit_event(signed_in):
    signed_in(MANAGER).get(f"{XLSX_URL}?status=ongoing")

    [event] = spreadsheet_exports()
    assert (event.actor.email, event.details) == (
        MANAGER,
        {"export": "programme monitoring", "format": "xlsx", "filters": {"status": "ongoing"}},
    )


@pytest.mark.parametrize(
    "email",
    [
        "applicant.hdd@example.org",
        "applicant.cav@example.org",
        "reviewer1@example.org",
        "chair@example.org",
    ],
)
@pytest.mark.parametrize("url", [XLSX_URL, CSV_URL])
def test_programme_export_is_refused_to_everyone_but_managers(signed_in, email, url):
    response = signed_in(email).get(url)

    assert response.status_code == 403
    assert spreadsheet_exports() == []


@pytest.mark.parametrize("url", [XLSX_URL, CSV_URL])
def test_programme_export_sends_the_signed_out_to_sign_in(client, url):
    response = client.get(url)

    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/accounts/login/")
    assert spreadsheet_exports() == []


def test_programme_export_of_an_unknown_format_is_a_404(signed_in):
    assert signed_in(MANAGER).get("/monitoring/export/pdf/").status_code == 404


def test_programme_view_links_both_downloads_with_its_filters(signed_in):
    soup = BeautifulSoup(
        signed_in(MANAGER).get("/monitoring/?status=ongoing").content, "html.parser"
    )

    assert [(a.get_text(), a["href"]) for a in soup.select("main a[data-export]")] == [
        ("Download as XLSX", f"{XLSX_URL}?status=ongoing"),
        ("Download as CSV", f"{CSV_URL}?status=ongoing"),
    ]
