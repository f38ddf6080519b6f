"""Cells of every spreadsheet the portal writes (XLSX and CSV): shown, never run.

`spreadsheet_safe` is the one guard. It drops control characters first (XML cannot hold
most of them, and a spreadsheet program ignores them), and only then looks for a formula, so
no order of characters can put a live formula in a cell: "\x01=HYPERLINK(...)" becomes
"'=HYPERLINK(...)".
"""

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
