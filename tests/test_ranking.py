"""The round's ranking: order by final score, cumulative money against the envelope, shares."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from hypothesis import given

from criteria.enums import Recommendation, ReviewStatus
from criteria.models import Assignment, Review, Score
from pacesetter.enums import Role
from pacesetter.models import Organisation, User
from schemes.domain.decisions import decision_record
from schemes.enums import ApplicationStatus, DecisionOutcome, RoundState
from schemes.models import IndicativeShare, Round
from tests.factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CriteriaSetFactory,
    CriterionFactory,
    OrganisationFactory,
    RoundFactory,
    UserFactory,
)
from tests.hostile_queries import LIST_SETTINGS, query_strings

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
CHAIR = "chair@example.org"


def scored_round(envelope=Decimal("500000.00"), criteria=2, chair=None):
    """A round in review whose criteria set has `criteria` criteria scored 0-5, weight 1."""
    criteria_set = CriteriaSetFactory()
    for position in range(1, criteria + 1):
        CriterionFactory(criteria_set=criteria_set, position=position, label=str(position))
    return RoundFactory(
        state=RoundState.IN_REVIEW,
        criteria_set=criteria_set,
        envelope_total=envelope,
        panel_chair=chair,
    )


def submitted(round, organisation, requested, reference=None):
    """A submitted application asking for `requested` in one budget line."""
    extra = {"reference": reference} if reference else {}
    application = ApplicationFactory(
        round=round, organisation=organisation, status=ApplicationStatus.SUBMITTED, **extra
    )
    BudgetLineFactory(application=application, amount=Decimal(requested))
    return application


def review(application, scores, reviewer=None, justifications=None):
    """Add a submitted review scoring the round's criteria, in order, with `scores`."""
    reviewer = reviewer or UserFactory(role=Role.REVIEWER, organisation=OrganisationFactory())
    manager = User.objects.get(email=MANAGER)
    assignment = Assignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=manager
    )
    submitted_review = Review.objects.create(
        assignment=assignment,
        status=ReviewStatus.SUBMITTED,
        recommendation=Recommendation.FUND,
        submitted_at=timezone.now(),
    )
    criteria = application.round.criteria_set.criteria.order_by("position")
    for index, (criterion, score) in enumerate(zip(criteria, scores, strict=True)):
        Score.objects.create(
            review=submitted_review,
            criterion=criterion,
            score=score,
            justification=(justifications or {}).get(index, f"Because {score}."),
        )
    return submitted_review


@pytest.fixture
def boards():
    return {code: OrganisationFactory(code=code, name=f"Board {code}") for code in "XYZ"}


@pytest.fixture
def small_round(boards):
    """Envelope £500,000.00; A 80%, B and C 60% (a tie), D not scored; shares for X and Y."""
    round = scored_round()
    a = submitted(round, boards["X"], "200000.00", "PS-T-A")
    b = submitted(round, boards["X"], "250000.00", "PS-T-B")
    c = submitted(round, boards["Y"], "100000.00", "PS-T-C")
    submitted(round, boards["Z"], "50000.00", "PS-T-D")
    review(a, [4, 4])
    review(b, [3, 3])
    review(c, [2, 4])
    IndicativeShare.objects.create(round=round, organisation=boards["X"], amount=300000)
    IndicativeShare.objects.create(round=round, organisation=boards["Y"], amount=100000)
    return round


def page(client, round, query=""):
    response = client.get(f"/rounds/{round.code}/ranking/{query}")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def cells(soup, name):
    return [
        (row["data-reference"], row.select_one(f"[data-{name}]").get_text(" ", strip=True))
        for row in soup.select("#ranking tbody tr[data-reference]")
    ]


def references(soup):
    return [row["data-reference"] for row in soup.select("#ranking tbody tr[data-reference]")]


def test_ranking_orders_by_final_score_with_shared_ranks_and_unscored_last(signed_in, small_round):
    soup = page(signed_in(MANAGER), small_round)

    assert cells(soup, "rank") == [
        ("PS-T-A", "1"),
        ("PS-T-B", "2"),
        ("PS-T-C", "2"),
        ("PS-T-D", "–"),
    ]
    assert cells(soup, "score") == [
        ("PS-T-A", "80.00% 1 review"),
        ("PS-T-B", "60.00% 1 review"),
        ("PS-T-C", "60.00% 1 review"),
        ("PS-T-D", "Not scored"),
    ]


