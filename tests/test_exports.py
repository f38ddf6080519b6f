"""Spreadsheet exports of a round: the same numbers as the pages, safe cells, who may download."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.compat.strings import safe_string

from criteria.domain.aggregation import round_scores
from criteria.exports.files import csv_bytes, csv_zip, xlsx
from criteria.exports.sheets import applications_rows, decision_rows, score_rows
from criteria.models import Score
from pacesetter.models import User
from pacesetter.money import format_pounds
from pacesetter.spreadsheets import FORMULA_STARTS, spreadsheet_safe
from schemes.enums import ApplicationStatus, BudgetCategory, DecisionOutcome
from schemes.models import Application, Decision, Round
from tests.factories import BudgetLineFactory, OtherFundingFactory
from tests.factories.panel import panel_application, panel_review, panel_reviewer, panel_round

MANAGER = "manager@example.org"
ADMIN = "admin@example.org"
NOT_ALLOWED = [
    "applicant.cav@example.org",
    "applicant.hdd@example.org",
    "applicant.pth@example.org",
    "reviewer1@example.org",
    "reviewer2@example.org",
    "reviewer3@example.org",
    "chair@example.org",
]
MONITORING_SHEETS = [
    "Overview of Pacesetters",
    "Quarterly reports",
    "Spend lines",
    "Spend against budget",
    "Measure values",
    "Milestones",
]
MONITORING_CSV_FILES = [
    "overview.csv",
    "reports.csv",
    "spend_lines.csv",
    "spend_against_budget.csv",
    "measure_values.csv",
    "milestones.csv",
]
SHEETS = ["Applications", "Budget lines", "Scores", "Decisions", *MONITORING_SHEETS]
CSV_FILES = [
    "applications.csv",
    "budget_lines.csv",
    "scores.csv",
    "decisions.csv",
    *MONITORING_CSV_FILES,
]


# Reading the files back ----------------------------------------------------------------------


def workbook_rows(content):
    """Return {sheet title: [header, *rows]} of an XLSX file, values as openpyxl reads them."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook
    }


def csv_rows(content):
    """Return {file name: [header, *rows]} of a ZIP of CSV files, checking each has a BOM."""
    files = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            raw = archive.read(name)
            assert raw[:3] == b"\xef\xbb\xbf"
            files[name] = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    return files


def as_dicts(rows):
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def money(value):
    """A money cell as Decimal: the workbook holds a number, the CSV its exact text."""
    return Decimal(str(value))


def demo_round(code):
    return Round.objects.get(code=code)


def page_total(client, reference, name):
    url = reverse("schemes:application_detail", args=[reference])
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    return soup.select_one(f'[data-total="{name}"]').get_text(strip=True)


# The same numbers as the pages -------------------------------------------------------------


@pytest.mark.django_db
def test_xlsx_2020_22_carries_the_cardiff_and_vale_budget_as_numbers(signed_in):
    client = signed_in(MANAGER)
    round = demo_round("2020-22")

    sheets = workbook_rows(xlsx(round, anonymise=True))
    [row] = as_dicts(sheets["Applications"])

    assert list(sheets) == SHEETS
    assert row["Reference"] == "PS-2020-CAV-001"
    assert row["Round"] == "Pacesetter 2020-22"
    assert isinstance(row["Requested year 1 (£)"], int | float)
    assert money(row["Requested year 1 (£)"]) == Decimal("148000.00")
    assert money(row["Requested year 2 (£)"]) == Decimal("148000.00")
    assert money(row["Requested in total (£)"]) == Decimal("296000.00")
    assert money(row["Other funding (£)"]) == Decimal("0.00")
    assert money(row["Total project cost (£)"]) == Decimal("296000.00")
    assert format_pounds(money(row["Requested year 1 (£)"])) == page_total(
        client, "PS-2020-CAV-001", "year-1"
    )
    assert format_pounds(money(row["Requested in total (£)"])) == page_total(
        client, "PS-2020-CAV-001", "requested"
    )
    assert format_pounds(money(row["Total project cost (£)"])) == page_total(
        client, "PS-2020-CAV-001", "project"
    )
    application = Application.objects.get(reference="PS-2020-CAV-001")
    assert money(row["Final score (%)"]) == round_scores(round)[application.pk].percentage
    assert row["Decision"] is None
    assert row["Approved amount (£)"] is None


