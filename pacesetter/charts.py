"""Charts the portal draws itself: self-contained inline SVG for pages and PDFs.

Every function is pure and deterministic (same input, same string), so a chart can be tested
exactly and cached. The SVG carries no scripts, styles, fonts or images: sizes are explicit,
text uses FONT, and every piece of text is XML-escaped before `mark_safe`. Each chart has
role="img" and is labelled by its <title> and a <desc> that states its numbers in words;
pages also show the same numbers as a table. Meaning never rests on colour alone: bars carry
their series name and value, ticked cells a drawn tick mark and counts are written out.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"
TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
GRID = "#b1b4b6"
BLUE = "#1d70b8"
LIGHT = "#f3f2f1"
HIGHLIGHT = "#fff7bf"
# Solid blue, white with a black outline, solid dark grey: told apart without colour vision.
SERIES_STYLES = (
    {"fill": BLUE, "stroke": BLUE},
    {"fill": "#ffffff", "stroke": TEXT},
    {"fill": SECONDARY_TEXT, "stroke": SECONDARY_TEXT},
)
# Characters XML 1.0 forbids even when escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# An average glyph is about 0.55 em wide in Liberation Sans; used to size label columns.
GLYPH_WIDTH = 0.55
# The smallest text a chart draws, at its natural size (charts are never drawn smaller on a
# 1280 px screen: they fit the page column or scroll in their region), and the line spacing.
TEXT_SIZE = 14
LINE_HEIGHT = 18


@dataclass(frozen=True)
class Series:
    """A named run of values, one per category (None where there is no value)."""

    name: str
    values: Sequence


def text(value) -> str:
    """Return `value` as text safe inside an XML element or a double-quoted attribute."""
    return escape(_NOT_XML.sub("", str(value)), {'"': "&quot;", "'": "&apos;"})


def wrap(value, limit):
    """Return `value` as lines of at most `limit` characters, broken between words.

    Nothing is cut: a word longer than a line is broken across lines.
    """
    lines, line = [], ""
    for word in str(value).split():
        while len(word) > limit:
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:limit])
            word = word[limit:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= limit:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _number(value):
    """Format a coordinate: integers bare, otherwise one decimal place."""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _label(x, y, content, *, size=TEXT_SIZE, anchor="start", weight=None, fill=TEXT, extra=""):
    bold = f' font-weight="{weight}"' if weight else ""
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" font-size="{size}" text-anchor="{anchor}"'
        f'{bold} fill="{fill}"{extra}>{text(content)}</text>'
    )


def _lines(x, y, lines, *, size=TEXT_SIZE, anchor="start", weight=None, fill=TEXT):
    """One <text> of `lines`, the first on baseline `y`; a line each in a <tspan> if several."""
    if len(lines) == 1:
        return _label(x, y, lines[0], size=size, anchor=anchor, weight=weight, fill=fill)
    bold = f' font-weight="{weight}"' if weight else ""
    spans = "".join(
        f'<tspan x="{_number(x)}" dy="{0 if index == 0 else LINE_HEIGHT}">{text(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" font-size="{size}" text-anchor="{anchor}"'
        f'{bold} fill="{fill}">{spans}</text>'
    )


def _svg(*, chart_id, width, height, title, description, body):
    """Wrap `body` in the <svg> element with its accessible name and description."""
    return mark_safe(  # noqa: S308 - every text piece went through text()
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_number(width)}" '
        f'height="{_number(height)}" viewBox="0 0 {_number(width)} {_number(height)}" '
        f'role="img" aria-labelledby="{text(chart_id)}-title {text(chart_id)}-desc" '
        f'font-family="{FONT}" id="{text(chart_id)}">'
        f'<title id="{text(chart_id)}-title">{text(title)}</title>'
        f'<desc id="{text(chart_id)}-desc">{text(description)}</desc>'
        f'<rect x="0" y="0" width="{_number(width)}" height="{_number(height)}" fill="#ffffff"/>'
        f"{_label(0, 20, title, size=16, weight='bold')}"
        f"{''.join(body)}</svg>"
    )


def _text_width(content, size):
    return len(str(content)) * size * GLYPH_WIDTH


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    value_format: Callable[[object], str],
    reference_lines: Series | None = None,
    note: str = "",
    chart_id: str = "bar-chart",
    width: int = 860,
) -> SafeString:
    """Return horizontal grouped bars: one group per category, one bar per series.

    Each bar is followed by its series name and formatted value. `reference_lines` gives a
    dashed marker per category (None for no marker), e.g. an indicative share, named and
    valued under the group. `note` is a line under the title, e.g. the envelope.
    """
    bar_height, bar_gap, group_gap, size, label_limit = 18, 4, 18, TEXT_SIZE, 36
    references = list(reference_lines.values) if reference_lines else [None] * len(categories)
    values = [value for each in series for value in each.values if value is not None]
    values += [value for value in references if value is not None]
    largest = max(values, default=0) or 1
    label_width = (
        max(
            (_text_width(line, size) for category in categories for line in wrap(category, 36)),
            default=0,
        )
        + 16
    )
    value_width = (
        max(
            (
                _text_width(f"{each.name}: {value_format(value)}", size)
                for each in series
                for value in each.values
                if value is not None
            ),
            default=0,
        )
        + 12
    )
    plot_left = label_width
    plot_width = max(width - label_width - value_width, 120)
    top = 36 + (22 if note else 0) + 22  # title, note, legend

    def x_of(value):
        return plot_left + plot_width * float(value) / float(largest)

    body = []
    if note:
        body.append(_label(0, 42, note, size=size, fill=SECONDARY_TEXT))
    legend_y = top - 16
    legend_x = 0
    for index, each in enumerate(series):
        style = SERIES_STYLES[index % len(SERIES_STYLES)]
        body.append(
            f'<rect x="{_number(legend_x)}" y="{_number(legend_y - 11)}" width="14" height="14" '
            f'fill="{style["fill"]}" stroke="{style["stroke"]}" stroke-width="1.5"/>'
        )
        body.append(_label(legend_x + 20, legend_y, each.name, size=size))
        legend_x += 20 + _text_width(each.name, size) + 24
    if reference_lines and any(value is not None for value in references):
        body.append(
            f'<line x1="{_number(legend_x + 7)}" y1="{_number(legend_y - 13)}" '
            f'x2="{_number(legend_x + 7)}" y2="{_number(legend_y + 4)}" stroke="{TEXT}" '
            'stroke-width="2" stroke-dasharray="4 3"/>'
        )
        body.append(_label(legend_x + 16, legend_y, reference_lines.name, size=size))
    y = top + 8
    axis_top = y - 4
    descriptions = []
    for position, category in enumerate(categories):
        group_top = y
        parts = []
        for index, each in enumerate(series):
            style = SERIES_STYLES[index % len(SERIES_STYLES)]
            value = each.values[position]
            if value is not None:
                bar_width = x_of(value) - plot_left
                body.append(
                    f'<rect x="{_number(plot_left)}" y="{_number(y)}" '
                    f'width="{_number(bar_width)}" height="{bar_height}" fill="{style["fill"]}" '
                    f'stroke="{style["stroke"]}" stroke-width="1.5"/>'
                )
                shown = f"{each.name}: {value_format(value)}"
                body.append(_label(plot_left + bar_width + 6, y + 14, shown, size=size))
                parts.append(shown)
            y += bar_height + bar_gap
        reference = references[position]
        if reference is not None:
            x = x_of(reference)
            body.append(
                f'<line x1="{_number(x)}" y1="{_number(group_top - 4)}" x2="{_number(x)}" '
                f'y2="{_number(y)}" stroke="{TEXT}" stroke-width="2" stroke-dasharray="4 3"/>'
            )
            shown = f"{reference_lines.name}: {value_format(reference)}"
            body.append(_label(plot_left + 6, y + 13, shown, size=size, fill=SECONDARY_TEXT))
            parts.append(shown)
            y += 18
        lines = wrap(category, label_limit)
        # A long name's lines need room: the group grows rather than the name being cut.
        y = max(y, group_top + len(lines) * LINE_HEIGHT + bar_gap)
        middle = (group_top + y - bar_gap) / 2
        first = middle + 5 - (len(lines) - 1) * LINE_HEIGHT / 2
        body.append(_lines(plot_left - 8, first, lines, size=size, anchor="end"))
        descriptions.append(f"{category}: {', '.join(parts) or _('no value')}.")
        y += group_gap
    axis_bottom = y - group_gap + 4
    body.append(
        f'<line x1="{_number(plot_left)}" y1="{_number(axis_top)}" x2="{_number(plot_left)}" '
        f'y2="{_number(axis_bottom)}" stroke="{GRID}" stroke-width="1"/>'
    )
    description = " ".join(filter(None, [note, *descriptions])) or _("No figures to show.")
    return _svg(
        chart_id=chart_id,
        width=width,
        height=axis_bottom + 12,
        title=title,
        description=description,
        body=body,
    )


@dataclass(frozen=True)
class HeatMapRow:
    """One row of a heat map: the group it sits under (e.g. its framework) and its label."""

    group: str
    label: str


def tick_count_label(count):
    """The words at the end of a heat-map row: the count, and "none" when it is zero."""
    return _("0 (none)") if count == 0 else str(count)


def heat_map(
    *,
    title: str,
    rows: Sequence[HeatMapRow],
    columns: Sequence[str],
    cells: Sequence[Sequence[bool]],
    count_heading: str = "",
    chart_id: str = "heat-map",
) -> SafeString:
    """Return a grid of rows by columns: a shaded cell with a drawn tick where marked.

    Rows are shown under a heading per group, in the order given. Each row ends with how many
    columns marked it; a row nobody marked reads "0 (none)" on a highlighted band, so rarely
    chosen rows stand out.
    """
    size, cell, row_height, label_limit = TEXT_SIZE, 26, 26, 52
    count_heading = count_heading or _("Ticked by")
    label_width = (
        max(
            [_text_width(line, size) for row in rows for line in wrap(row.label, label_limit)]
            + [_text_width(line, size) for row in rows for line in wrap(row.group, label_limit)]
            + [0]
        )
        + 12
    )
    header_height = max((_text_width(column, size) for column in columns), default=0) * 0.75 + 24
    grid_left = label_width
    count_left = grid_left + cell * len(columns) + 12
    count_width = max(_text_width(count_heading, size), _text_width(_("0 (none)"), size)) + 12
    width = count_left + count_width
    top = 36 + header_height
    body = []
    for index, column in enumerate(columns):
        x = grid_left + index * cell + cell / 2 + 4
        body.append(
            _label(
                x,
                top - 8,
                column,
                size=size,
                extra=f' transform="rotate(-50 {_number(x)} {_number(top - 8)})"',
            )
        )
    body.append(_label(count_left, top - 8, count_heading, size=size, weight="bold"))
    y = top
    group = None
    unticked = []
    descriptions = []
    for row, marks in zip(rows, cells, strict=True):
        if row.group != group:
            group = row.group
            y += 6
            heading = wrap(group, label_limit)
            body.append(_lines(0, y + 16, heading, size=size, weight="bold"))
            y += row_height + (len(heading) - 1) * LINE_HEIGHT
        count = sum(1 for mark in marks if mark)
        lines = wrap(row.label, label_limit)
        height = row_height + (len(lines) - 1) * LINE_HEIGHT
        if count == 0:
            unticked.append(row.label)
            body.append(
                f'<rect x="0" y="{_number(y)}" width="{_number(width)}" '
                f'height="{height}" fill="{HIGHLIGHT}"/>'
            )
        body.append(_lines(8, y + 17, lines, size=size))
        for index, mark in enumerate(marks):
            x = grid_left + index * cell
            body.append(
                f'<rect x="{_number(x + 1)}" y="{_number(y + 1)}" width="{cell - 2}" '
                f'height="{height - 2}" fill="{BLUE if mark else LIGHT}" stroke="{GRID}" '
                'stroke-width="1"/>'
            )
            if mark:
                body.append(
                    f'<path d="M{_number(x + 7)} {_number(y + 13)} l5 5 l9 -10" fill="none" '
                    'stroke="#ffffff" stroke-width="3"/>'
                )
        body.append(
            _label(
                count_left,
                y + 17,
                tick_count_label(count),
                size=size,
                weight="bold" if count == 0 else None,
            )
        )
        descriptions.append(f"{row.label}: {tick_count_label(count)}")
        y += height
    summary = _("%(rows)s rows by %(columns)s columns.") % {
        "rows": len(rows),
        "columns": len(columns),
    }
    if unticked:
        summary += " " + _("Not ticked by any: %(labels)s.") % {"labels": "; ".join(unticked)}
    description = f"{summary} {count_heading}: {'; '.join(descriptions)}."
    return _svg(
        chart_id=chart_id,
        width=width,
        height=y + 12,
        title=title,
        description=description,
        body=body,
    )


def small_multiples(
    *,
    title: str,
    bins: Sequence[str],
    panels: Sequence[tuple[str, Sequence[int]]],
    bin_caption: str = "",
    chart_id: str = "small-multiples",
    per_row: int = 7,
) -> SafeString:
    """Return one small column chart per panel, on a shared scale, with every count written.

    `bins` names the columns (e.g. the scale points 0-5); each panel is (label, counts) with
    one count per bin. Counts of zero are written too, so an empty column reads as 0.
    """
    column, gap, plot_height, size, label_limit = 18, 3, 60, TEXT_SIZE, 12
    panel_width = len(bins) * (column + gap) + 24
    # Every panel's name is written whole, on as many lines as the longest needs.
    label_lines = max((len(wrap(label, label_limit)) for label, _counts in panels), default=1)
    label_extra = (label_lines - 1) * LINE_HEIGHT
    panel_height = plot_height + 72 + label_extra
    largest = max((count for _name, counts in panels for count in counts), default=0) or 1
    rows = max(1, -(-len(panels) // per_row))
    width = max(min(len(panels), per_row), 1) * panel_width
    top = 36 + (18 if bin_caption else 0)
    body = []
    if bin_caption:
        body.append(_label(0, 42, bin_caption, size=size, fill=SECONDARY_TEXT))
    descriptions = []
    for position, (label, counts) in enumerate(panels):
        left = (position % per_row) * panel_width + 8
        panel_top = top + (position // per_row) * panel_height
        base = panel_top + 36 + label_extra + plot_height
        body.append(
            _lines(left, panel_top + 14, wrap(label, label_limit), size=size, weight="bold")
        )
        body.append(
            f'<line x1="{_number(left)}" y1="{_number(base)}" '
            f'x2="{_number(left + len(bins) * (column + gap))}" y2="{_number(base)}" '
            f'stroke="{TEXT}" stroke-width="1"/>'
        )
        for index, (name, count) in enumerate(zip(bins, counts, strict=True)):
            x = left + index * (column + gap)
            bar = plot_height * count / largest
            if count:
                body.append(
                    f'<rect x="{_number(x)}" y="{_number(base - bar)}" width="{column}" '
                    f'height="{_number(bar)}" fill="{BLUE}"/>'
                )
            body.append(_label(x + column / 2, base - bar - 3, count, size=size, anchor="middle"))
            body.append(
                _label(
                    x + column / 2, base + 13, name, size=size, anchor="middle", fill=SECONDARY_TEXT
                )
            )
        given = ", ".join(
            _("%(count)s at %(bin)s") % {"count": count, "bin": name}
            for name, count in zip(bins, counts, strict=True)
            if count
        )
        descriptions.append(f"{label}: {given or _('none')}.")
    return _svg(
        chart_id=chart_id,
        width=width,
        height=top + rows * panel_height,
        title=title,
        description=" ".join(filter(None, [bin_caption, *descriptions])) or _("No figures."),
        body=body,
    )
