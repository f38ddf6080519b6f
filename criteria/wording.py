"""Criterion wording: the seeds mark key phrases in bold, written here as **key phrase**."""

import functools
import re

from django.utils.html import escape

from pacesetter.text import render_paragraphs

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def key_phrases(wording: str) -> list[str]:
    """Return the bold key phrases of a criterion's wording, in order."""
    return [match.strip() for match in _BOLD.findall(wording)]


def plain(wording: str) -> str:
    """Return the wording without its bold markers."""
    return _BOLD.sub(r"\1", wording)


def _bold_inline(line: str) -> str:
    pieces = line.split("**")
    if len(pieces) % 2 == 0:  # an unpaired marker: show the line as typed, nothing bold
        return escape(line)
    return "".join(
        f'<strong class="app-criterion__key-phrase">{escape(piece)}</strong>'
        if index % 2
        else escape(piece)
        for index, piece in enumerate(pieces)
    )


@functools.lru_cache(maxsize=1024)
def as_html(wording: str) -> str:
    """Return the wording as safe HTML: escaped, bullets as lists, key phrases in <strong>.

    Kept per process by the wording itself (a pure function of it): a score sheet draws
    every criterion of its set on every request.
    """
    return render_paragraphs(wording, inline=_bold_inline)
