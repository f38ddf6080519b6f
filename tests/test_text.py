"""Typed text becomes safe HTML: paragraphs, bullet lists, bold key phrases, nothing else."""

from hypothesis import given
from hypothesis import strategies as st

from criteria.wording import as_html, key_phrases, plain
from pacesetter.templatetags.portal import money, paragraphs


def test_paragraphs_splits_blocks_and_bullets():
    html = paragraphs("First line\nsecond line\n\n• one\n• two\n\nLast")

    assert html == (
        '<p class="govuk-body">First line<br>second line</p>'
        '<ul class="govuk-list govuk-list--bullet"><li>one</li><li>two</li></ul>'
        '<p class="govuk-body">Last</p>'
    )


def test_paragraphs_escapes_markup():
    assert paragraphs('<b onclick="x">hi</b>') == (
        '<p class="govuk-body">&lt;b onclick=&quot;x&quot;&gt;hi&lt;/b&gt;</p>'
    )


@given(st.text())
def test_paragraphs_never_lets_typed_markup_through(typed):
    html = paragraphs(typed)

    for tag in ("<p", "<ul", "<li", "<br"):
        html = html.replace(tag, "")
    stripped = html.replace("</p>", "").replace("</ul>", "").replace("</li>", "")
    assert "<" not in stripped.replace('class="govuk-body">', "").replace(
        'class="govuk-list govuk-list--bullet">', ""
    )


def test_criterion_wording_bolds_key_phrases_and_escapes_the_rest():
    wording = "national **priorities & aims** namely <the> **model**"

    assert key_phrases(wording) == ["priorities & aims", "model"]
    assert plain(wording) == "national priorities & aims namely <the> model"
    assert as_html(wording) == (
        '<p class="govuk-body">national <strong class="app-criterion__key-phrase">priorities'
        ' &amp; aims</strong> namely &lt;the&gt; <strong class="app-criterion__key-phrase">'
        "model</strong></p>"
    )


def test_criterion_wording_with_an_unpaired_marker_shows_it_as_typed():
    assert as_html("a ** b") == '<p class="govuk-body">a ** b</p>'


def test_money_formats_to_the_penny_with_separators():
    assert money("1047000") == "£1,047,000.00"
    assert money("0.5") == "£0.50"
    assert money("-12.345") == "-£12.35"
    assert money(None) == ""
