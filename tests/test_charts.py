"""Charts drawn by the portal: the SVG functions, the round figures they draw, and the page."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.cache import caches

from criteria import charts as round_charts
from pacesetter.charts import HeatMapRow, Series, bar_chart, heat_map, small_multiples
from pacesetter.money import format_pounds
from schemes.models import Round, StrategicComponent
from tests.factories import OrganisationFactory
from tests.test_ranking import grow, scored_round, submitted

SVG = "{http://www.w3.org/2000/svg}"
MANAGER = "manager@example.org"
CHAIR = "chair@example.org"
HOSTILE = "<script>alert('x')</script> & \"Ltd\" ]]>"


def parsed(svg):
    return ET.fromstring(str(svg))  # noqa: S314 - the portal's own SVG


def texts(svg):
    """Each <text>'s words: a wrapped label's lines (its <tspan>s) joined by spaces."""
    return [
        element.text
        if element.text is not None
        else " ".join(span.text for span in element.iter(f"{SVG}tspan"))
        for element in parsed(svg).iter(f"{SVG}text")
    ]


def lines(svg, index):
    """The lines of the `index`th <text>: its <tspan>s, or its one line."""
    element = list(parsed(svg).iter(f"{SVG}text"))[index]
    spans = [span.text for span in element.iter(f"{SVG}tspan")]
    return spans or [element.text]


def description(svg):
    return parsed(svg).find(f"{SVG}desc").text


def money_chart(categories=("Hywel Dda", "Powys")):
    return bar_chart(
        title="Money",
        categories=list(categories),
        series=[
            Series("Requested", [Decimal("488000.00"), Decimal("1000.00")]),
            Series("Approved", [Decimal("488000.00"), Decimal("0.00")]),
        ],
        value_format=format_pounds,
        reference_lines=Series("Indicative share", [Decimal("300000.00"), None]),
        note="Envelope £1,000,000.00.",
    )


# The SVG functions -----------------------------------------------------------------------------


def test_bar_chart_writes_every_series_value_and_share():
    svg = money_chart()

    assert texts(svg) == [
        "Money",
        "Envelope £1,000,000.00.",
        "Requested",
        "Approved",
        "Indicative share",
        "Requested: £488,000.00",
        "Approved: £488,000.00",
        "Indicative share: £300,000.00",
        "Hywel Dda",
        "Requested: £1,000.00",
        "Approved: £0.00",
        "Powys",
    ]
    assert description(svg) == (
        "Envelope £1,000,000.00. Hywel Dda: Requested: £488,000.00, Approved: £488,000.00, "
        "Indicative share: £300,000.00. Powys: Requested: £1,000.00, Approved: £0.00."
    )


def test_bar_chart_is_labelled_by_its_title_and_description():
    root = parsed(money_chart())

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "bar-chart-title bar-chart-desc"
    assert root.find(f"{SVG}title").get("id") == "bar-chart-title"
    assert root.find(f"{SVG}title").text == "Money"
    assert root.find(f"{SVG}desc").get("id") == "bar-chart-desc"
    assert root.get("font-family") == "Liberation Sans, DejaVu Sans, Arial, sans-serif"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"


def test_bar_chart_is_the_same_string_for_the_same_figures():
    assert str(money_chart()) == str(money_chart())


def test_bar_chart_draws_bars_in_proportion_to_the_largest_value():
    root = parsed(money_chart())
    widths = [
        float(rect.get("width")) for rect in root.iter(f"{SVG}rect") if rect.get("height") == "18"
    ]

    assert widths == [
        pytest.approx(widths[0]),
        pytest.approx(widths[0]),
        pytest.approx(widths[0] / 488, abs=0.1),
        0.0,
    ]


def test_bar_chart_escapes_hostile_names():
    svg = money_chart(categories=(HOSTILE, "Powys"))

    assert texts(svg)[8] == "<script>alert('x')</script> & \"Ltd\" ]]>"
    assert "<script>" not in str(svg)
    assert "]]>" not in str(svg)


def test_heat_map_counts_ticks_and_labels_unticked_rows_none():
    svg = heat_map(
        title="Coverage",
        rows=[HeatMapRow("F1", "1. One"), HeatMapRow("F1", "2. Two"), HeatMapRow("F2", "1. Three")],
        columns=["PS-A", "PS-B"],
        cells=[[True, False], [False, False], [True, True]],
    )

    assert texts(svg) == [
        "Coverage",
        "PS-A",
        "PS-B",
        "Ticked by",
        "F1",
        "1. One",
        "1",
        "2. Two",
        "0 (none)",
        "F2",
        "1. Three",
        "2",
    ]
    assert description(svg) == (
        "3 rows by 2 columns. Not ticked by any: 2. Two. "
        "Ticked by: 1. One: 1; 2. Two: 0 (none); 1. Three: 2."
    )
    assert len(list(parsed(svg).iter(f"{SVG}path"))) == 3


def test_heat_map_escapes_hostile_components_and_references():
    svg = heat_map(
        title=HOSTILE,
        rows=[HeatMapRow(HOSTILE, "1. " + HOSTILE[:40])],
        columns=[HOSTILE[:20]],
        cells=[[True]],
    )

    assert parsed(svg).find(f"{SVG}title").text == HOSTILE
    assert texts(svg)[1] == "<script>alert('x')</"
    assert "<script>" not in str(svg)


def test_small_multiples_write_every_count_including_zero():
    svg = small_multiples(
        title="Scores", bins=["0", "1", "2"], panels=[("1a", [0, 1, 2]), ("1b", [0, 0, 0])]
    )

    assert texts(svg) == [
        "Scores",
        "1a",
        "0",
        "0",
        "1",
        "1",
        "2",
        "2",
        "1b",
        "0",
        "0",
        "0",
        "1",
        "0",
        "2",
    ]
    assert description(svg) == "1a: 1 at 1, 2 at 2. 1b: none."


def test_small_multiples_escape_hostile_labels():
    svg = small_multiples(title="Scores", bins=["&"], panels=[(HOSTILE, [1])])

    # Wrapped onto lines of 12 characters, never cut (issue 17).
    assert lines(svg, 1) == ["<script>aler", "t('x')</scri", 'pt> & "Ltd"', "]]>"]
    assert texts(svg)[3] == "&"


LONG_NAME = "Betsi Cadwaladr University Health Board with its Primary Care Cluster Partners"


def test_bar_chart_wraps_a_long_name_onto_lines_and_keeps_it_whole():
    svg = money_chart(categories=(LONG_NAME, "Powys"))

    assert lines(svg, 8) == [
        "Betsi Cadwaladr University Health",
        "Board with its Primary Care Cluster",
        "Partners",
    ]
    assert texts(svg)[8] == LONG_NAME
    assert "…" not in str(svg)


def test_heat_map_wraps_a_long_component_and_grows_its_row():
    component = "3. " + LONG_NAME + " working across health and social care"

    svg = heat_map(
        title="Coverage", rows=[HeatMapRow("F1", component)], columns=["PS-A"], cells=[[True]]
    )

    assert texts(svg)[4] == component
    assert len(lines(svg, 4)) == 3
    cell = [r for r in parsed(svg).iter(f"{SVG}rect") if r.get("width") == "24"][0]
    assert cell.get("height") == str(26 + 2 * 18 - 2)
    assert "…" not in str(svg)


def test_charts_draw_no_text_smaller_than_14_px():
    svgs = [
        money_chart(categories=(LONG_NAME, "Powys")),
        heat_map(title="C", rows=[HeatMapRow("F1", "1. One")], columns=["PS-A"], cells=[[True]]),
        small_multiples(title="S", bins=["0", "1"], panels=[("1a", [1, 0])], bin_caption="Scale"),
    ]

    sizes = {
        int(element.get("font-size")) for svg in svgs for element in parsed(svg).iter(f"{SVG}text")
    }
    assert min(sizes) == 14


def test_small_multiples_drop_characters_xml_forbids():
    svg = small_multiples(title="Sco\x00res\x1f", bins=["0"], panels=[("1a", [1])])

    assert parsed(svg).find(f"{SVG}title").text == "Scores"


# The round figures -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_money_by_board_for_2018_19_matches_the_ranking_page(signed_in):
    round = Round.objects.get(code="2018-19")
    ranking = BeautifulSoup(
        signed_in(MANAGER).get("/rounds/2018-19/ranking/").content, "html.parser"
    )

    figures = round_charts.money_by_board_figures(round)

    assert [
        (board.code, format_pounds(board.requested), format_pounds(board.approved))
        for board in figures.boards
    ] == [
        (
            row["data-organisation"],
            row.select_one("[data-requested]").get_text(strip=True),
            row.select_one("[data-approved]").get_text(strip=True),
        )
        for row in ranking.select("#boards tbody tr[data-organisation]")
    ]
    assert [(b.code, b.requested, b.approved) for b in figures.boards] == [
        ("HDD", Decimal("488000.00"), Decimal("488000.00"))
    ]


@pytest.mark.django_db
def test_money_chart_for_2018_19_shows_hywel_dda():
    svg = round_charts.money_by_board_chart(Round.objects.get(code="2018-19"))

    assert texts(svg) == [
        "Money requested and approved by health board",
        "No envelope is set for this round.",
        "Requested",
        "Approved",
        "Requested: £488,000.00",
        "Approved: £488,000.00",
        "Hywel Dda University Health Board",
    ]


@pytest.mark.django_db
def test_coverage_for_2020_22_shows_what_cardiff_and_vale_ticked():
    figures = round_charts.coverage_figures(Round.objects.get(code="2020-22"))

    assert figures.references == ("PS-2020-CAV-001",)
    assert len(figures.components) == 32
    assert [
        (component.framework, component.number)
        for component in figures.components
        if component.count
    ] == [
        ("A Healthier Wales - The Ten Design Principles (page 17)", 7),
        ("A Healthier Wales - The Ten Design Principles (page 17)", 8),
        ("A Healthier Wales - The Ten Design Principles (page 17)", 9),
        ("A Healthier Wales - The Ten Design Principles (page 17)", 10),
        ("Aims of the primary care pacesetter fund", 1),
        ("The Strategic Programme for Primary Care", 6),
    ]


@pytest.mark.django_db
def test_coverage_heat_map_for_2020_22_labels_unticked_components_none():
    svg = round_charts.coverage_heat_map(Round.objects.get(code="2020-22"))
    words = texts(svg)

    assert words.count("0 (none)") == 26
    assert words.count("1") == 6
    assert words[words.index("1. An informed public") + 1] == "0 (none)"
    assert len(list(parsed(svg).iter(f"{SVG}path"))) == 6


@pytest.mark.django_db
def test_score_distribution_for_2020_22_counts_only_the_submitted_review():
    figures = round_charts.score_distribution_figures(Round.objects.get(code="2020-22"))

    assert figures.scale == (0, 1, 2, 3, 4, 5)
    assert [(each.label, each.counts) for each in figures.criteria] == [
        ("1a", (0, 0, 0, 0, 1, 0)),
        ("1b", (0, 0, 1, 0, 0, 0)),
        ("1c", (0, 0, 1, 0, 0, 0)),
        ("1d", (0, 0, 0, 1, 0, 0)),
        ("1e", (0, 1, 0, 0, 0, 0)),
        ("2a", (0, 0, 0, 1, 0, 0)),
        ("2b", (0, 0, 1, 0, 0, 0)),
        ("2c", (0, 0, 0, 1, 0, 0)),
        ("2d", (0, 0, 0, 1, 0, 0)),
        ("3a", (0, 0, 0, 0, 1, 0)),
        ("3b", (0, 1, 0, 0, 0, 0)),
        ("3c", (0, 0, 0, 1, 0, 0)),
        ("4a", (0, 0, 0, 0, 1, 0)),
        ("4b", (0, 0, 0, 0, 1, 0)),
    ]
    assert sum(each.total for each in figures.criteria) == 14


@pytest.mark.django_db
def test_score_distribution_chart_for_2020_22_describes_each_criterion():
    svg = round_charts.score_distribution_chart(Round.objects.get(code="2020-22"))

    assert description(svg).startswith(
        "Number of submitted scores at each point of the scale, per criterion. "
        "Criterion 1a: 1 at 4. Criterion 1b: 1 at 2."
    )


@pytest.mark.django_db
def test_heat_map_escapes_a_hostile_component_from_the_database():
    component = StrategicComponent.objects.filter(framework__rounds__code="2020-22").first()
    component.text = HOSTILE
    component.save()

    svg = round_charts.coverage_heat_map(Round.objects.get(code="2020-22"))

    assert texts(svg)[4] == f"{component.number}. {HOSTILE}"
    assert "<script>" not in str(svg)


# The page --------------------------------------------------------------------------------------

EVERYONE = [
    "applicant.cav@example.org",
    "applicant.hdd@example.org",
    "applicant.pth@example.org",
    "reviewer1@example.org",
    "reviewer2@example.org",
    "reviewer3@example.org",
    CHAIR,
    MANAGER,
    "admin@example.org",
]


@pytest.mark.django_db
@pytest.mark.parametrize("email", EVERYONE)
def test_round_charts_page_for_every_role(signed_in, email):
    response = signed_in(email).get("/rounds/2020-22/charts/")

    expected = 200 if email in (CHAIR, MANAGER, "admin@example.org") else 403
    assert response.status_code == expected


@pytest.mark.django_db
def test_round_charts_page_of_a_draft_round_is_not_found_for_the_chair(signed_in, demo_user):
    round = scored_round(chair=demo_user(CHAIR))
    Round.objects.filter(pk=round.pk).update(state="draft")

    response = signed_in(CHAIR).get(f"/rounds/{round.code}/charts/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_round_charts_page_sends_signed_out_visitors_to_sign_in(client):
    response = client.get("/rounds/2020-22/charts/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/rounds/2020-22/charts/"


@pytest.mark.django_db
def test_round_charts_page_shows_each_chart_with_its_numbers(signed_in):
    response = signed_in(MANAGER).get("/rounds/2020-22/charts/")
    soup = BeautifulSoup(response.content, "html.parser")

    assert [svg["aria-labelledby"] for svg in soup.select("svg")] == [
        "chart-money-title chart-money-desc",
        "chart-coverage-title chart-coverage-desc",
        "chart-scores-title chart-scores-desc",
    ]
    assert [summary.get_text(" ", strip=True) for summary in soup.select("summary")] == [
        "Show the numbers for money by health board",
        "Show the numbers for tick-matrix coverage",
        "Show the numbers for score distributions",
    ]
    assert soup.select("#no-tick-matrix") == []


@pytest.mark.django_db
def test_round_charts_page_for_a_round_without_a_tick_matrix_says_so(signed_in):
    response = signed_in(MANAGER).get("/rounds/2018-19/charts/")
    soup = BeautifulSoup(response.content, "html.parser")

    assert [svg["aria-labelledby"] for svg in soup.select("svg")] == [
        "chart-money-title chart-money-desc",
        "chart-scores-title chart-scores-desc",
    ]
    assert soup.select_one("#no-tick-matrix").get_text(strip=True) == (
        "This round’s application form has no tick matrix, so there is no coverage to show."
    )
    assert soup.select("#coverage-table") == []
    assert [
        [cell.get_text(strip=True) for cell in row.select("th, td")]
        for row in soup.select("#boards tbody tr")
    ] == [["Hywel Dda University Health Board", "None set", "£488,000.00", "£488,000.00"]]
    assert [
        [cell.get_text(strip=True) for cell in row.select("th, td")]
        for row in soup.select("#scores-table tbody tr")
    ][0] == ["1", "0", "0", "0", "0", "2", "0", "2"]


@pytest.mark.django_db
def test_coverage_heat_map_is_none_for_a_round_without_a_tick_matrix():
    assert round_charts.coverage_heat_map(Round.objects.get(code="2018-19")) is None


@pytest.mark.django_db
def test_round_page_links_to_the_charts_for_the_manager(signed_in):
    soup = BeautifulSoup(signed_in(MANAGER).get("/rounds/2020-22/").content, "html.parser")

    assert [link["href"] for link in soup.find_all("a", string="Charts")] == [
        "/rounds/2020-22/charts/"
    ]


def chart_queries(client, round, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as captured:
        response = client.get(f"/rounds/{round.code}/charts/")
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_round_charts_page_queries_stay_flat_as_the_round_grows(
    signed_in, django_assert_max_num_queries
):
    few_round = scored_round()
    many_round = scored_round()
    grow(few_round, 3)
    grow(many_round, 30)
    rounds = (few_round, many_round)
    client = signed_in(MANAGER)
    client.get(f"/rounds/{few_round.code}/charts/")  # warm the session
    caches["default"].clear()

    # Worked out, then with the round's money kept (criteria.domain.round_figures).
    cold = [chart_queries(client, each, django_assert_max_num_queries) for each in rounds]
    kept = [chart_queries(client, each, django_assert_max_num_queries) for each in rounds]

    assert cold[0] == cold[1]
    assert kept[0] == kept[1]
    assert cold[0] - kept[0] == 2  # the amount requested: budget lines, two queries


@pytest.mark.django_db
def test_round_charts_page_leaves_out_what_a_conflicted_chair_may_not_see(signed_in, demo_user):
    chair = demo_user(CHAIR)
    round = scored_round(chair=chair)
    round.frameworks.set(Round.objects.get(code="2020-22").frameworks.all())
    x, y = OrganisationFactory(name="Board X"), OrganisationFactory(name="Board Y")
    submitted(round, x, "200000.00", "PS-T-A")
    submitted(round, y, "100000.00", "PS-T-C")
    chair.organisation = y
    chair.save()

    soup = BeautifulSoup(
        signed_in(CHAIR).get(f"/rounds/{round.code}/charts/").content, "html.parser"
    )

    assert [th.get_text(strip=True) for th in soup.select("#coverage-table thead th")] == [
        "Component",
        "PS-T-A",
        "Applications",
    ]
    assert [
        [cell.get_text(strip=True) for cell in row.select("th, td")]
        for row in soup.select("#boards tbody tr")
    ] == [["Board X", "None set", "£200,000.00", "£0.00"]]
