"""Spreadsheet exports of a round: applications, budget lines, scores and decisions.

`sheets` turns the database into header rows and rows of plain values (Decimal money, dates,
ints, text); `files` writes them as an XLSX workbook or a ZIP of CSV files, neutralising every
text cell against formula injection on the way out.
"""