@pytest.mark.django_db
def test_csv_2020_22_carries_the_cardiff_and_vale_budget_to_the_penny():
    round = demo_round("2020-22")

    files = csv_rows(csv_zip(round, anonymise=True))
    [row] = as_dicts(files["applications.csv"])

    assert sorted(files) == sorted(CSV_FILES)
    assert row["Requested year 1 (£)"] == "148000.00"
    assert row["Requested year 2 (£)"] == "148000.00"
    assert row["Requested in total (£)"] == "296000.00"
    assert row["Total project cost (£)"] == "296000.00"
    application = Application.objects.get(reference="PS-2020-CAV-001")
    assert Decimal(row["Final score (%)"]) == round_scores(round)[application.pk].percentage
    assert row["Decision"] == ""


@pytest.mark.django_db
def test_xlsx_2018_19_carries_hywel_dda_money_score_and_decision(signed_in):
    client = signed_in(MANAGER)
    round = demo_round("2018-19")

    sheets = workbook_rows(xlsx(round, anonymise=True))
    [row] = as_dicts(sheets["Applications"])
    [decision] = as_dicts(sheets["Decisions"])

    assert row["Reference"] == "PS-2018-HDD-001"
    assert money(row["Requested in total (£)"]) == Decimal("488000.00")
    assert money(row["Other funding (£)"]) == Decimal("559000.00")
    assert money(row["Total project cost (£)"]) == Decimal("1047000.00")
    assert money(row["Approved amount (£)"]) == Decimal("488000.00")
    assert row["Decision"] == "Approved"
    assert format_pounds(money(row["Other funding (£)"])) == page_total(
        client, "PS-2018-HDD-001", "other-funding"
    )
    assert format_pounds(money(row["Total project cost (£)"])) == page_total(
        client, "PS-2018-HDD-001", "project"
    )
    application = Application.objects.get(reference="PS-2018-HDD-001")
    assert money(row["Final score (%)"]) == round_scores(round)[application.pk].percentage
    assert row["Start date"] == datetime.datetime.combine(application.start_date, datetime.time())
    assert decision["Decision"] == "Approved"
    assert money(decision["Approved amount (£)"]) == Decimal("488000.00")
    assert decision["Decided on"] == datetime.datetime.combine(
        application.decision.decided_on, datetime.time()
    )


@pytest.mark.django_db
def test_csv_2018_19_carries_hywel_dda_money_and_decision():
    round = demo_round("2018-19")

    files = csv_rows(csv_zip(round, anonymise=True))
    [row] = as_dicts(files["applications.csv"])
    [decision] = as_dicts(files["decisions.csv"])

    assert row["Requested in total (£)"] == "488000.00"
    assert row["Other funding (£)"] == "559000.00"
    assert row["Total project cost (£)"] == "1047000.00"
    assert row["Approved amount (£)"] == "488000.00"
    assert decision["Approved amount (£)"] == "488000.00"
    assert (
        decision["Decided on"]
        == Decision.objects.get(application__reference="PS-2018-HDD-001").decided_on.isoformat()
    )


def year_sums(lines, read):
    sums = {}
    for line in lines:
        year = int(line["Year"])
        sums[year] = sums.get(year, Decimal("0.00")) + read(line["Line amount (£)"])
    return sums