def test_ranking_adds_up_the_amount_requested_down_the_ranking(signed_in, small_round):
    soup = page(signed_in(MANAGER), small_round)

    assert cells(soup, "requested") == [
        ("PS-T-A", "£200,000.00"),
        ("PS-T-B", "£250,000.00"),
        ("PS-T-C", "£100,000.00"),
        ("PS-T-D", "£50,000.00"),
    ]
    assert cells(soup, "cumulative") == [
        ("PS-T-A", "£200,000.00"),
        ("PS-T-B", "£450,000.00"),
        ("PS-T-C", "£550,000.00"),
        ("PS-T-D", "£600,000.00"),
    ]


def test_ranking_marks_where_the_money_runs_out(signed_in, small_round):
    soup = page(signed_in(MANAGER), small_round)

    rows = soup.select("#ranking tbody tr")
    marker = soup.select("[data-money-runs-out]")
    assert len(marker) == 1
    assert rows.index(marker[0]) == 2  # after A and B, before C
    assert rows[3]["data-reference"] == "PS-T-C"
    assert [row["data-reference"] for row in soup.select("tr[data-over-envelope]")] == [
        "PS-T-C",
        "PS-T-D",
    ]
    assert soup.select_one("[data-runs-out]").get_text(" ", strip=True) == (
        "The envelope of £500,000.00 runs out at PS-T-C: with it, the cumulative amount "
        "requested comes to £550,000.00."
    )


def test_ranking_without_an_envelope_has_no_marker(signed_in, boards):
    round = scored_round(envelope=None)
    submitted(round, boards["X"], "200000.00")

    soup = page(signed_in(MANAGER), round)

    assert soup.select("[data-money-runs-out]") == []
    assert soup.select_one("[data-runs-out]").get_text(strip=True) == (
        "This round has no envelope set, so there is no point where the money runs out."
    )


def test_ranking_within_the_envelope_says_so(signed_in, boards):
    round = scored_round(envelope=Decimal("200000.00"))
    submitted(round, boards["X"], "200000.00")

    soup = page(signed_in(MANAGER), round)

    assert soup.select("[data-money-runs-out]") == []
    assert soup.select_one("[data-runs-out]").get_text(strip=True) == (
        "Everything requested, £200,000.00, fits within the envelope of £200,000.00."
    )


def board_rows(soup):
    return {
        row["data-organisation"]: [
            row.select_one(f"[data-{name}]").get_text(strip=True)
            for name in ("share", "requested", "over-share", "approved", "share-left")
        ]
        for row in soup.select("#boards tbody tr[data-organisation]")
    }


def test_ranking_shows_each_boards_money_against_its_share(signed_in, small_round, demo_user):
    a = small_round.applications.get(reference="PS-T-A")
    decision_record(
        application=a,
        outcome=DecisionOutcome.APPROVED,
        approved_amount=Decimal("150000.00"),
        acting_user=demo_user(MANAGER),
    )

    soup = page(signed_in(MANAGER), small_round)

    assert board_rows(soup) == {
        "X": ["£300,000.00", "£450,000.00", "£150,000.00", "£150,000.00", "£150,000.00"],
        "Y": ["£100,000.00", "£100,000.00", "–", "£0.00", "£100,000.00"],
        "Z": ["None set", "£50,000.00", "–", "£0.00", "–"],
    }
    footer = soup.select_one("#boards tfoot")
    assert [
        footer.select_one(f"[data-{name}]").get_text(strip=True)
        for name in ("share", "requested", "approved")
    ] == ["£400,000.00", "£600,000.00", "£150,000.00"]
    assert soup.select_one("[data-total=envelope-left]").get_text(strip=True) == "£350,000.00"
    assert cells(soup, "approved")[0] == ("PS-T-A", "£150,000.00")


def test_ranking_sorts_by_amount_requested_then_reference(signed_in, small_round):
    soup = page(signed_in(MANAGER), small_round, "?sort=requested")

    assert references(soup) == ["PS-T-B", "PS-T-A", "PS-T-C", "PS-T-D"]
    assert soup.select("[data-money-runs-out]") == []
    # Rank and cumulative money still follow the final score.
    assert cells(soup, "cumulative")[0] == ("PS-T-B", "£450,000.00")


