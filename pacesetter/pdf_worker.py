"""Loaded by the PDF fork server before it forks render workers (`pacesetter.pdf.RenderPool`).

Importing this module imports WeasyPrint and parses the portal's user-agent stylesheet once,
so that every worker forked from the server starts with both ready.
"""

from pacesetter.pdf import _lean_ua_stylesheet

_lean_ua_stylesheet()