@pytest.mark.django_db
def test_budget_lines_add_up_to_each_year_total_in_both_formats():
    round = demo_round("2020-22")

    sheets = workbook_rows(xlsx(round, anonymise=True))
    files = csv_rows(csv_zip(round, anonymise=True))

    totals = Application.objects.get(reference="PS-2020-CAV-001").totals()
    expected = {1: totals.year_total(1), 2: totals.year_total(2)}
    assert expected == {1: Decimal("148000.00"), 2: Decimal("148000.00")}
    assert year_sums(as_dicts(sheets["Budget lines"]), money) == expected
    assert year_sums(as_dicts(files["budget_lines.csv"]), Decimal) == expected


@pytest.mark.django_db
def test_xlsx_formats_money_and_bolds_and_freezes_the_header():
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx(demo_round("2018-19"), anonymise=True)))
    sheet = workbook["Applications"]
    header = [cell.value for cell in sheet[1]]
    requested = sheet.cell(row=2, column=header.index("Requested in total (£)") + 1)

    assert requested.number_format == "#,##0.00"
    assert requested.data_type == "n"
    assert [cell.font.b for cell in sheet[1]] == [True] * len(header)
    assert sheet.freeze_panes == "A2"
    assert workbook.properties.creator == "Pacesetter portal"
    assert workbook.properties.title == (
        "Pacesetter 2018-19: applications, budget lines, scores, decisions, monitoring"
    )


@given(pennies=st.integers(min_value=0, max_value=10**12 - 1))
def test_money_through_a_workbook_double_is_exact_to_the_penny(pennies):
    amount = Decimal(pennies).scaleb(-2)

    # The text openpyxl writes into the file for a number, as Excel and openpyxl read it back.
    assert Decimal(str(float(safe_string(amount)))) == amount


# Formula injection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+cmd", "'+cmd"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Plain text", "Plain text"),
        ("", ""),
    ],
)
def test_spreadsheet_safe_prefixes_text_that_could_start_a_formula(text, expected):
    assert spreadsheet_safe(text) == expected


@pytest.mark.parametrize(
    "value",
    [Decimal("-5.00"), Decimal("148000.00"), -3, 0, datetime.date(2020, 4, 1), None],
)
def test_spreadsheet_safe_leaves_numbers_dates_and_blanks_alone(value):
    assert spreadsheet_safe(value) is value


@given(text=st.text())
def test_spreadsheet_safe_never_returns_text_starting_a_formula(text):
    result = spreadsheet_safe(text)
    visible = "".join(c for c in text if c in "\t\r\n" or not (ord(c) < 32 or 127 <= ord(c) < 160))

    assert not result.lstrip().startswith(FORMULA_STARTS)
    assert result in (visible, "'" + visible)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('\x01=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("\x00\x1f+cmd", "'+cmd"),
        ("\x7f@SUM(A1)", "'@SUM(A1)"),
        ("  =1", "'  =1"),
        ("\n-1", "'\n-1"),
        ("a\x01b", "ab"),
    ],
)
def test_spreadsheet_safe_drops_control_characters_before_looking_for_a_formula(text, expected):
    assert spreadsheet_safe(text) == expected


FORMULA_MATERIAL = st.text(
    alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", " ", "a", "1"])
    | st.characters(max_codepoint=31)
    | st.characters(min_codepoint=127, max_codepoint=159),
    max_size=12,
)


@given(FORMULA_MATERIAL)
def test_xlsx_cell_built_from_control_and_formula_characters_is_never_a_formula(text):
    workbook = Workbook()
    workbook.active.append([spreadsheet_safe(text)])
    stream = io.BytesIO()
    workbook.save(stream)

    cell = load_workbook(io.BytesIO(stream.getvalue())).active["A1"]

    assert cell.data_type != "f"
    assert not str(cell.value or "").lstrip().startswith(FORMULA_STARTS)


