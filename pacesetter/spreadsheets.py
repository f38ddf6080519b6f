"""Cells of every spreadsheet the portal writes (XLSX and CSV): shown, never run.

`spreadsheet_safe` is the one guard. It drops control characters first (XML cannot hold
most of them, and a spreadsheet program ignores them), and only then looks for a formula, so
no order of characters can put a live formula in a cell: "\x01=HYPERLINK(...)" becomes
"'=HYPERLINK(...)".
"""

import datetime
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Money is stored as numbers (so sums work) shown to the penny; dates as dates.
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"

# Characters that make a spreadsheet program read a cell as a formula (OWASP, "CSV Injection");
# a tab or carriage return first can hide one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KEPT_CONTROLS = {"\t", "\r", "\n"}


def _is_dropped(character):
    code = ord(character)
    return character not in KEPT_CONTROLS and (code < 32 or 127 <= code < 160)


def spreadsheet_safe(value):
    """Return `value` as a spreadsheet shows it and never runs it.

    Text loses its control characters other than tab and line breaks; then text that starts
    with a formula character, even after spaces or line breaks, gets a leading apostrophe.
    Anything that is not text (numbers, dates, None) is returned as it is.
    """
    if not isinstance(value, str):
        return value
    text = "".join(character for character in value if not _is_dropped(character))
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def workbook_bytes(title, sheets):
    """Return `sheets` ((stem, title, header, rows) each) as an XLSX workbook."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = title
    workbook.properties.creator = "Pacesetter portal"
    workbook.properties.created = timezone.now().replace(tzinfo=None)
    bold = Font(bold=True)
    for _stem, sheet_title, header, rows in sheets:
        sheet = workbook.create_sheet(title=sheet_title)
        sheet.append([spreadsheet_safe(value) for value in header])
        for cell in sheet[1]:
            cell.font = bold
        sheet.freeze_panes = "A2"
        for row in rows:
            sheet.append([spreadsheet_safe(value) for value in row])
            for cell, value in zip(sheet[sheet.max_row], row, strict=True):
                if isinstance(value, Decimal):
                    cell.number_format = MONEY_FORMAT
                elif isinstance(value, datetime.date):
                    cell.number_format = DATE_FORMAT
        for column, value in enumerate(header, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = max(
                12, min(40, len(value) + 2)
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