def test_ranking_sorts_by_organisation_then_reference(signed_in, small_round, boards):
    boards["X"].name = "Zebra Board"
    boards["X"].save()

    soup = page(signed_in(MANAGER), small_round, "?sort=organisation")

    assert references(soup) == ["PS-T-C", "PS-T-D", "PS-T-A", "PS-T-B"]


def test_ranking_sorts_by_reference(signed_in, small_round):
    soup = page(signed_in(MANAGER), small_round, "?sort=reference")

    assert references(soup) == ["PS-T-A", "PS-T-B", "PS-T-C", "PS-T-D"]


def test_ranking_ignores_an_unknown_sort(signed_in, small_round):
    soup = page(signed_in(MANAGER), small_round, "?sort=drop+table")

    assert references(soup) == ["PS-T-A", "PS-T-B", "PS-T-C", "PS-T-D"]


def test_ranking_filters_by_organisation(signed_in, small_round):
    soup = page(signed_in(MANAGER), small_round, "?organisation=X")

    assert references(soup) == ["PS-T-A", "PS-T-B"]
    assert soup.select_one("#filter-organisation option[selected]")["value"] == "X"


def test_ranking_filters_by_status(signed_in, small_round, demo_user):
    decision_record(
        application=small_round.applications.get(reference="PS-T-C"),
        outcome=DecisionOutcome.DEFERRED,
        acting_user=demo_user(MANAGER),
    )

    soup = page(signed_in(MANAGER), small_round, "?status=deferred")

    assert references(soup) == ["PS-T-C"]
    assert cells(soup, "decision") == [("PS-T-C", "Deferred Record a decision on PS-T-C")]


def test_ranking_filters_by_organisation_and_status_together(signed_in, small_round):
    soup = page(signed_in(MANAGER), small_round, "?organisation=Y&status=submitted")

    assert references(soup) == ["PS-T-C"]


def test_ranking_sort_links_keep_the_filters(signed_in, small_round):
    soup = page(signed_in(MANAGER), small_round, "?organisation=X&status=submitted")

    links = [a["href"] for a in soup.select("#ranking thead a")]
    assert links == [
        "?sort=reference&organisation=X&status=submitted",
        "?sort=organisation&organisation=X&status=submitted",
        "?sort=score&organisation=X&status=submitted",
        "?sort=requested&organisation=X&status=submitted",
    ]


def test_ranking_leaves_out_drafts_and_withdrawn_applications(signed_in, small_round, boards):
    ApplicationFactory(round=small_round, organisation=boards["X"], status=ApplicationStatus.DRAFT)
    ApplicationFactory(
        round=small_round, organisation=boards["X"], status=ApplicationStatus.WITHDRAWN
    )

    soup = page(signed_in(MANAGER), small_round)

    assert references(soup) == ["PS-T-A", "PS-T-B", "PS-T-C", "PS-T-D"]


def test_ranking_hides_from_the_chair_an_application_they_are_conflicted_on(
    signed_in, small_round, demo_user, boards
):
    chair = demo_user(CHAIR)
    small_round.panel_chair = chair
    small_round.save()
    chair.organisation = boards["Y"]
    chair.save()

    soup = page(signed_in(CHAIR), small_round)

    assert references(soup) == ["PS-T-A", "PS-T-B", "PS-T-D"]


def ranking_queries(client, round, django_assert_max_num_queries, query=""):
    with django_assert_max_num_queries(30) as captured:
        response = client.get(f"/rounds/{round.code}/ranking/{query}")
    assert response.status_code == 200
    return len(captured.captured_queries)


def grow(round, count):
    organisations = list(Organisation.objects.health_boards())
    reviewers = [
        UserFactory(role=Role.REVIEWER, organisation=OrganisationFactory()) for _ in range(3)
    ]
    for index in range(count):
        application = submitted(round, organisations[index % len(organisations)], "1000.00")
        BudgetLineFactory(application=application, amount=Decimal("10.00"))
        for reviewer in reviewers[: 1 + index % 3]:
            review(application, [index % 6, (index + 1) % 6], reviewer=reviewer)