@pytest.fixture
def hostile_round():
    """A round whose one application types formulas into its title and justifications."""
    round, criteria = panel_round(("1", "1", "1", "1"))
    application = panel_application(round, title='=HYPERLINK("http://evil")')
    BudgetLineFactory(
        application=application,
        year=1,
        category=BudgetCategory.STAFF,
        description="-1+1",
        amount=Decimal("1000.00"),
    )
    OtherFundingFactory(application=application, amount=Decimal("250.50"))
    review = panel_review(
        application, panel_reviewer(), dict(zip(criteria, [1, 2, 3, 4], strict=True))
    )
    for criterion, text in zip(criteria, ["+cmd", "-1+1", "@SUM(A1)", "\t=1"], strict=True):
        Score.objects.filter(review=review, criterion=criterion).update(justification=text)
    return round


@pytest.mark.django_db
def test_xlsx_neutralises_typed_formulas_but_keeps_numbers(hostile_round):
    sheets = workbook_rows(xlsx(hostile_round, anonymise=True))
    [application] = as_dicts(sheets["Applications"])
    [line] = as_dicts(sheets["Budget lines"])

    assert application["Scheme title"] == '\'=HYPERLINK("http://evil")'
    assert line["Description"] == "'-1+1"
    assert line["Line amount (£)"] == 1000
    assert application["Other funding (£)"] == 250.5
    assert [row["Justification"] for row in as_dicts(sheets["Scores"])] == [
        "'+cmd",
        "'-1+1",
        "'@SUM(A1)",
        "'\t=1",
    ]
    assert [row["Score"] for row in as_dicts(sheets["Scores"])] == [1, 2, 3, 4]


@pytest.mark.django_db
def test_xlsx_holds_no_formula_cells_for_typed_formulas(hostile_round):
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx(hostile_round, anonymise=True)))

    data_types = {cell.data_type for sheet in workbook for row in sheet.iter_rows() for cell in row}

    assert "f" not in data_types


@pytest.mark.django_db
def test_csv_neutralises_typed_formulas_but_keeps_numbers(hostile_round):
    files = csv_rows(csv_zip(hostile_round, anonymise=True))
    [application] = as_dicts(files["applications.csv"])
    [line] = as_dicts(files["budget_lines.csv"])

    assert application["Scheme title"] == '\'=HYPERLINK("http://evil")'
    assert line["Description"] == "'-1+1"
    assert line["Line amount (£)"] == "1000.00"
    assert application["Other funding (£)"] == "250.50"
    assert [row["Justification"] for row in as_dicts(files["scores.csv"])] == [
        "'+cmd",
        "'-1+1",
        "'@SUM(A1)",
        "'\t=1",
    ]


def test_csv_keeps_a_negative_number_a_number():
    # No money in the portal is negative, so the writer is checked directly.
    assert csv_bytes(["Amount", "Note"], [[Decimal("-5.00"), "-5.00"]]) == (
        "\ufeffAmount,Note\r\n-5.00,'-5.00\r\n".encode()
    )


# Reviewers anonymised or named ---------------------------------------------------------------


def reviewer_identities():
    reviewers = User.objects.filter(email__in=["reviewer1@example.org", "reviewer2@example.org"])
    return [value for user in reviewers for value in (user.full_name, user.email)]


def all_text(content, fmt):
    if fmt == "xlsx":
        sheets = workbook_rows(content)
        return "\n".join(str(value) for rows in sheets.values() for row in rows for value in row)
    files = csv_rows(content)
    return "\n".join(value for rows in files.values() for row in rows for value in row)


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["2018-19", "2020-22"])
def test_anonymised_exports_never_name_a_reviewer(code):
    round = demo_round(code)

    for fmt, content in [
        ("xlsx", xlsx(round, anonymise=True)),
        ("csv", csv_zip(round, anonymise=True)),
    ]:
        text = all_text(content, fmt)
        assert [identity for identity in reviewer_identities() if identity in text] == []


