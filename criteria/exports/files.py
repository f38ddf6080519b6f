"""Write a round's sheets as an XLSX workbook or a ZIP of CSV files.

Every cell passes through `pacesetter.spreadsheets.spreadsheet_safe()` first, so nothing a
person typed can run as a formula when the file is opened in a spreadsheet program, whatever
the order of its characters. Numbers and dates are never touched: a negative amount stays a
number.

Money in the workbook is stored as numbers (so sums work in Excel) with the format
'#,##0.00'. openpyxl writes a Decimal as the text of its nearest double ("%.16g"), and a
double holds any amount of up to 15 significant digits (£9,999,999,999,999.99) closely enough
that it shows, and reads back, as exactly the same pounds and pence; the portal's amounts
have at most 12 digits (`MONEY` in `schemes.models.applications`).
"""

import csv
import io
import zipfile

from django.utils.translation import gettext as _

from criteria.exports.sheets import (
    applications_rows,
    budget_line_rows,
    decision_rows,
    measure_value_rows,
    milestone_rows,
    monitoring_report_rows,
    overview_rows,
    score_rows,
    spend_line_rows,
    spend_position_rows,
)
from pacesetter.spreadsheets import XLSX_TYPE, spreadsheet_safe, workbook_bytes
from schemes.domain.monitoring.overview import funded_schemes

XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)
CONTENT_TYPES = {
    XLSX: XLSX_TYPE,
    CSV: "application/zip",
}
EXTENSIONS = {XLSX: "xlsx", CSV: "zip"}


def round_sheets(round, *, anonymise):
    """Return (file stem, sheet title, header, rows) for each of the round's sheets.

    The four appraisal sheets, then the round's monitoring sheets (`monitoring_sheets`).
    """
    return [
        ("applications", _("Applications"), *applications_rows(round)),
        ("budget_lines", _("Budget lines"), *budget_line_rows(round)),
        ("scores", _("Scores"), *score_rows(round, anonymise=anonymise)),
        ("decisions", _("Decisions"), *decision_rows(round)),
        *monitoring_sheets(funded_schemes().filter(round=round)),
    ]


def monitoring_sheets(schemes):
    """Return the monitoring sheets of `schemes` (funded schemes, of a round or of them all)."""
    return [
        ("overview", _("Overview of Pacesetters"), *overview_rows(schemes)),
        ("reports", _("Quarterly reports"), *monitoring_report_rows(schemes)),
        ("spend_lines", _("Spend lines"), *spend_line_rows(schemes)),
        ("spend_against_budget", _("Spend against budget"), *spend_position_rows(schemes)),
        ("measure_values", _("Measure values"), *measure_value_rows(schemes)),
        ("milestones", _("Milestones"), *milestone_rows(schemes)),
    ]


def filename(round, fmt, *, anonymise=True):
    """Return the download's file name, e.g. pacesetter-2020-22.xlsx (round codes are slugs)."""
    suffix = "" if anonymise else "-named-reviewers"
    return f"pacesetter-{round.code}{suffix}.{EXTENSIONS[fmt]}"


def csv_bytes(header, rows):
    """Return one sheet as CSV: UTF-8 with a byte order mark, so Excel reads Welsh letters."""
    text = io.StringIO()
    writer = csv.writer(text)
    for row in [header, *rows]:
        writer.writerow(["" if value is None else spreadsheet_safe(value) for value in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def csv_zip(round, *, anonymise):
    """Return the round's sheets as CSV files (applications.csv …) in one ZIP."""
    return zip_bytes(round_sheets(round, anonymise=anonymise))


def zip_bytes(sheets):
    """Return `sheets` ((stem, title, header, rows) each) as CSV files <stem>.csv in one ZIP."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for stem, _title, header, rows in sheets:
            archive.writestr(f"{stem}.csv", csv_bytes(header, rows))
    return buffer.getvalue()


def xlsx(round, *, anonymise):
    """Return the round's sheets as one workbook: bold frozen headers, money as numbers."""
    return workbook_bytes(
        _("%(round)s: applications, budget lines, scores, decisions, monitoring")
        % {"round": round.name},
        round_sheets(round, anonymise=anonymise),
    )


def monitoring_xlsx(schemes, title):
    """Return only the monitoring sheets of `schemes` as one workbook."""
    return workbook_bytes(title, monitoring_sheets(schemes))


def monitoring_export(schemes, fmt, *, title):
    """Return the monitoring sheets of `schemes` in `fmt` (a workbook, or a ZIP of CSV files)."""
    if fmt == XLSX:
        return monitoring_xlsx(schemes, title)
    if fmt == CSV:
        return zip_bytes(monitoring_sheets(schemes))
    raise ValueError(f"unknown spreadsheet format {fmt!r}")


def programme_filename(fmt):
    """Return the programme-wide download's file name, e.g. pacesetter-monitoring.xlsx."""
    return f"pacesetter-monitoring.{EXTENSIONS[fmt]}"


def export(round, fmt, *, anonymise=True):
    """Return the round's spreadsheets in `fmt` ("xlsx" or "csv", a ZIP of CSV files)."""
    if fmt == XLSX:
        return xlsx(round, anonymise=anonymise)
    if fmt == CSV:
        return csv_zip(round, anonymise=anonymise)
    raise ValueError(f"unknown spreadsheet format {fmt!r}")
