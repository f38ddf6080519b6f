"""Moderation by the panel chair, and who may see the score matrix, queue and calibration."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.domain.moderation import moderation_record
from criteria.enums import ConflictKind
from criteria.models import ConflictOfInterest, Criterion, Moderation
from criteria.rules import panel_applications
from pacesetter.enums import Role
from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.enums import RoundState
from schemes.models import Application, Round
from tests.factories import UserFactory
from tests.factories.panel import panel_application, panel_review, panel_reviewer, panel_round

pytestmark = pytest.mark.django_db

APPLICANT_CAV = "applicant.cav@example.org"
APPLICANT_HDD = "applicant.hdd@example.org"
APPLICANT_PTH = "applicant.pth@example.org"
REVIEWERS = ["reviewer1@example.org", "reviewer2@example.org", "reviewer3@example.org"]
CHAIR = "chair@example.org"
MANAGER = "manager@example.org"
ADMIN = "admin@example.org"
EVERYONE = [APPLICANT_CAV, APPLICANT_HDD, APPLICANT_PTH, *REVIEWERS, CHAIR, MANAGER, ADMIN]

CAV = "PS-2020-CAV-001"
MATRIX = f"/applications/{CAV}/scores/"
MODERATE_1E = f"/applications/{CAV}/scores/1e/moderate/"
QUEUE = "/rounds/2020-22/moderation/"
CALIBRATION = "/rounds/2020-22/calibration/"

EXPECTED = {
    MATRIX: {CHAIR: 200, MANAGER: 200, ADMIN: 200},
    MODERATE_1E: {CHAIR: 200, MANAGER: 403, ADMIN: 403},
    QUEUE: {CHAIR: 200, MANAGER: 200, ADMIN: 200},
    CALIBRATION: {CHAIR: 200, MANAGER: 200, ADMIN: 200},
}
# Applicants and reviewers may not see an application's panel scores at all (404), but may
# see the round, so the round's pages refuse them (403).
OTHERWISE = {MATRIX: 404, MODERATE_1E: 404, QUEUE: 403, CALIBRATION: 403}


def cav():
    return Application.objects.select_related("round").get(reference=CAV)


def criterion(label, code="2020-22"):
    return Criterion.objects.get(criteria_set__rounds__code=code, label=label)


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def error_summary(response):
    return [li.get_text(strip=True) for li in page(response).select(".govuk-error-summary li")]


def disagree_on_1e(demo_user):
    """Submit reviewer2's review of CAV: reviewer1's scores but 3 (not 1) on 1e."""
    from criteria.demo import DEMO_REVIEW_1
    from criteria.enums import Recommendation, ReviewStatus
    from criteria.models import Review, Score

    review = Review.objects.get(
        assignment__application__reference=CAV,
        assignment__reviewer__email="reviewer2@example.org",
    )
    criteria = {c.label: c for c in cav().round.criteria_set.criteria.all()}
    review.scores.all().delete()
    for label, (score, justification) in DEMO_REVIEW_1.items():
        Score.objects.create(
            review=review,
            criterion=criteria[label],
            score=3 if label == "1e" else score,
            justification=f"Second opinion: {justification}",
        )
    review.status = ReviewStatus.SUBMITTED
    review.recommendation = Recommendation.FUND
    review.save()


# Every demo role against every page ------------------------------------------------------


@pytest.mark.parametrize("email", EVERYONE)
@pytest.mark.parametrize("path", list(EXPECTED))
def test_panel_page_status_for_every_role(signed_in, email, path):
    response = signed_in(email).get(path)

    assert response.status_code == EXPECTED[path].get(email, OTHERWISE[path])


@pytest.mark.parametrize("path", list(EXPECTED))
def test_panel_page_sends_signed_out_visitor_to_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


@pytest.mark.parametrize("email", EVERYONE)
def test_view_score_matrix_rule_agrees_with_panel_applications(demo_user, email):
    user = demo_user(email)

    for application in Application.objects.select_related("round"):
        assert can(user, "criteria.view_score_matrix", application) == (
            panel_applications(user).filter(pk=application.pk).exists()
        ), application.reference


def test_url_names_resolve_to_the_panel_pages():
    assert [
        reverse("criteria:score_matrix", args=[CAV]),
        reverse("criteria:moderate", args=[CAV, "1e"]),
        reverse("criteria:moderation_queue", args=["2020-22"]),
        reverse("criteria:calibration", args=["2020-22"]),
    ] == [MATRIX, MODERATE_1E, QUEUE, CALIBRATION]


def test_moderate_page_for_a_criterion_of_another_set_is_not_found(signed_in):
    response = signed_in(CHAIR).get(f"/applications/{CAV}/scores/9z/moderate/")

    assert response.status_code == 404


# The score matrix ------------------------------------------------------------------------


def test_score_matrix_shows_named_reviewers_aggregates_and_totals(signed_in, demo_user):
    disagree_on_1e(demo_user)

    response = signed_in(MANAGER).get(MATRIX)

    html = page(response)
    assert [th.get_text(strip=True) for th in html.select("th[data-reviewer]")] == [
        "Rhodri Williams",
        "Siân Morgan",
    ]
    row = html.select_one("tr[data-criterion='1e']")
    assert [td.get_text(strip=True) for td in row.select("td[data-score]")] == ["1", "3"]
    assert (
        row.select_one("[data-mean]").get_text(strip=True),
        row.select_one("[data-median]").get_text(strip=True),
        row.select_one("[data-spread]").get_text(strip=True),
        row.select_one("[data-final]").get_text(strip=True),
    ) == ("2.00", "2.00", "2", "2.00")
    assert row.select_one("th").get_text(" ", strip=True) == "1e Disagreement"
    assert [td.get_text(strip=True) for td in html.select("td[data-review-total]")] == [
        "39.00",
        "41.00",
    ]
    assert html.select_one("dd[data-final-total]").get_text(strip=True) == "40.00 out of 70.00"
    assert html.select_one("dd[data-percentage]").get_text(strip=True) == "57.14%"
    assert html.select_one("dd[data-flagged]")["data-flagged"] == "yes"
    assert len(html.select("tbody tr[data-criterion]")) == 14
    assert html.select("a[href$='/moderate/']") == []  # programme managers do not moderate


def test_score_matrix_groups_criteria_as_the_set_does(signed_in):
    response = signed_in(CHAIR).get(MATRIX)

    html = page(response)
    assert [
        [tr["data-criterion"] for tr in body.select("tr[data-criterion]")]
        for body in html.select("#score-matrix tbody")
    ] == [
        ["1a", "1b", "1c", "1d", "1e"],
        ["2a", "2b", "2c", "2d"],
        ["3a", "3b", "3c"],
        ["4a", "4b"],
    ]
    assert html.select_one("#score-matrix tbody th[scope=rowgroup]").get_text(strip=True) == (
        "Group 1: Consideration should be given to schemes that:"
    )


def test_score_matrix_shows_justifications_and_a_moderate_link_for_the_chair(signed_in, demo_user):
    disagree_on_1e(demo_user)

    html = page(signed_in(CHAIR).get(MATRIX))

    justifications = html.select_one("details[data-justifications='1e'] dl")
    assert [dt.get_text(strip=True) for dt in justifications.select("dt")] == [
        "Rhodri Williams (1)",
        "Siân Morgan (3)",
    ]
    assert justifications.select("dd")[1].get_text(strip=True) == (
        "Second opinion: No account of financial redesign or resource shift between sectors."
    )
    link = html.select_one("tr[data-criterion='1e'] a")
    assert (link.get_text(" ", strip=True), link["href"]) == ("Moderate criterion 1e", MODERATE_1E)


def test_score_matrix_is_not_found_for_a_chair_conflicted_on_the_application(signed_in, demo_user):
    ConflictOfInterest.objects.create(
        reviewer=demo_user(CHAIR), application=cav(), kind=ConflictKind.PERSONAL
    )

    client = signed_in(CHAIR)

    assert client.get(MATRIX).status_code == 404
    assert client.get(MODERATE_1E).status_code == 404


def test_score_matrix_of_another_rounds_application_is_not_found_for_its_non_chair():
    round, (one,) = panel_round(chair=UserFactory(role=Role.REVIEWER))
    application = panel_application(round)
    client = Client()
    client.force_login(Round.objects.get(code="2020-22").panel_chair)

    response = client.get(f"/applications/{application.reference}/scores/")

    assert response.status_code == 404


def matrix_queries(client, application):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/applications/{application.reference}/scores/")
    assert response.status_code == 200
    return len(queries)


def test_score_matrix_keeps_a_flat_number_of_queries_as_reviewers_and_scores_grow():
    chair = UserFactory(role=Role.REVIEWER)
    small_round, small_criteria = panel_round(weights=("1", "2"), chair=chair)
    large_round, large_criteria = panel_round(weights=("1", "2", "0.5") * 3, chair=chair)
    small = panel_application(small_round)
    large = panel_application(large_round)
    panel_review(small, panel_reviewer(), dict.fromkeys(small_criteria, 2))
    for index in range(6):
        panel_review(large, panel_reviewer(), {c: (index + c.position) % 6 for c in large_criteria})
    moderation_record(
        application=large,
        criterion=large_criteria[0],
        score=3,
        rationale="Agreed.",
        acting_user=chair,
    )
    client = Client()
    client.force_login(chair)

    assert matrix_queries(client, small) == matrix_queries(client, large)


# Moderating ------------------------------------------------------------------------------


def test_chair_records_a_moderation_with_a_history_row(signed_in, demo_user):
    disagree_on_1e(demo_user)
    chair = demo_user(CHAIR)

    response = signed_in(CHAIR).post(
        MODERATE_1E, {"score": "2", "rationale": "Agreed at the panel: partly addressed."}
    )

    assert response.status_code == 302
    assert response["Location"] == MATRIX
    moderation = Moderation.objects.get(application__reference=CAV)
    assert (moderation.criterion.label, moderation.score, moderation.moderated_by) == (
        "1e",
        2,
        chair,
    )
    assert moderation.rationale == "Agreed at the panel: partly addressed."
    history = list(moderation.history.all())
    assert [(h.history_type, h.history_user, h.score) for h in history] == [("+", chair, 2)]


def test_moderated_criterion_shows_as_moderated_and_the_flag_goes(signed_in, demo_user):
    disagree_on_1e(demo_user)
    client = signed_in(CHAIR)
    client.post(MODERATE_1E, {"score": "2", "rationale": "Agreed at the panel."})

    response = client.get(MATRIX)

    html = page(response)
    final = html.select_one("tr[data-criterion='1e'] [data-final]")
    assert final.select_one("[data-final-score]").get_text(strip=True) == "2"
    assert final.select_one(".govuk-tag").get_text(strip=True) == "Moderated"
    assert final.select_one("[data-rationale]").get_text(strip=True) == "Agreed at the panel."
    assert html.select("[data-disagreement]") == []
    assert html.select_one("dd[data-flagged]")["data-flagged"] == "no"
    assert html.select_one(".govuk-notification-banner__heading").get_text(strip=True) == (
        "The moderated score for criterion 1e is 2."
    )
    assert [td.get_text(strip=True) for td in html.select("#moderation-history tbody td")[1:5]] == [
        "1e",
        "2",
        "Agreed at the panel.",
        "Alun Thomas",
    ]


def test_chair_changes_a_moderation_and_both_are_in_the_history(demo_user):
    chair = demo_user(CHAIR)
    one_a = criterion("1a")
    moderation_record(
        application=cav(), criterion=one_a, score=4, rationale="First.", acting_user=chair
    )

    moderation_record(
        application=cav(), criterion=one_a, score=3, rationale="Second.", acting_user=chair
    )

    moderation = Moderation.objects.get(application__reference=CAV, criterion=one_a)
    assert (moderation.score, moderation.rationale) == (3, "Second.")
    assert [(h.score, h.rationale, h.history_user) for h in moderation.history.all()] == [
        (3, "Second.", chair),
        (4, "First.", chair),
    ]


def test_moderated_score_outside_the_scale_is_refused_with_a_message(signed_in):
    response = signed_in(CHAIR).post(MODERATE_1E, {"score": "6", "rationale": "Off the scale."})

    assert response.status_code == 200
    assert error_summary(response) == ["Choose a moderated score from 0 to 5"]
    assert page(response).title.get_text(strip=True).startswith("Error: ")
    assert Moderation.objects.count() == 0


def test_moderated_score_without_rationale_is_refused_with_a_message(signed_in):
    response = signed_in(CHAIR).post(MODERATE_1E, {"score": "3", "rationale": "   "})

    assert response.status_code == 200
    assert error_summary(response) == ["Enter the rationale for the moderated score"]
    assert Moderation.objects.count() == 0


def test_moderation_without_score_or_rationale_lists_both_errors(signed_in):
    response = signed_in(CHAIR).post(MODERATE_1E, {})

    assert error_summary(response) == [
        "Choose the moderated score",
        "Enter the rationale for the moderated score",
    ]
    assert Moderation.objects.count() == 0


def test_moderation_record_refuses_outside_scale_and_missing_rationale(demo_user):
    chair = demo_user(CHAIR)

    with pytest.raises(Refused) as outside:
        moderation_record(
            application=cav(), criterion=criterion("1a"), score=7, rationale="x", acting_user=chair
        )
    with pytest.raises(Refused) as blank:
        moderation_record(
            application=cav(), criterion=criterion("1a"), score=3, rationale=" ", acting_user=chair
        )

    assert (str(outside.value.message), outside.value.errors) == (
        "Choose a moderated score from 0 to 5",
        {"score": "Choose a moderated score from 0 to 5"},
    )
    assert (str(blank.value.message), blank.value.errors) == (
        "Enter the rationale for the moderated score",
        {"rationale": "Enter the rationale for the moderated score"},
    )
    assert Moderation.objects.count() == 0


def test_moderation_record_refuses_a_criterion_of_another_set(demo_user):
    other_set_criterion = criterion("1", code="2018-19")

    with pytest.raises(Refused) as refused:
        moderation_record(
            application=cav(),
            criterion=other_set_criterion,
            score=3,
            rationale="Agreed.",
            acting_user=demo_user(CHAIR),
        )

    assert str(refused.value.message) == "That criterion is not one of this round’s criteria."
    assert Moderation.objects.count() == 0


def test_moderation_record_refuses_a_round_no_longer_in_review(demo_user):
    Round.objects.filter(code="2020-22").update(state=RoundState.DECIDED)

    with pytest.raises(Refused) as refused:
        moderation_record(
            application=cav(),
            criterion=criterion("1a"),
            score=3,
            rationale="Agreed.",
            acting_user=demo_user(CHAIR),
        )

    assert str(refused.value.message) == (
        "Scores can be moderated only while the round is in review. It is decided."
    )
    assert Moderation.objects.count() == 0


@pytest.mark.parametrize("email", [MANAGER, ADMIN, *REVIEWERS, APPLICANT_CAV])
def test_moderation_record_refuses_anyone_but_the_chair(demo_user, email):
    with pytest.raises(PermissionDenied):
        moderation_record(
            application=cav(),
            criterion=criterion("1a"),
            score=3,
            rationale="Agreed.",
            acting_user=demo_user(email),
        )

    assert Moderation.objects.count() == 0


@pytest.mark.parametrize(
    ("email", "status"),
    [
        (MANAGER, 403),
        (ADMIN, 403),
        ("reviewer1@example.org", 404),
        ("reviewer3@example.org", 404),
        (APPLICANT_CAV, 404),
        (APPLICANT_HDD, 404),
    ],
)
def test_moderation_post_by_another_role_is_refused_and_changes_nothing(signed_in, email, status):
    response = signed_in(email).post(MODERATE_1E, {"score": "3", "rationale": "Agreed."})

    assert response.status_code == status
    assert Moderation.objects.count() == 0


def test_moderation_post_by_a_conflicted_chair_is_not_found(signed_in, demo_user):
    ConflictOfInterest.objects.create(
        reviewer=demo_user(CHAIR), application=cav(), kind=ConflictKind.FINANCIAL
    )

    response = signed_in(CHAIR).post(MODERATE_1E, {"score": "3", "rationale": "Agreed."})

    assert response.status_code == 404
    assert Moderation.objects.count() == 0


def test_programme_manager_named_as_chair_may_moderate(signed_in, demo_user):
    Round.objects.filter(code="2020-22").update(panel_chair=demo_user(MANAGER))

    response = signed_in(MANAGER).post(MODERATE_1E, {"score": "3", "rationale": "Agreed."})

    assert response.status_code == 302
    assert Moderation.objects.get().moderated_by == demo_user(MANAGER)


def test_moderation_post_without_csrf_token_is_refused(demo_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(CHAIR))

    response = client.post(MODERATE_1E, {"score": "3", "rationale": "Agreed."})

    assert response.status_code == 403
    assert Moderation.objects.count() == 0


def test_moderate_page_shows_reviewers_scores_and_the_scale(signed_in, demo_user):
    disagree_on_1e(demo_user)

    html = page(signed_in(CHAIR).get(MODERATE_1E))

    assert html.h1.get_text(strip=True) == "Moderate criterion 1e"
    assert [
        [cell.get_text(strip=True) for cell in tr.select("th, td")[:2]]
        for tr in html.select("#reviewers-scores tbody tr")
    ] == [["Rhodri Williams", "1"], ["Siân Morgan", "3"]]
    assert [radio["value"] for radio in html.select("input[name=score]")] == [
        "0", "1", "2", "3", "4", "5",
    ]  # fmt: skip
    three = html.select_one("input[name=score][value='3']")["id"]
    assert html.select_one(f"label[for={three}]").get_text(strip=True) == (
        "3 – Adequate: meets the criterion with some gaps"
    )


# The disagreements list and calibration --------------------------------------------------


def test_moderation_queue_lists_flagged_applications_with_their_criteria(signed_in, demo_user):
    disagree_on_1e(demo_user)

    html = page(signed_in(CHAIR).get(QUEUE))

    rows = html.select("#flagged tbody tr[data-reference]")
    assert [tr["data-reference"] for tr in rows] == [CAV]
    assert rows[0].select_one("[data-flagged-criteria]").get_text(strip=True) == "1e"
    assert rows[0].select_one("a")["href"] == MATRIX


def test_moderation_queue_is_empty_once_the_criterion_is_moderated(signed_in, demo_user):
    disagree_on_1e(demo_user)
    client = signed_in(CHAIR)
    client.post(MODERATE_1E, {"score": "2", "rationale": "Agreed."})

    html = page(client.get(QUEUE))

    assert html.select("#flagged tbody tr[data-reference]") == []


def test_moderation_queue_leaves_out_an_application_the_chair_is_conflicted_on(
    signed_in, demo_user
):
    disagree_on_1e(demo_user)
    ConflictOfInterest.objects.create(
        reviewer=demo_user(CHAIR), application=cav(), kind=ConflictKind.OTHER
    )

    html = page(signed_in(CHAIR).get(QUEUE))

    assert html.select("#flagged tbody tr[data-reference]") == []


def test_calibration_page_compares_each_reviewer_with_the_panel(signed_in, demo_user):
    disagree_on_1e(demo_user)

    html = page(signed_in(MANAGER).get(CALIBRATION))

    assert [
        [td.get_text(strip=True) for td in tr.select("th, td")]
        for tr in html.select("#calibration tbody tr")
    ] == [
        # 14 shared scores; 1e is 1 against 3, so each is 1/14 = 0.07 from the panel mean.
        ["Rhodri Williams", "1", "14", "2.79", "2.86", "-0.07", "In line"],
        ["Siân Morgan", "1", "14", "2.93", "2.86", "+0.07", "In line"],
    ]


def calibration_queries(client, round):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/rounds/{round.code}/calibration/")
    assert response.status_code == 200
    return len(queries)


def test_calibration_page_keeps_a_flat_number_of_queries_as_the_panel_grows(signed_in):
    small, small_criteria = panel_round(weights=("1",))
    large, large_criteria = panel_round(weights=("1", "2", "3", "4"))
    application = panel_application(small)
    for _ in range(2):
        panel_review(application, panel_reviewer(), dict.fromkeys(small_criteria, 3))
    for index in range(4):
        application = panel_application(large)
        for reviewer in range(index + 2):
            panel_review(
                application,
                panel_reviewer(),
                {c: (reviewer + c.position) % 6 for c in large_criteria},
            )
    client = signed_in(MANAGER)

    assert calibration_queries(client, small) == calibration_queries(client, large)


def test_round_scores_percentages_are_exact_for_weighted_criteria(demo_user):
    """A set with weights other than 1 reaches the ranking exactly (see test_aggregation)."""
    from criteria.domain.aggregation import round_scores

    round, criteria = panel_round(weights=("0.5", "1.5"))
    application = panel_application(round)
    panel_review(application, panel_reviewer(), {criteria[0]: 5, criteria[1]: 1})

    score = round_scores(round)[application.pk]

    assert (score.final_total, score.max_total, score.percentage) == (
        Decimal("4.0"),
        Decimal("10.0"),
        Decimal("40.00"),
    )
