"""Assigning reviewers: by hand or in bulk, balanced, and never to anyone conflicted."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.utils import timezone
from hypothesis import given

from criteria.domain import assignments as domain
from criteria.enums import ConflictKind
from criteria.models import Assignment, ConflictOfInterest
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent, Organisation, User
from pacesetter.transitions import Refused
from schemes.enums import ApplicationStatus, RoundState
from schemes.models import Round
from tests.factories import ApplicationFactory
from tests.hostile_queries import LIST_SETTINGS, query_strings

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
REVIEWER_EMAILS = [
    "chair@example.org",
    "reviewer1@example.org",
    "reviewer2@example.org",
    "reviewer3@example.org",
]


@pytest.fixture
def manager(demo_user):
    return demo_user(MANAGER)


@pytest.fixture
def closed_round():
    """The demo round, closed, with one submitted application from each of four boards."""
    round = Round.objects.get(code="2027-29")
    now = timezone.now()
    Round.objects.filter(pk=round.pk).update(
        state=RoundState.CLOSED,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=1),
    )
    for code in ("CAV", "HDD", "PTH", "ABB"):
        ApplicationFactory(
            reference=f"PS-2027-{code}-001",
            round=round,
            organisation=Organisation.objects.get(code=code),
            status=ApplicationStatus.SUBMITTED,
        )
    round.refresh_from_db()
    return round


def live_pairs(round):
    return sorted(
        Assignment.objects.filter(application__round=round)
        .active()
        .values_list("application__reference", "reviewer__email")
    )


def test_bulk_assignment_gives_every_application_its_reviewers_and_balances_load(
    closed_round, manager
):
    result = domain.assignments_balance(round=closed_round, per_application=2, acting_user=manager)

    pairs = live_pairs(closed_round)
    per_application = {}
    load = {}
    for reference, email in pairs:
        per_application[reference] = per_application.get(reference, 0) + 1
        load[email] = load.get(email, 0) + 1
    assert len(result.created) == 8
    assert result.short == {}
    assert set(per_application.values()) == {2}
    assert sorted(load.values()) == [2, 2, 2, 2]  # 8 places over 4 reviewers


def test_bulk_assignment_never_assigns_reviewer3_to_cardiff_and_vale(closed_round, manager):
    domain.assignments_balance(round=closed_round, per_application=4, acting_user=manager)

    pairs = live_pairs(closed_round)
    assert ("PS-2027-CAV-001", "reviewer3@example.org") not in pairs
    assert [email for ref, email in pairs if ref == "PS-2027-CAV-001"] == [
        "chair@example.org",
        "reviewer1@example.org",
        "reviewer2@example.org",
    ]


def test_bulk_assignment_reports_applications_it_cannot_fill(closed_round, manager):
    result = domain.assignments_balance(round=closed_round, per_application=4, acting_user=manager)

    assert result.short == {"PS-2027-CAV-001": 1}


def test_bulk_assignment_skips_declared_conflicts(closed_round, manager, demo_user):
    ConflictOfInterest.objects.create(
        reviewer=demo_user("reviewer1@example.org"),
        organisation=Organisation.objects.get(code="HDD"),
        kind=ConflictKind.PERSONAL,
    )

    domain.assignments_balance(round=closed_round, per_application=3, acting_user=manager)

    assert ("PS-2027-HDD-001", "reviewer1@example.org") not in live_pairs(closed_round)


def test_bulk_assignment_twice_adds_nothing_more(closed_round, manager):
    domain.assignments_balance(round=closed_round, per_application=2, acting_user=manager)

    again = domain.assignments_balance(round=closed_round, per_application=2, acting_user=manager)

    assert again.created == []
    assert len(live_pairs(closed_round)) == 8


def test_first_assignment_moves_the_round_into_review_with_an_audit_row(closed_round, manager):
    domain.assignments_balance(round=closed_round, per_application=1, acting_user=manager)

    closed_round.refresh_from_db()
    event = AuditEvent.objects.get(
        round_pk=closed_round.pk, action=AuditAction.ROUND_REVIEW_STARTED
    )
    assert closed_round.state == RoundState.IN_REVIEW
    assert (event.from_state, event.to_state, event.actor) == ("closed", "in_review", manager)


def test_assignment_emails_each_reviewer_once_committed(
    closed_round, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        domain.assignments_balance(round=closed_round, per_application=1, acting_user=manager)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        email for _ref, email in live_pairs(closed_round)
    )
    assert all(m.subject.startswith("You have been asked to review PS-2027-") for m in mail.outbox)


def test_assigning_a_conflicted_reviewer_is_refused_with_the_reason(closed_round, manager):
    application = closed_round.applications.get(reference="PS-2027-CAV-001")
    reviewer3 = User.objects.get(email="reviewer3@example.org")

    with pytest.raises(Refused) as refused:
        domain.assignment_create(application=application, reviewer=reviewer3, acting_user=manager)

    assert refused.value.message == (
        "Gareth Lloyd cannot review PS-2027-CAV-001: Gareth Lloyd is employed by "
        "Cardiff and Vale University Health Board."
    )
    assert not Assignment.objects.filter(reviewer=reviewer3, application=application).exists()


def test_assignment_before_the_round_closes_is_refused(manager):
    round = Round.objects.get(code="2027-29")
    application = ApplicationFactory(
        round=round,
        organisation=Organisation.objects.get(code="HDD"),
        status=ApplicationStatus.SUBMITTED,
    )

    with pytest.raises(Refused) as refused:
        domain.assignment_create(
            application=application,
            reviewer=User.objects.get(email="reviewer1@example.org"),
            acting_user=manager,
        )

    assert refused.value.message == (
        "Reviewers can be assigned only after the round has closed. It is open."
    )
    assert not Assignment.objects.filter(application=application).exists()


def test_assigning_a_draft_application_or_a_non_reviewer_is_refused(closed_round, manager):
    draft = ApplicationFactory(
        round=closed_round, organisation=Organisation.objects.get(code="BCU")
    )
    submitted = closed_round.applications.get(reference="PS-2027-HDD-001")

    with pytest.raises(Refused):
        domain.assignment_create(
            application=draft,
            reviewer=User.objects.get(email="reviewer1@example.org"),
            acting_user=manager,
        )
    with pytest.raises(Refused):
        domain.assignment_create(
            application=submitted,
            reviewer=User.objects.get(email="applicant.pth@example.org"),
            acting_user=manager,
        )
    assert Assignment.objects.filter(application__round=closed_round).count() == 0


def test_assignments_page_assigns_in_bulk(signed_in, closed_round):
    client = signed_in(MANAGER)

    response = client.post(
        "/rounds/2027-29/assignments/", {"per_application": "2", "assign_bulk": "Assign"}
    )

    assert response.status_code == 302
    page = client.get("/rounds/2027-29/assignments/").content.decode()
    assert "8 reviewer assignments made." in page
    assert len(live_pairs(closed_round)) == 8


def test_assignments_page_refuses_a_conflicted_reviewer_with_the_reason(signed_in, closed_round):
    application = closed_round.applications.get(reference="PS-2027-CAV-001")
    reviewer3 = User.objects.get(email="reviewer3@example.org")

    response = signed_in(MANAGER).post(
        "/rounds/2027-29/assignments/",
        {"one-application": application.pk, "one-reviewer": reviewer3.pk, "assign_one": "Assign"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Gareth Lloyd is employed by Cardiff and Vale University Health Board." in content
    assert live_pairs(closed_round) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"per_application": "0"}, "Each application needs at least 1 reviewer"),
        ({"per_application": "two"}, "Enter a whole number, like 2"),
        ({"per_application": ""}, "Enter how many reviewers each application needs"),
        (
            {"per_application": "2", "due_date_0": "1", "due_date_1": "1", "due_date_2": "2020"},
            "The due date must be today or in the future",
        ),
    ],
)
def test_assignments_page_bad_bulk_input_changes_nothing(signed_in, closed_round, data, message):
    response = signed_in(MANAGER).post(
        "/rounds/2027-29/assignments/", {**data, "assign_bulk": "Assign"}
    )

    assert message in response.content.decode()
    assert live_pairs(closed_round) == []


def test_assignments_page_before_closing_shows_the_refusal(signed_in):
    response = signed_in(MANAGER).post(
        "/rounds/2027-29/assignments/", {"per_application": "2", "assign_bulk": "Assign"}
    )

    assert "Reviewers can be assigned only after the round has closed." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("manager@example.org", 200),
        ("admin@example.org", 200),
        ("applicant.cav@example.org", 403),
        ("reviewer1@example.org", 403),
        ("reviewer3@example.org", 403),
        ("chair@example.org", 403),
    ],
)
def test_assignments_page_for_every_role(signed_in, email, expected):
    assert signed_in(email).get("/rounds/2020-22/assignments/").status_code == expected


def test_assignments_page_shows_who_reviews_what_and_progress(signed_in):
    content = signed_in(MANAGER).get("/rounds/2020-22/assignments/").content.decode()

    assert 'data-reviewer="reviewer1@example.org">Rhodri Williams (submitted)' in content
    assert 'data-reviewer="reviewer2@example.org">Siân Morgan (in progress)' in content
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-needs>0</td>' in content


def test_reviewer_progress_counts_only_the_rounds_live_assignments():
    from criteria.models import Assignment
    from tests.factories.panel import (
        panel_application,
        panel_review,
        panel_reviewer,
        panel_round,
    )

    round, (criterion,) = panel_round()
    other_round, (other_criterion,) = panel_round()
    ann, bryn, cai = (panel_reviewer(full_name=name) for name in ("Ann", "Bryn", "Cai"))
    first, second, third = (panel_application(round) for _ in range(3))
    panel_review(first, ann, {criterion: 3})  # submitted
    panel_review(second, ann, {criterion: 2}, submitted=False)  # in progress
    Assignment.objects.create(application=third, reviewer=ann, assigned_by=ann)  # not started
    withdrawn = panel_review(third, bryn, {criterion: 1}).assignment
    Assignment.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    panel_review(panel_application(other_round), bryn, {other_criterion: 4})

    progress = {
        row.reviewer.full_name: (row.assigned, row.not_started, row.in_progress, row.submitted)
        for row in domain.reviewer_progress(round)
    }

    assert (progress["Ann"], progress["Bryn"], progress["Cai"]) == (
        (3, 1, 1, 1),
        (0, 0, 0, 0),  # withdrawn here; the other round's review is not this round's
        (0, 0, 0, 0),
    )


def test_assignments_post_without_csrf_token_is_refused(demo_user, closed_round):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(MANAGER))

    response = client.post(
        "/rounds/2027-29/assignments/", {"per_application": "2", "assign_bulk": "Assign"}
    )

    assert response.status_code == 403
    assert live_pairs(closed_round) == []


def test_assignments_page_query_count_is_flat(
    signed_in, closed_round, manager, django_assert_max_num_queries
):
    client = signed_in(MANAGER)
    domain.assignments_balance(round=closed_round, per_application=2, acting_user=manager)
    client.get("/rounds/2027-29/assignments/")
    with django_assert_max_num_queries(30) as few:
        client.get("/rounds/2027-29/assignments/")
    for code in ("BCU", "CTM", "SBU"):
        for _ in range(5):
            ApplicationFactory(
                round=closed_round,
                organisation=Organisation.objects.get(code=code),
                status=ApplicationStatus.SUBMITTED,
            )
    domain.assignments_balance(round=closed_round, per_application=3, acting_user=manager)
    with django_assert_max_num_queries(30) as many:
        client.get("/rounds/2027-29/assignments/")

    assert len(many.captured_queries) == len(few.captured_queries)


def assignments_page(client, query=""):
    response = client.get(f"/rounds/2027-29/assignments/{query}")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def assignment_rows(soup):
    return [row["data-reference"] for row in soup.select("#applications tbody tr")]


@pytest.fixture
def crowded_round(closed_round):
    """The closed demo round with 56 more submitted applications, 60 in all."""
    boards = list(Organisation.objects.health_boards())
    for number in range(56):
        ApplicationFactory(
            reference=f"PS-2027-ZZ-{number:03d}",
            title=f"Crowded scheme {number:03d}",
            round=closed_round,
            organisation=boards[number % len(boards)],
            status=ApplicationStatus.SUBMITTED,
        )
    return closed_round


def test_assignments_page_shows_fifty_applications_then_the_rest(signed_in, crowded_round):
    client = signed_in(MANAGER)

    first = assignments_page(client)
    second = assignments_page(client, "?page=2")

    assert len(assignment_rows(first)) == 50
    assert assignment_rows(second) == [f"PS-2027-ZZ-{n:03d}" for n in range(46, 56)]
    assert first.select_one("[data-list-count]").get_text(strip=True) == (
        "Showing 1 to 50 of 60 applications"
    )
    # The total still needed counts every application, not only those on the page.
    assert " ".join(second.select_one("[data-still-needed]").get_text().split()) == (
        "Applications still need 120 reviewers in all. Each application should have 2 reviewers."
    )


@pytest.mark.parametrize(("query", "expected"), [("?page=abc", 50), ("?page=99999", 10)])
def test_assignments_page_junk_or_out_of_range_page_shows_a_real_page(
    signed_in, crowded_round, query, expected
):
    soup = assignments_page(signed_in(MANAGER), query)

    assert len(assignment_rows(soup)) == expected


def test_assignments_page_searches_and_filters_by_organisation(signed_in, crowded_round):
    client = signed_in(MANAGER)

    searched = assignments_page(client, "?search=crowded+scheme+05")
    by_board = assignments_page(client, "?organisation=CAV&search=PS-2027-CAV")

    assert assignment_rows(searched) == [f"PS-2027-ZZ-{n:03d}" for n in range(50, 56)]
    assert assignment_rows(by_board) == ["PS-2027-CAV-001"]


def test_assignments_page_filters_by_whether_reviewers_are_still_needed(
    signed_in, closed_round, manager
):
    domain.assignment_create(
        application=closed_round.applications.get(reference="PS-2027-ABB-001"),
        reviewer=User.objects.get(email="reviewer1@example.org"),
        acting_user=manager,
    )
    Round.objects.filter(pk=closed_round.pk).update(reviews_per_application=1)
    client = signed_in(MANAGER)

    enough = assignments_page(client, "?needs=no")
    short = assignments_page(client, "?needs=yes")

    assert assignment_rows(enough) == ["PS-2027-ABB-001"]
    assert assignment_rows(short) == ["PS-2027-CAV-001", "PS-2027-HDD-001", "PS-2027-PTH-001"]


def test_assignments_page_sorts_those_needing_most_reviewers_first(
    signed_in, closed_round, manager
):
    domain.assignment_create(
        application=closed_round.applications.get(reference="PS-2027-ABB-001"),
        reviewer=User.objects.get(email="reviewer1@example.org"),
        acting_user=manager,
    )

    soup = assignments_page(signed_in(MANAGER), "?sort=needs")

    assert assignment_rows(soup) == [
        "PS-2027-CAV-001",
        "PS-2027-HDD-001",
        "PS-2027-PTH-001",
        "PS-2027-ABB-001",
    ]


def test_assignments_page_ignores_unknown_filters_and_sorts(signed_in, closed_round):
    soup = assignments_page(signed_in(MANAGER), "?sort=evil&needs=maybe&organisation=NOPE")

    assert assignment_rows(soup) == [
        "PS-2027-ABB-001",
        "PS-2027-CAV-001",
        "PS-2027-HDD-001",
        "PS-2027-PTH-001",
    ]


@LIST_SETTINGS
@given(query=query_strings(["page", "search", "organisation", "needs", "sort"]))
def test_assignments_page_answers_any_query_string_with_a_page(signed_in, query):
    response = signed_in(MANAGER).get("/rounds/2020-22/assignments/", query)

    assert response.status_code == 200


def test_assignments_page_queries_stay_flat_from_five_to_sixty_applications(
    signed_in, closed_round, django_assert_max_num_queries
):
    client = signed_in(MANAGER)
    ApplicationFactory(
        round=closed_round,
        organisation=Organisation.objects.get(code="CAV"),
        status=ApplicationStatus.SUBMITTED,
    )
    client.get("/rounds/2027-29/assignments/")
    with django_assert_max_num_queries(30) as five:
        client.get("/rounds/2027-29/assignments/?page=2")
    for _ in range(55):
        ApplicationFactory(
            round=closed_round,
            organisation=Organisation.objects.get(code="HDD"),
            status=ApplicationStatus.SUBMITTED,
        )
    with django_assert_max_num_queries(30) as sixty:
        client.get("/rounds/2027-29/assignments/?page=2")

    assert len(five.captured_queries) == len(sixty.captured_queries)
