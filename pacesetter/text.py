"""Plain text typed by people, rendered as safe GOV.UK HTML.

Blank lines separate blocks; lines starting with "• ", "- " or "* " are list items. Every
piece of text is escaped; nothing typed is ever interpreted as HTML.
"""

from collections.abc import Callable

from django.utils.html import escape
from django.utils.safestring import mark_safe

BULLETS = ("• ", "- ", "* ")


def _bullet_text(line: str) -> str | None:
    stripped = line.strip()
    for bullet in BULLETS:
        if stripped.startswith(bullet):
            return stripped[len(bullet) :]
    return None


def render_paragraphs(text: str, inline: Callable[[str], str] = escape) -> str:
    """Return `text` as paragraphs and bullet lists; `inline` escapes (and styles) a line."""
    if not text:
        return ""
    html: list[str] = []
    prose: list[str] = []
    items: list[str] = []

    def flush():
        if prose:
            html.append('<p class="govuk-body">' + "<br>".join(inline(p) for p in prose) + "</p>")
            prose.clear()
        if items:
            html.append(
                '<ul class="govuk-list govuk-list--bullet">'
                + "".join(f"<li>{inline(item)}</li>" for item in items)
                + "</ul>"
            )
            items.clear()

    for line in str(text).replace("\r\n", "\n").split("\n"):
        if not line.strip():
            flush()
            continue
        item = _bullet_text(line)
        if item is None:
            if items:
                flush()
            prose.append(line.strip())
        else:
            if prose:
                flush()
            items.append(item)
    flush()
    return mark_safe("".join(html))  # noqa: S308 - every piece went through `inline`