@pytest.mark.django_db
def test_anonymised_scores_letter_the_2018_19_reviewers_per_application():
    header, rows = score_rows(demo_round("2018-19"), anonymise=True)

    assert header == ["Reference", "Reviewer", "Criterion", "Score", "Justification"]
    assert sorted({row[1] for row in rows}) == ["Reviewer A", "Reviewer B"]
    assert len(rows) == 16


@pytest.mark.django_db
def test_named_scores_name_the_reviewers_who_submitted():
    header, rows = score_rows(demo_round("2020-22"), anonymise=False)
    reviewer1 = User.objects.get(email="reviewer1@example.org")

    # reviewer2's review is a draft, so only reviewer1's scores appear.
    assert {row[1] for row in rows} == {reviewer1.full_name}
    assert {row[0] for row in rows} == {"PS-2020-CAV-001"}


@pytest.mark.django_db
def test_named_xlsx_names_the_2018_19_reviewers():
    text = all_text(xlsx(demo_round("2018-19"), anonymise=False), "xlsx")
    names = {
        review_score.review.assignment.reviewer.full_name
        for review_score in Score.objects.filter(
            review__assignment__application__reference="PS-2018-HDD-001"
        ).select_related("review__assignment__reviewer")
    }

    assert len(names) == 2
    assert sorted(name for name in names if name in text) == sorted(names)


# Who may download ----------------------------------------------------------------------------


