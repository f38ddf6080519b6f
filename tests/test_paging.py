"""Long lists a page at a time: the shared paging helper and the round page's list."""

import pytest
from bs4 import BeautifulSoup
from hypothesis import given

from pacesetter.enums import Role
from pacesetter.paging import page_number, paginate, query_string, search_term
from schemes.enums import ApplicationStatus, RoundState
from tests.factories import ApplicationFactory, OrganisationFactory, RoundFactory, UserFactory
from tests.hostile_queries import HOSTILE, LIST_SETTINGS

MANAGER = "manager@example.org"

# The helper ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("1e3", 1),
        ("2", 2),
        (" 3 ", 3),
        ("0", 1),
        ("-4", 1),
        ("99999", 7),
        ("9" * 400, 7),
    ],
)
def test_page_number_turns_any_input_into_a_page_that_exists(asked, expected):
    assert page_number(asked, 7) == expected


def test_query_string_leaves_out_empty_values_and_applies_changes():
    params = {"search": "cardiff & vale", "status": "", "sort": "title"}

    assert query_string(params, page=3) == "?search=cardiff+%26+vale&sort=title&page=3"


def test_search_term_drops_control_characters_and_extra_spaces():
    assert search_term("  Cardiff\x00\n  and\tVale  ") == "Cardiff and Vale"


def test_search_term_is_cut_to_a_hundred_characters():
    assert search_term("a" * 500) == "a" * 100


def test_paginate_links_elide_the_middle_pages_and_keep_the_params():
    listing = paginate(list(range(500)), "5", {"search": "x"}, per_page=50)

    assert [(link.number, link.url, link.current) for link in listing.links] == [
        (1, "?search=x", False),
        (None, "", False),
        (4, "?search=x&page=4", False),
        (5, "?search=x&page=5", True),
        (6, "?search=x&page=6", False),
        (None, "", False),
        (10, "?search=x&page=10", False),
    ]
    assert (listing.previous_url, listing.next_url) == ("?search=x&page=4", "?search=x&page=6")
    assert (listing.first, listing.last, listing.count) == (201, 250, 500)


def test_paginate_of_nothing_is_one_empty_page_without_links():
    listing = paginate([], "3", {})

    assert (listing.count, list(listing.rows), listing.several_pages) == (0, [], False)


# The round page ------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def round_with(count, organisation=None, **fields):
    """A round in review with `count` submitted applications PS-P-0000, PS-P-0001, ..."""
    round = RoundFactory(state=RoundState.IN_REVIEW)
    organisation = organisation or OrganisationFactory()
    for number in range(count):
        ApplicationFactory(
            round=round,
            organisation=organisation,
            reference=f"PS-P-{round.pk}-{number:04d}",
            title=f"Scheme {number:04d}",
            status=ApplicationStatus.SUBMITTED,
            **fields,
        )
    return round


