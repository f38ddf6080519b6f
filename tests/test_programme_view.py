"""The programme view and a scheme's monitoring page: who sees them, what they show, filters."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given

from pacesetter.models import Organisation
from schemes.domain.monitoring import (
    MeasureEntry,
    MilestoneEntry,
    SpendEntry,
    agreement_create_from_application,
    report_save,
    report_start,
    report_submit,
)
from tests.factories.monitoring import accepted_agreement, approved_application
from tests.hostile_queries import LIST_SETTINGS, query_strings

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
HDD_LEAD = "applicant.hdd@example.org"
DEMO = "PS-2018-HDD-001"
PROGRAMME = "/monitoring/"
OVERVIEW = "/monitoring/overview/"
SCHEME = f"/monitoring/{DEMO}/"
NOT_MANAGERS = [
    "applicant.cav@example.org",
    HDD_LEAD,
    "applicant.pth@example.org",
    "reviewer1@example.org",
    "reviewer3@example.org",
    "chair@example.org",
]
LATER = datetime.date(2030, 1, 1)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def references(soup):
    return [row["data-reference"] for row in soup.select("#schemes tbody tr")]


def reported_scheme(manager, *, board, delivery, spend, status="ongoing", reports=1):
    """An accepted agreement of `board` with `reports` submitted reports rated as given."""
    agreement, lead = accepted_agreement(manager=manager, organisation=board)
    for period in agreement.periods.order_by("start")[:reports]:
        report = report_start(agreement=agreement, period=period, acting_user=lead, today=LATER)
        fields = {"delivery_rating": delivery, "spend_rating": spend, "scheme_status": status}
        if delivery == "red":
            fields["delivery_narrative"] = "Recruitment has stalled."
        if status != "ongoing":
            fields["scheme_status_date"] = period.end
            fields["scheme_status_reason"] = "Taken into the health board's core budget."
        report = report_save(
            report,
            expected_version=report.version,
            acting_user=lead,
            fields=fields,
            milestones={
                pk: MilestoneEntry("on_track")
                for pk in report.milestone_progress.values_list("milestone", flat=True)
            },
            spend={"staff": SpendEntry("100.00", "200.00")},
            measures={
                pk: MeasureEntry(value="5")
                for pk in report.measure_values.values_list("measure", flat=True)
            },
        )
        report_submit(report, expected_version=report.version, acting_user=lead)
    agreement.refresh_from_db()
    return agreement


@pytest.fixture
def manager(demo_user):
    return demo_user(MANAGER)


@pytest.fixture
def schemes(manager):
    """Besides the demo scheme: red in Cardiff and Vale, mainstreamed in Powys, a draft, none."""
    red = reported_scheme(
        manager, board=Organisation.objects.get(code="CAV"), delivery="red", spend="amber"
    )
    mainstreamed = reported_scheme(
        manager,
        board=Organisation.objects.get(code="PTH"),
        delivery="amber",
        spend="green",
        status="mainstreamed",
    )
    draft = agreement_create_from_application(
        application=approved_application(manager=manager), acting_user=manager
    )
    unagreed = approved_application(manager=manager)
    return {
        "red": red.application,
        "mainstreamed": mainstreamed.application,
        "draft": draft.application,
        "unagreed": unagreed,
    }


# Who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PROGRAMME, OVERVIEW, "/monitoring/overview.pdf"])
def test_programme_pages_open_for_a_manager(signed_in, url):
    assert signed_in(MANAGER).get(url).status_code == 200


@pytest.mark.parametrize("url", [PROGRAMME, OVERVIEW, "/monitoring/overview.pdf"])
@pytest.mark.parametrize("email", NOT_MANAGERS)
def test_programme_pages_are_forbidden_to_everyone_else(signed_in, email, url):
    assert signed_in(email).get(url).status_code == 403


@pytest.mark.parametrize("url", [PROGRAMME, OVERVIEW, SCHEME])
def test_monitoring_pages_send_the_signed_out_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize(
    ("email", "status"),
    [
        (MANAGER, 200),
        ("admin@example.org", 200),
        (HDD_LEAD, 200),
        ("applicant.cav@example.org", 404),
        ("applicant.pth@example.org", 404),
        ("reviewer1@example.org", 404),
        ("reviewer3@example.org", 404),
        ("chair@example.org", 404),
    ],
)
def test_scheme_page_opens_for_managers_and_the_boards_own_lead_only(signed_in, email, status):
    assert signed_in(email).get(SCHEME).status_code == status


def test_scheme_page_of_an_unknown_reference_is_404(signed_in):
    assert signed_in(MANAGER).get("/monitoring/PS-1999-XXX-001/").status_code == 404


def test_header_links_the_programme_view_for_managers_only(signed_in, client):
    manager_nav = page(signed_in(MANAGER), "/").select("#navigation a")
    lead_nav = page(signed_in(HDD_LEAD), "/").select("#navigation a")

    assert [a["href"] for a in manager_nav if a.get_text() == "Monitoring"] == [PROGRAMME]
    assert [a for a in lead_nav if a.get_text() == "Monitoring"] == []


# What the programme view shows ---------------------------------------------------------------


def cells(soup, reference):
    row = soup.select_one(f'#schemes tr[data-reference="{reference}"]')
    return {
        key: " ".join(row.select_one(f"[data-{key}]").get_text(" ").split())
        for key in ("status", "ratings", "spent", "next-due", "overdue", "trends")
    }


def test_programme_view_shows_the_demo_schemes_figures(signed_in):
    soup = page(signed_in(MANAGER), PROGRAMME)

    assert references(soup) == [DEMO]
    assert cells(soup, DEMO) == {
        "status": "Ongoing",
        "ratings": "Delivery: Green Spend: Green",
        "spent": "£483,750.50 of £488,000.00",
        "next-due": "None",
        "overdue": "8",
        "trends": "3 toward target, 0 away",
    }
    assert soup.select_one("[data-list-count]").get_text() == "Showing 1 to 1 of 1 funded scheme"


def test_programme_view_lists_overdue_reports_oldest_first(signed_in):
    soup = page(signed_in(MANAGER), PROGRAMME)

    assert soup.select_one("[data-overdue-count]").get_text() == "8 reports are overdue."
    assert [row.select("td")[2].get_text() for row in soup.select("#overdue tbody tr")][:2] == [
        "20 July 2019",
        "20 October 2019",
    ]


def test_programme_view_shows_schemes_without_an_agreement_unlinked(signed_in, schemes):
    soup = page(signed_in(MANAGER), PROGRAMME)
    unagreed = schemes["unagreed"].reference

    assert sorted(references(soup)) == sorted([DEMO, *(a.reference for a in schemes.values())])
    assert cells(soup, unagreed)["status"] == "No delivery agreement yet"
    assert soup.select_one(f'#schemes tr[data-reference="{unagreed}"] a') is None
    assert cells(soup, schemes["draft"].reference)["status"] == "Ongoing Agreement: draft"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("round=2018-19", ["demo"]),
        ("board=CAV", ["red"]),
        ("board=HDD", ["demo"]),
        ("status=mainstreamed", ["mainstreamed"]),
        ("status=stopped", []),
        ("rating=red", ["red"]),
        ("rating=amber", ["mainstreamed", "red"]),
        ("rating=green", ["demo", "mainstreamed"]),
        ("overdue=yes", ["demo", "mainstreamed", "red"]),
        ("search=networked", ["demo"]),
        ("board=CAV&rating=green", []),
    ],
)
def test_programme_filters_narrow_exactly(signed_in, schemes, query, expected):
    names = {"demo": DEMO, **{key: a.reference for key, a in schemes.items()}}

    soup = page(signed_in(MANAGER), f"{PROGRAMME}?{query}")

    assert sorted(references(soup)) == sorted(names[key] for key in expected)


def test_programme_filter_by_a_schemes_own_round_finds_it_alone(signed_in, schemes):
    code = schemes["red"].round.code

    soup = page(signed_in(MANAGER), f"{PROGRAMME}?round={code}")

    assert references(soup) == [schemes["red"].reference]


@given(params=query_strings(["search", "round", "board", "status", "rating", "overdue", "page"]))
@LIST_SETTINGS
def test_programme_view_survives_hostile_query_strings(signed_in, params):
    client = signed_in(MANAGER)

    assert client.get(PROGRAMME, params).status_code == 200
    assert client.get(OVERVIEW, params).status_code == 200


def programme_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROGRAMME).status_code == 200
    return len(queries)


def test_programme_view_query_count_is_flat_as_schemes_and_reports_grow(signed_in, manager):
    client = signed_in(MANAGER)
    board = Organisation.objects.get(code="CAV")
    for _ in range(3):
        reported_scheme(manager, board=board, delivery="green", spend="green", reports=2)
    few = programme_queries(client)

    for _ in range(27):
        reported_scheme(manager, board=board, delivery="amber", spend="green", reports=2)
    many = programme_queries(client)

    assert few == many


# A scheme's page ------------------------------------------------------------------------------


def test_scheme_page_shows_reports_over_time_with_ratings(signed_in):
    soup = page(signed_in(MANAGER), SCHEME)
    rows = soup.select("#reports tbody tr")

    assert [
        [" ".join(cell.get_text(" ").split()) for cell in row.select("td")] for row in rows[:5]
    ] == [
        ["20 July 2018", "Accepted", "Green", "Green", "Ongoing"],
        ["20 October 2018", "Accepted", "Green", "Amber", "Ongoing"],
        ["20 January 2019", "Accepted", "Green", "Green", "Ongoing"],
        ["20 April 2019", "Accepted", "Green", "Green", "Ongoing"],
        ["20 July 2019", "Not started", "–", "–", "–"],
    ]
    assert len(rows) == 12


def test_scheme_page_spend_table_and_chart_state_the_same_figures(signed_in):
    soup = page(signed_in(MANAGER), SCHEME)
    total = [cell.get_text() for cell in soup.select('#spend tr[data-spend="total"] td')]
    description = soup.select_one("#chart-spend-desc").get_text()

    assert total == [
        "£488,000.00",
        "£483,750.50",
        "£483,750.50",
        "-£4,249.50",
        "-0.9%",
        "Within threshold",
    ]
    assert description == (
        "In all: approved £488,000.00, spent to date £483,750.50, forecast £483,750.50. "
        "2018-19 Other: Approved: £488,000.00, Spent to date: £483,750.50, "
        "Forecast: £483,750.50."
    )


def test_scheme_page_charts_each_measure_against_baseline_and_target(signed_in):
    soup = page(signed_in(MANAGER), SCHEME)
    descriptions = [soup.select_one(f"#chart-measure-{n}-desc").get_text() for n in (1, 2, 3)]

    assert descriptions[0] == (
        "Baseline 9, target 15; moving toward target. "
        "Baseline (31/03/2018): network practices at low sustainability risk: 9. "
        "30/06/2018: network practices at low sustainability risk: 9. "
        "30/09/2018: network practices at low sustainability risk: 10. "
        "31/12/2018: network practices at low sustainability risk: 11. "
        "31/03/2019: network practices at low sustainability risk: 12. "
        "Target (31/03/2021): network practices at low sustainability risk: 15."
    )
    assert descriptions[1] == (
        "Baseline 40, target 75; moving toward target. Baseline (31/03/2018): %: 40. "
        "30/06/2018: no value. 30/09/2018: %: 48. 31/12/2018: no value. 31/03/2019: %: 55. "
        "Target (31/03/2021): %: 75."
    )
    assert [t.get_text() for t in soup.select("[data-trend]")] == [
        "Trend: Moving toward target",
        "Trend: Moving toward target",
        "Trend: Moving toward target",
    ]


def test_scheme_page_wraps_every_chart_and_table_in_a_labelled_region(signed_in):
    soup = page(signed_in(MANAGER), SCHEME)
    regions = soup.select('main .app-scrolling-region[role="region"]')

    assert [region["aria-label"] for region in regions] == [
        "Reports over time",
        "Chart of GMS sustainability matrix scores",
        "Values of GMS sustainability matrix scores",
        "Chart of Enhanced service spread",
        "Values of Enhanced service spread",
        "Chart of Senior clinical workforce per head of population",
        "Values of Senior clinical workforce per head of population",
        "Chart of spend against budget",
        "Spend against budget",
    ]
    assert all(region.find("svg") or region.find("table") for region in regions)


def test_scheme_page_links_the_agreement_and_its_reports(signed_in):
    soup = page(signed_in(HDD_LEAD), SCHEME)
    links = [a["href"] for a in soup.select("main a")]

    assert f"/applications/{DEMO}/agreement/" in links
    assert f"/applications/{DEMO}/reports/2018-04-01/" in links


def test_scheme_page_escapes_a_measure_name_in_its_chart(signed_in, manager):
    agreement = reported_scheme(
        manager, board=Organisation.objects.get(code="CAV"), delivery="green", spend="green"
    )
    agreement.measures.filter(kind="outcome").update(name='<script>alert("x")</script>')

    response = signed_in(MANAGER).get(f"/monitoring/{agreement.application.reference}/")

    assert b"<script>alert" not in response.content
    assert re.search(rb"&lt;script&gt;alert\(&quot;x&quot;\)", response.content)