def export_urls(code="2020-22"):
    return [
        reverse("criteria:round_export", args=[code]),
        reverse("criteria:round_export_file", args=[code, "xlsx"]),
        reverse("criteria:round_export_file", args=[code, "csv"]) + "?reviewers=named",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("email", [MANAGER, ADMIN])
def test_export_pages_open_for_programme_managers(signed_in, email):
    client = signed_in(email)

    assert [client.get(url).status_code for url in export_urls()] == [200, 200, 200]


@pytest.mark.django_db
@pytest.mark.parametrize("email", NOT_ALLOWED)
def test_export_pages_refuse_everyone_else(signed_in, email):
    client = signed_in(email)

    assert [client.get(url).status_code for url in export_urls()] == [403, 403, 403]


@pytest.mark.django_db
def test_export_pages_send_signed_out_people_to_sign_in(client):
    responses = [client.get(url) for url in export_urls()]

    assert [response.status_code for response in responses] == [302, 302, 302]
    assert [response["Location"].split("?")[0] for response in responses] == [reverse("login")] * 3


@pytest.mark.django_db
def test_export_pages_unknown_round_is_404(signed_in):
    client = signed_in(MANAGER)

    assert [client.get(url).status_code for url in export_urls("1999-00")] == [404, 404, 404]


@pytest.mark.django_db
def test_export_file_unknown_format_is_404(signed_in):
    client = signed_in(MANAGER)

    response = client.get(reverse("criteria:round_export_file", args=["2020-22", "pdf"]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_export_file_is_an_attachment_with_a_safe_name(signed_in):
    client = signed_in(MANAGER)

    xlsx_response = client.get(reverse("criteria:round_export_file", args=["2020-22", "xlsx"]))
    csv_response = client.get(
        reverse("criteria:round_export_file", args=["2020-22", "csv"]) + "?reviewers=named"
    )

    assert xlsx_response["Content-Disposition"] == 'attachment; filename="pacesetter-2020-22.xlsx"'
    assert xlsx_response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert csv_response["Content-Disposition"] == (
        'attachment; filename="pacesetter-2020-22-named-reviewers.zip"'
    )
    assert list(workbook_rows(xlsx_response.content)) == SHEETS
    assert sorted(csv_rows(csv_response.content)) == sorted(CSV_FILES)


@pytest.mark.django_db
def test_export_file_letters_reviewers_unless_asked_to_name_them(signed_in):
    client = signed_in(MANAGER)
    url = reverse("criteria:round_export_file", args=["2020-22", "csv"])
    reviewer1 = User.objects.get(email="reviewer1@example.org")

    default = as_dicts(csv_rows(client.get(url).content)["scores.csv"])
    named = as_dicts(csv_rows(client.get(url + "?reviewers=named").content)["scores.csv"])

    assert {row["Reviewer"] for row in default} == {"Reviewer A"}
    assert {row["Reviewer"] for row in named} == {reviewer1.full_name}


@pytest.mark.django_db
def test_round_page_links_to_spreadsheets_for_managers_only(signed_in):
    url = reverse("schemes:round_detail", args=["2020-22"])
    link = reverse("criteria:round_export", args=["2020-22"])

    manager = BeautifulSoup(signed_in(MANAGER).get(url).content, "html.parser")
    chair = BeautifulSoup(signed_in("chair@example.org").get(url).content, "html.parser")

    # The panel's "Exports" step opens on its first export, the spreadsheets, and lists it.
    assert [a.get_text(strip=True) for a in manager.select(f'a[href="{link}"]')] == [
        "Exports",
        "Download spreadsheets",
    ]
    assert chair.select(f'a[href="{link}"]') == []


@pytest.mark.django_db
def test_export_page_links_to_each_download(signed_in):
    response = signed_in(MANAGER).get(reverse("criteria:round_export", args=["2020-22"]))
    soup = BeautifulSoup(response.content, "html.parser")

    assert [a["href"] for a in soup.select("#downloads-anonymised a, #downloads-named a")] == [
        "/rounds/2020-22/export/xlsx/?reviewers=anonymised&language=en",
        "/rounds/2020-22/export/csv/?reviewers=anonymised&language=en",
        "/rounds/2020-22/export/xlsx/?reviewers=named&language=en",
        "/rounds/2020-22/export/csv/?reviewers=named&language=en",
    ]


# The command ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["2018-19", "2020-22"])
def test_export_round_command_writes_a_workbook(tmp_path, code):
    output = tmp_path / "round.xlsx"
    stdout = io.StringIO()

    call_command("export_round", code, "--format", "xlsx", "--output", str(output), stdout=stdout)

    assert list(workbook_rows(output.read_bytes())) == SHEETS
    assert stdout.getvalue().startswith(f"Wrote {output} (")


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["2018-19", "2020-22"])
def test_export_round_command_writes_a_zip_of_csv_files(tmp_path, code):
    output = tmp_path / "round.zip"

    call_command(
        "export_round", code, "--format", "csv", "--output", str(output), stdout=io.StringIO()
    )

    files = csv_rows(output.read_bytes())
    assert sorted(files) == sorted(CSV_FILES)
    assert [row["Reference"] for row in as_dicts(files["applications.csv"])] == list(
        Application.objects.filter(round__code=code).values_list("reference", flat=True)
    )


@pytest.mark.django_db
def test_export_round_command_names_reviewers_when_asked(tmp_path):
    output = tmp_path / "round.zip"
    reviewer1 = User.objects.get(email="reviewer1@example.org")

    call_command(
        "export_round",
        "2020-22",
        "--format",
        "csv",
        "--output",
        str(output),
        "--named-reviewers",
        stdout=io.StringIO(),
    )

    scores = as_dicts(csv_rows(output.read_bytes())["scores.csv"])
    assert {row["Reviewer"] for row in scores} == {reviewer1.full_name}


@pytest.mark.django_db
def test_export_round_command_unknown_round_is_an_error(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_round", "1999-00", "--format", "xlsx", "--output", str(tmp_path / "x"))

    assert str(error.value) == "No round with code 1999-00."
    assert not (tmp_path / "x").exists()


@pytest.mark.django_db
def test_export_round_command_refuses_an_unknown_format(tmp_path):
    with pytest.raises(CommandError) as error:
        call_command("export_round", "2020-22", "--format", "doc", "--output", str(tmp_path / "x"))

    assert str(error.value) == (
        "Error: argument --format: invalid choice: 'doc' "
        "(choose from 'pdf', 'committee', 'xlsx', 'csv', 'monitoring')"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["pdf", "committee"])
def test_export_round_command_writes_the_pack_and_the_committee_paper(tmp_path, fmt, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    output = tmp_path / f"2018-19-{fmt}.pdf"

    call_command("export_round", "2018-19", "--format", fmt, "--output", str(output))

    assert output.read_bytes().startswith(b"%PDF-")


# A fixed number of queries -------------------------------------------------------------------


def busy_round(applications):
    """A round with `applications` scored, budgeted, other-funded and decided applications."""
    round, criteria = panel_round(("1", "2"))
    reviewers = [panel_reviewer(), panel_reviewer()]
    decider = User.objects.get(email=MANAGER)
    for _index in range(applications):
        application = panel_application(round, status=ApplicationStatus.APPROVED)
        BudgetLineFactory(application=application, year=1, amount=Decimal("100.00"))
        BudgetLineFactory(application=application, year=2, amount=Decimal("200.00"))
        OtherFundingFactory(application=application)
        for reviewer in reviewers:
            panel_review(application, reviewer, {criteria[0]: 3, criteria[1]: 4})
        Decision.objects.create(
            application=application,
            outcome=DecisionOutcome.APPROVED,
            approved_amount=Decimal("300.00"),
            decided_by=decider,
            decided_on=datetime.date(2021, 3, 1),
        )
    return round


def query_count(function):
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sheet",
    [
        applications_rows,
        decision_rows,
        lambda round: score_rows(round, anonymise=True),
        lambda round: score_rows(round, anonymise=False),
    ],
)
def test_sheets_run_in_a_fixed_number_of_queries(sheet):
    small, large = busy_round(3), busy_round(30)

    small_count = query_count(lambda: sheet(small))
    large_count = query_count(lambda: sheet(large))

    assert large_count == small_count
    assert len(sheet(large)[1]) == len(sheet(small)[1]) * 10


@pytest.mark.django_db
def test_applications_rows_count_the_queries_exactly(django_assert_num_queries):
    round = busy_round(30)

    # Applications with organisation and decision, budget lines, other funding; then the
    # six queries of round_scores working the round out (none once it is kept).
    with django_assert_num_queries(9):
        header, rows = applications_rows(round)

    assert len(rows) == 30
    assert [money(value) for value in rows[0][7:10]] == [
        Decimal("100.00"),
        Decimal("200.00"),
        Decimal("300.00"),
    ]


@pytest.fixture
def control_character_round():
    """A round whose application starts its words with a control character, then a formula."""
    round, criteria = panel_round(("1",))
    application = panel_application(round, title='\x01=HYPERLINK("http://evil","Open")')
    BudgetLineFactory(
        application=application,
        year=1,
        category=BudgetCategory.STAFF,
        description="\x02+1",
        comment="\x1f@SUM(A1)",
        amount=Decimal("1000.00"),
    )
    review = panel_review(application, panel_reviewer(), {criteria[0]: 3})
    # No NUL here: PostgreSQL cannot store it, and every form refuses it before it gets there.
    Score.objects.filter(review=review).update(justification="\x7f\x1b-2+3")
    return round


@pytest.mark.django_db
def test_xlsx_download_of_control_characters_then_a_formula_holds_no_formula(
    signed_in, control_character_round
):
    url = reverse("criteria:round_export_file", args=[control_character_round.code, "xlsx"])

    content = signed_in(MANAGER).get(url).getvalue()

    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheets = workbook_rows(content)
    [application] = as_dicts(sheets["Applications"])
    [line] = as_dicts(sheets["Budget lines"])
    [score] = as_dicts(sheets["Scores"])
    assert "f" not in {cell.data_type for sheet in workbook for row in sheet for cell in row}
    assert application["Scheme title"] == '\'=HYPERLINK("http://evil","Open")'
    assert (line["Description"], line["Comment"]) == ("'+1", "'@SUM(A1)")
    assert score["Justification"] == "'-2+3"