@pytest.mark.parametrize(
    ("few", "many", "query"), [(3, 30, ""), (5, 60, "?page=2")], ids=["first page", "page two"]
)
def test_ranking_page_queries_stay_flat_as_the_round_grows(
    signed_in, django_assert_max_num_queries, few, many, query
):
    few_round = scored_round()
    many_round = scored_round()
    grow(few_round, few)
    grow(many_round, many)
    client = signed_in(MANAGER)
    # Warm the session, and each round's figures (kept until a score moves them).
    client.get(f"/rounds/{few_round.code}/ranking/")
    client.get(f"/rounds/{many_round.code}/ranking/")

    assert ranking_queries(
        client, few_round, django_assert_max_num_queries, query
    ) == ranking_queries(client, many_round, django_assert_max_num_queries, query)


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


@pytest.mark.parametrize("email", EVERYONE)
def test_ranking_page_for_every_role(signed_in, email):
    response = signed_in(email).get("/rounds/2020-22/ranking/")

    expected = 200 if email in (CHAIR, MANAGER, "admin@example.org") else 403
    assert response.status_code == expected


def test_ranking_page_refuses_a_chair_of_another_round(signed_in):
    Round.objects.filter(code="2020-22").update(panel_chair=None)

    response = signed_in(CHAIR).get("/rounds/2020-22/ranking/")

    assert response.status_code == 403


def test_ranking_page_of_a_draft_round_is_not_found_for_the_chair(signed_in, demo_user):
    round = RoundFactory(state=RoundState.DRAFT, panel_chair=demo_user(CHAIR))

    response = signed_in(CHAIR).get(f"/rounds/{round.code}/ranking/")

    assert response.status_code == 404