def fetched(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def round_page(client, round, query=""):
    return fetched(client, f"/rounds/{round.code}/{query}")


def listed(soup, table="#round-applications"):
    return [row["data-reference"] for row in soup.select(f"{table} tbody tr")]


def count_line(soup):
    return soup.select_one("[data-list-count]").get_text(" ", strip=True)


def page_links(soup):
    return [
        (link.get_text(strip=True), link["href"])
        for link in soup.select("nav.govuk-pagination .govuk-pagination__list a")
    ]


def test_round_page_shows_fifty_applications_and_says_how_many_match(signed_in):
    round = round_with(60)

    soup = round_page(signed_in(MANAGER), round)

    assert listed(soup) == [f"PS-P-{round.pk}-{n:04d}" for n in range(50)]
    assert count_line(soup) == "Showing 1 to 50 of 60 applications"
    assert page_links(soup) == [("1", "?"), ("2", "?page=2")]
    current = soup.select_one(".govuk-pagination__item--current a")
    assert (current["aria-current"], current["aria-label"]) == ("page", "Page 1")
    assert soup.select_one(".govuk-pagination__next a")["href"] == "?page=2"
    assert soup.select_one(".govuk-pagination__prev") is None


def test_round_page_two_shows_the_next_applications(signed_in):
    round = round_with(60)

    soup = round_page(signed_in(MANAGER), round, "?page=2")

    assert listed(soup) == [f"PS-P-{round.pk}-{n:04d}" for n in range(50, 60)]
    assert count_line(soup) == "Showing 51 to 60 of 60 applications"
    assert soup.select_one(".govuk-pagination__prev a")["href"] == "?"
    assert soup.select_one(".govuk-pagination__next") is None


@pytest.mark.parametrize(("query", "first"), [("?page=99999", 50), ("?page=abc", 0)])
def test_round_page_out_of_range_or_junk_page_numbers_show_a_real_page(signed_in, query, first):
    round = round_with(60)

    soup = round_page(signed_in(MANAGER), round, query)

    assert listed(soup)[0] == f"PS-P-{round.pk}-{first:04d}"


def test_round_page_with_a_few_applications_has_no_pagination(signed_in):
    round = round_with(3)

    soup = round_page(signed_in(MANAGER), round)

    assert soup.select("nav.govuk-pagination") == []
    assert count_line(soup) == "Showing 1 to 3 of 3 applications"


def test_round_page_searches_reference_title_and_organisation(signed_in):
    round = round_with(3)
    board = OrganisationFactory(name="Powys Teaching")
    ApplicationFactory(
        round=round,
        organisation=board,
        reference="PS-P-POW",
        title="Rural falls",
        status="submitted",
    )
    client = signed_in(MANAGER)

    assert listed(round_page(client, round, "?search=powys")) == ["PS-P-POW"]
    assert listed(round_page(client, round, "?search=RURAL+FALLS")) == ["PS-P-POW"]
    assert listed(round_page(client, round, "?search=ps-p-pow")) == ["PS-P-POW"]
    assert listed(round_page(client, round, "?search=Scheme+0002")) == [f"PS-P-{round.pk}-0002"]
    soup = round_page(client, round, "?search=nothing+like+it")
    assert (listed(soup), count_line(soup)) == ([], "No application matches.")


def test_round_page_filters_by_status_and_organisation(signed_in):
    round = round_with(2)
    board = OrganisationFactory(name="Betsi Cadwaladr")
    ApplicationFactory(round=round, organisation=board, reference="PS-P-B1", status="submitted")
    ApplicationFactory(round=round, organisation=board, reference="PS-P-B2", status="approved")
    client = signed_in(MANAGER)

    assert listed(round_page(client, round, "?status=approved")) == ["PS-P-B2"]
    assert listed(round_page(client, round, f"?organisation={board.code}")) == [
        "PS-P-B1",
        "PS-P-B2",
    ]
    assert listed(round_page(client, round, f"?organisation={board.code}&status=submitted")) == [
        "PS-P-B1"
    ]


def test_round_page_sorts_by_organisation_then_reference(signed_in):
    round = round_with(2, organisation=OrganisationFactory(name="Zeta"))
    ApplicationFactory(
        round=round, organisation=OrganisationFactory(name="Alpha"), reference="PS-P-Z"
    )

    soup = round_page(signed_in(MANAGER), round, "?sort=organisation")

    assert listed(soup) == ["PS-P-Z", f"PS-P-{round.pk}-0000", f"PS-P-{round.pk}-0001"]
    assert soup.select_one("#filter-sort option[selected]")["value"] == "organisation"


def test_round_page_ignores_an_unknown_sort_status_and_organisation(signed_in):
    round = round_with(3)

    soup = round_page(signed_in(MANAGER), round, "?sort=drop+table&status=nonsense&organisation=XX")

    assert listed(soup) == [f"PS-P-{round.pk}-{n:04d}" for n in range(3)]


def test_round_page_links_keep_the_search_filters_and_sort(signed_in):
    round = round_with(120)

    soup = round_page(
        signed_in(MANAGER), round, "?search=scheme&status=submitted&sort=title&page=2"
    )

    assert page_links(soup) == [
        ("1", "?search=scheme&status=submitted&sort=title"),
        ("2", "?search=scheme&status=submitted&sort=title&page=2"),
        ("3", "?search=scheme&status=submitted&sort=title&page=3"),
    ]
    assert soup.select_one("#filter-search")["value"] == "scheme"


def test_round_page_status_filter_keeps_an_undisclosed_decision_from_the_applicant(client):
    board = OrganisationFactory(name="Hywel Dda")
    round = RoundFactory(state=RoundState.IN_REVIEW)
    ApplicationFactory(round=round, organisation=board, reference="PS-P-H1", status="approved")
    ApplicationFactory(round=round, organisation=board, reference="PS-P-H2", status="submitted")
    client.force_login(UserFactory(role=Role.APPLICANT, organisation=board))

    approved = round_page(client, round, "?status=approved")
    submitted = round_page(client, round, "?status=submitted")

    assert listed(approved) == ["PS-P-H1", "PS-P-H2"]  # "approved" is not offered: ignored
    assert listed(submitted) == ["PS-P-H1", "PS-P-H2"]
    assert submitted.select("#filter-status") == []  # only one status is visible to them


@LIST_SETTINGS
@given(page=HOSTILE, search=HOSTILE, status=HOSTILE, organisation=HOSTILE, sort=HOSTILE)
def test_round_page_answers_any_query_string_with_a_page(
    signed_in, page, search, status, organisation, sort
):
    client = signed_in(MANAGER)

    response = client.get(
        "/rounds/2020-22/",
        {
            "page": page,
            "search": search,
            "status": status,
            "organisation": organisation,
            "sort": sort,
        },
    )

    assert response.status_code == 200


def round_page_queries(client, round, django_assert_max_num_queries):
    with django_assert_max_num_queries(40) as captured:
        response = client.get(f"/rounds/{round.code}/?page=2")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_round_page_queries_stay_flat_as_the_round_grows(signed_in, django_assert_max_num_queries):
    rounds = (round_with(5), round_with(60))
    client = signed_in(MANAGER)
    client.get("/rounds/")  # warm the session, not either round's kept figures

    # The panel steps' figures are worked out on a round's first visit and kept after
    # (criteria.domain.round_figures), so first visits and later ones are compared apart.
    first = [round_page_queries(client, r, django_assert_max_num_queries) for r in rounds]
    again = [round_page_queries(client, r, django_assert_max_num_queries) for r in rounds]

    assert first[0] == first[1]
    assert again[0] == again[1]


# The applicant's home page --------------------------------------------------------------------

APPLICANT = "applicant.cav@example.org"


def own_applications(count):
    """A new round (the newest, so listed first) with `count` of CAV's applications."""
    from pacesetter.models import Organisation

    round = RoundFactory(state=RoundState.IN_REVIEW)
    for number in range(count):
        ApplicationFactory(
            round=round,
            organisation=Organisation.objects.get(code="CAV"),
            reference=f"PS-H-{round.pk}-{number:04d}",
            title=f"Home scheme {number:04d}",
            status=ApplicationStatus.SUBMITTED,
        )
    return round


def home_page(client, query=""):
    return fetched(client, f"/{query}")


def home_listed(soup):
    return listed(soup, "#own-applications")


def test_applicant_home_shows_fifty_applications_a_page(signed_in):
    round = own_applications(60)
    client = signed_in(APPLICANT)

    first, second = home_page(client), home_page(client, "?page=2")

    assert home_listed(first) == [f"PS-H-{round.pk}-{n:04d}" for n in range(50)]
    assert count_line(first) == "Showing 1 to 50 of 61 applications"
    # The demo's own 2020-22 application comes after the newest round's.
    assert home_listed(second) == [
        *(f"PS-H-{round.pk}-{n:04d}" for n in range(50, 60)),
        "PS-2020-CAV-001",
    ]
    assert count_line(second) == "Showing 51 to 61 of 61 applications"


def test_applicant_home_searches_and_filters_by_round_keeping_both_in_page_links(signed_in):
    round = own_applications(60)
    client = signed_in(APPLICANT)

    by_round = home_page(client, "?round=2020-22")
    searched = home_page(client, f"?search=home+scheme+005&round={round.code}")
    paged = home_page(client, f"?search=home&round={round.code}")

    assert home_listed(by_round) == ["PS-2020-CAV-001"]
    assert home_listed(searched) == [f"PS-H-{round.pk}-{n:04d}" for n in range(50, 60)]
    assert page_links(paged)[1] == ("2", f"?search=home&round={round.code}&page=2")
    assert [option["value"] for option in by_round.select("#filter-round option")] == [
        "",
        round.code,
        "2020-22",
    ]


def test_applicant_home_never_finds_another_boards_application(signed_in):
    soup = home_page(signed_in(APPLICANT), "?search=PS-2018-HDD-001")

    assert home_listed(soup) == []
    assert count_line(soup) == "No application matches."


def test_applicant_home_ignores_a_round_it_has_no_application_in(signed_in):
    soup = home_page(signed_in(APPLICANT), "?round=2018-19")

    assert home_listed(soup) == ["PS-2020-CAV-001"]
    assert soup.select("#filter-round") == []  # one round only: nothing to choose


def test_applicant_home_without_applications_says_so(signed_in):
    from pacesetter.models import Organisation

    board = Organisation.objects.get(code="BCU")
    UserFactory(email="new.applicant@example.org", role=Role.APPLICANT, organisation=board)

    soup = home_page(signed_in("new.applicant@example.org"))

    assert soup.select("#application-filters") == []
    assert "Your organisation has no applications yet." in soup.get_text()


@LIST_SETTINGS
@given(page=HOSTILE, search=HOSTILE, round=HOSTILE)
def test_applicant_home_answers_any_query_string_with_a_page(signed_in, page, search, round):
    response = signed_in(APPLICANT).get("/", {"page": page, "search": search, "round": round})

    assert response.status_code == 200