def test_ranking_page_sends_signed_out_visitors_to_sign_in(client):
    response = client.get("/rounds/2020-22/ranking/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/rounds/2020-22/ranking/"


def test_ranking_page_of_the_demo_round_in_review_shows_the_cardiff_application(signed_in):
    soup = page(signed_in(MANAGER), Round.objects.get(code="2020-22"))

    assert references(soup) == ["PS-2020-CAV-001"]
    assert cells(soup, "requested") == [("PS-2020-CAV-001", "£296,000.00")]


# Paging, searching and hostile query strings -------------------------------------------------


@pytest.fixture
def long_round(boards):
    """60 applications of £1,000.00 each, ranked 1 to 60 without ties; envelope £52,500.00.

    Twelve criteria scored 0-5 give the sums 60, 59, ..., 1: PS-L-00 ranks 1, PS-L-59 ranks 60.
    The money runs out at PS-L-52, the 53rd, on the second page.
    """
    round = scored_round(envelope=Decimal("52500.00"), criteria=12)
    reviewer = UserFactory(role=Role.REVIEWER, organisation=OrganisationFactory())
    for number in range(60):
        board = boards["X"] if number % 2 else boards["Y"]
        application = submitted(round, board, "1000.00", f"PS-L-{number:02d}")
        total = 60 - number
        scores = [min(5, max(0, total - 5 * index)) for index in range(12)]
        review(application, scores, reviewer=reviewer)
    return round


def test_ranking_page_two_continues_ranks_and_cumulative_money_from_page_one(signed_in, long_round):
    client = signed_in(MANAGER)

    first = page(client, long_round)
    second = page(client, long_round, "?page=2")

    assert references(first) == [f"PS-L-{n:02d}" for n in range(50)]
    assert cells(second, "rank") == [(f"PS-L-{n:02d}", str(n + 1)) for n in range(50, 60)]
    assert cells(second, "cumulative")[0] == ("PS-L-50", "£51,000.00")
    assert cells(second, "cumulative")[-1] == ("PS-L-59", "£60,000.00")
    assert (
        first.select_one("#ranking-summary")
        .get_text(" ", strip=True)
        .startswith("Showing 1 to 50 of 60 applications (of 60 ranked), sorted by final score.")
    )


def test_ranking_marks_the_money_running_out_on_the_page_where_it_happens(signed_in, long_round):
    client = signed_in(MANAGER)

    first = page(client, long_round)
    second = page(client, long_round, "?page=2")

    assert first.select("[data-money-runs-out]") == []
    assert first.select_one("[data-runs-out-page]")["href"] == "?page=2#ranking"
    rows = second.select("#ranking tbody tr")
    assert [row.get("data-reference") for row in rows[:4]] == [
        "PS-L-50",
        "PS-L-51",
        None,
        "PS-L-52",
    ]
    assert rows[2].has_attr("data-money-runs-out")
    assert (
        second.select_one("[data-runs-out]")
        .get_text(" ", strip=True)
        .startswith(
            "The envelope of £52,500.00 runs out at PS-L-52: with it, the cumulative amount "
            "requested comes to £53,000.00."
        )
    )


def test_ranking_labels_the_page_totals_apart_from_the_round_totals(signed_in, long_round):
    soup = page(signed_in(MANAGER), long_round, "?page=2")

    totals = soup.select_one("#page-totals")
    assert totals.select_one("th").get_text(strip=True) == (
        "Total for the 10 applications on this page"
    )
    assert totals.select_one("[data-page-requested]").get_text(strip=True) == "£10,000.00"
    assert soup.select_one("[data-total=requested]").get_text(strip=True) == "£60,000.00"
    assert soup.select_one("[data-total=requested]").find_previous("dt").get_text(strip=True) == (
        "Requested in the whole round"
    )


def test_ranking_rows_on_page_two_can_still_be_decided(signed_in, long_round):
    soup = page(signed_in(MANAGER), long_round, "?page=2")

    assert cells(soup, "decision")[-1] == ("PS-L-59", "Not decided Record a decision on PS-L-59")
    link = soup.select_one("tr[data-reference=PS-L-59] [data-decision] a")
    # The decision page sends the manager back to this page of the ranking.
    assert link["href"] == "/applications/PS-L-59/decision/?ranking=page%3D2"


@pytest.mark.parametrize(("query", "first"), [("?page=abc", "PS-L-00"), ("?page=99", "PS-L-50")])
def test_ranking_junk_or_out_of_range_page_numbers_show_a_real_page(
    signed_in, long_round, query, first
):
    soup = page(signed_in(MANAGER), long_round, query)

    assert references(soup)[0] == first


def test_ranking_search_keeps_the_whole_rounds_ranks(signed_in, long_round, boards):
    soup = page(signed_in(MANAGER), long_round, "?search=ps-l-5")

    assert cells(soup, "rank") == [(f"PS-L-{n:02d}", str(n + 1)) for n in range(50, 60)]
    assert cells(soup, "cumulative")[0] == ("PS-L-50", "£51,000.00")
    assert soup.select_one("#filter-search")["value"] == "ps-l-5"


def test_ranking_searches_by_organisation_name(signed_in, small_round):
    soup = page(signed_in(MANAGER), small_round, "?search=board+z")

    assert references(soup) == ["PS-T-D"]


def test_ranking_paging_links_keep_the_search_filters_and_sort(signed_in, long_round, boards):
    soup = page(signed_in(MANAGER), long_round, "?search=PS-L&organisation=Y&sort=reference&page=1")

    assert len(references(soup)) == 30
    assert soup.select("nav.govuk-pagination") == []
    soup = page(signed_in(MANAGER), long_round, "?search=PS-L&sort=reference")
    assert [a["href"] for a in soup.select(".govuk-pagination__list a")] == [
        "?sort=reference&search=PS-L",
        "?sort=reference&search=PS-L&page=2",
    ]


@LIST_SETTINGS
@given(query=query_strings(["page", "search", "organisation", "status", "sort"], also=["score"]))
def test_ranking_answers_any_query_string_with_a_page(signed_in, query):
    response = signed_in(MANAGER).get("/rounds/2020-22/ranking/", query)

    assert response.status_code == 200


def test_ranking_has_seven_columns_with_the_decision_and_feedback_after_the_table(
    signed_in, small_round
):
    soup = page(signed_in(MANAGER), small_round)

    headers = [th.get_text(" ", strip=True) for th in soup.select("#ranking thead th")]
    assert headers == [
        "Rank",
        "Application and organisation",
        "Status",
        "Final score",
        "Amount requested",
        "Cumulative requested",
        "Decision",
    ]
    first = soup.select_one("#ranking tbody tr[data-reference]")
    assert first.select_one("[data-organisation]").get_text(strip=True) == "Board X"
    release = soup.select_one("#release-feedback")
    assert release.find_previous("table")["id"] == "ranking"
