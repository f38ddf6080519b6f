"""Feedback release: refused until every application is decided; then each board reads its own."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from criteria.demo import create_demo_users
from criteria.demo.decisions import create_demo_decisions
from criteria.domain.feedback import feedback_release
from criteria.models import Assignment, Moderation, Review, Score
from pacesetter.models import AuditEvent, Organisation, User
from pacesetter.transitions import Refused
from schemes.domain.decisions import decision_record
from schemes.enums import ApplicationStatus, DecisionOutcome, RoundState
from schemes.models import Application, Decision, Round
from tests.factories import ApplicationFactory, BudgetLineFactory, UserFactory
from tests.test_ranking import review

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
CAV = "applicant.cav@example.org"
PTH = "applicant.pth@example.org"
EVERYONE = [
    CAV,
    "applicant.hdd@example.org",
    PTH,
    "reviewer1@example.org",
    "reviewer2@example.org",
    "reviewer3@example.org",
    "chair@example.org",
    MANAGER,
    "admin@example.org",
]
MANAGERS = [MANAGER, "admin@example.org"]


@pytest.fixture
def manager(demo_user):
    return demo_user(MANAGER)


@pytest.fixture
def reviewers(demo_user):
    return [demo_user("reviewer1@example.org"), demo_user("reviewer2@example.org")]


@pytest.fixture
def in_review(reviewers):
    """The demo round in review: Cardiff and Vale and Powys submitted, each scored by two."""
    round = Round.objects.get(code="2027-29")
    now = timezone.now()
    Round.objects.filter(pk=round.pk).update(
        state=RoundState.IN_REVIEW,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=1),
    )
    round.refresh_from_db()
    criteria = round.criteria_set.criteria.count()
    for code in ("CAV", "PTH"):
        application = ApplicationFactory(
            reference=f"PS-2027-{code}-001",
            round=round,
            organisation=Organisation.objects.get(code=code),
            status=ApplicationStatus.SUBMITTED,
        )
        BudgetLineFactory(application=application, amount=Decimal("300000.00"))
        for number, reviewer in enumerate(reviewers, start=1):
            review(
                application,
                [(number + index) % 6 for index in range(criteria)],
                reviewer=reviewer,
                justifications={
                    index: f"{code} justification {index + 1} from reviewer {number}."
                    for index in range(criteria)
                },
            )
    return round


@pytest.fixture
def cav(in_review):
    return in_review.applications.get(reference="PS-2027-CAV-001")


@pytest.fixture
def pth(in_review):
    return in_review.applications.get(reference="PS-2027-PTH-001")


@pytest.fixture
def decided(in_review, cav, pth, manager):
    decision_record(
        application=cav,
        outcome=DecisionOutcome.APPROVED,
        approved_amount=Decimal("250000.00"),
        conditions="Quarterly delivery reports.",
        acting_user=manager,
    )
    decision_record(
        application=pth,
        outcome=DecisionOutcome.DECLINED,
        reasons="The evaluation plan is not yet strong enough.",
        acting_user=manager,
    )
    in_review.refresh_from_db()
    return in_review


@pytest.fixture
def released(decided, manager):
    return feedback_release(round=decided, acting_user=manager)


# Releasing -----------------------------------------------------------------------------------


def test_release_is_refused_while_an_application_has_no_decision(in_review, cav, manager):
    decision_record(
        application=cav,
        outcome=DecisionOutcome.APPROVED,
        approved_amount=Decimal("1.00"),
        acting_user=manager,
    )

    with pytest.raises(Refused) as refused:
        feedback_release(round=in_review, acting_user=manager)

    in_review.refresh_from_db()
    assert refused.value.message == (
        "Feedback cannot be released until every submitted application is approved or "
        "declined. Still to decide: PS-2027-PTH-001."
    )
    assert in_review.feedback_released_at is None


def test_release_is_refused_while_an_application_is_deferred(in_review, cav, pth, manager):
    decision_record(application=cav, outcome=DecisionOutcome.DEFERRED, acting_user=manager)
    decision_record(
        application=pth, outcome=DecisionOutcome.DECLINED, reasons="No.", acting_user=manager
    )

    with pytest.raises(Refused) as refused:
        feedback_release(round=in_review, acting_user=manager)

    assert refused.value.message == (
        "Feedback cannot be released until every submitted application is approved or "
        "declined. Still to decide: PS-2027-CAV-001."
    )


def test_release_of_a_round_with_nothing_decided_is_refused(manager):
    round = Round.objects.get(code="2027-29")

    with pytest.raises(Refused) as refused:
        feedback_release(round=round, acting_user=manager)

    assert refused.value.message == (
        "No application in this round has been decided, so there is no feedback."
    )


def test_release_records_when_and_who(decided, manager):
    now = timezone.now()

    feedback_release(round=decided, acting_user=manager, now=now)

    decided.refresh_from_db()
    assert (decided.feedback_released_at, decided.feedback_released_by) == (now, manager)
    assert decided.state == RoundState.DECIDED
    assert decided.history.latest().history_user == manager


def test_release_emails_each_applicant_of_each_decided_board_once(
    decided, manager, django_capture_on_commit_callbacks
):
    second_cav = UserFactory(
        email="second.cav@example.org", organisation=Organisation.objects.get(code="CAV")
    )

    with django_capture_on_commit_callbacks(execute=True):
        feedback_release(round=decided, acting_user=manager)

    assert sorted(message.to for message in mail.outbox) == [
        [CAV],
        [PTH],
        [second_cav.email],
    ]
    assert {message.subject for message in mail.outbox} == {
        "Feedback on your application to Pacesetter 2027-29"
    }
    cav_mail = next(message for message in mail.outbox if message.to == [CAV])
    assert "PS-2027-CAV-001" in cav_mail.body
    assert "approved at £250,000.00" in cav_mail.body
    assert "PS-2027-PTH-001" not in cav_mail.body


def test_release_emails_in_each_applicants_language(
    decided, manager, django_capture_on_commit_callbacks
):
    User.objects.filter(email=CAV).update(language="cy")

    with django_capture_on_commit_callbacks(execute=True):
        feedback_release(round=decided, acting_user=manager)

    # No Welsh catalogue yet: the point is that the language is switched per person.
    assert len(mail.outbox) == 2


def test_a_second_release_is_refused_and_sends_nothing(
    released, manager, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    released_at = released.feedback_released_at

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Refused) as refused,
    ):
        feedback_release(round=released, acting_user=manager)

    released.refresh_from_db()
    assert refused.value.message == (
        f"Feedback for this round was released on {timezone.localtime(released_at):%-d %B %Y}."
    )
    assert mail.outbox == []
    assert released.feedback_released_at == released_at


@pytest.mark.parametrize("email", [CAV, "reviewer1@example.org", "chair@example.org"])
def test_release_by_anyone_but_a_programme_manager_is_refused(decided, demo_user, email):
    with pytest.raises(PermissionDenied):
        feedback_release(round=decided, acting_user=demo_user(email))

    decided.refresh_from_db()
    assert decided.feedback_released_at is None


# The release page ----------------------------------------------------------------------------


def release_url(round):
    return f"/rounds/{round.code}/feedback/"


def test_release_page_lists_the_decisions_and_offers_the_button(signed_in, decided):
    response = signed_in(MANAGER).get(release_url(decided))

    soup = BeautifulSoup(response.content, "html.parser")
    assert [
        (row["data-reference"], row.select_one("[data-decision]").get_text(strip=True))
        for row in soup.select("#decisions tbody tr")
    ] == [("PS-2027-CAV-001", "Approved"), ("PS-2027-PTH-001", "Declined")]
    assert soup.select_one("main form button").get_text(strip=True) == (
        "Release feedback to applicants"
    )


def test_release_page_explains_why_it_cannot_release_yet(signed_in, in_review):
    response = signed_in(MANAGER).get(release_url(in_review))

    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select("main form button") == []
    assert soup.select_one("[data-problem]").get_text(strip=True) == (
        "Feedback cannot be released until every submitted application is approved or "
        "declined. Still to decide: PS-2027-CAV-001, PS-2027-PTH-001."
    )


def test_release_page_post_before_every_decision_is_refused_with_the_reason(signed_in, in_review):
    response = signed_in(MANAGER).post(release_url(in_review))

    soup = BeautifulSoup(response.content, "html.parser")
    in_review.refresh_from_db()
    assert response.status_code == 200
    assert soup.select_one("[data-refusal]").get_text(strip=True) == (
        "Feedback cannot be released until every submitted application is approved or "
        "declined. Still to decide: PS-2027-CAV-001, PS-2027-PTH-001."
    )
    assert in_review.feedback_released_at is None


def test_release_page_releases_then_says_so(signed_in, decided):
    client = signed_in(MANAGER)

    response = client.post(release_url(decided), follow=True)

    soup = BeautifulSoup(response.content, "html.parser")
    decided.refresh_from_db()
    assert decided.feedback_released_at is not None
    assert soup.select_one(".govuk-notification-banner__heading").get_text(strip=True) == (
        "Feedback for Pacesetter 2027-29 has been released. Applicants have been emailed."
    )
    assert soup.select("main form button") == []


def test_release_page_second_post_is_refused(signed_in, released):
    response = signed_in(MANAGER).post(release_url(released))

    soup = BeautifulSoup(response.content, "html.parser")
    assert (
        soup.select_one("[data-refusal]")
        .get_text(strip=True)
        .startswith("Feedback for this round was released on ")
    )


@pytest.mark.parametrize("email", EVERYONE)
def test_release_page_for_every_role(signed_in, decided, email):
    response = signed_in(email).get(release_url(decided))

    assert response.status_code == (200 if email in MANAGERS else 403)


@pytest.mark.parametrize("email", [e for e in EVERYONE if e not in MANAGERS])
def test_release_post_by_anyone_but_a_programme_manager_changes_nothing(signed_in, decided, email):
    response = signed_in(email).post(release_url(decided))

    decided.refresh_from_db()
    assert response.status_code == 403
    assert decided.feedback_released_at is None


def test_release_page_sends_signed_out_visitors_to_sign_in(client, decided):
    response = client.get(release_url(decided))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={release_url(decided)}"


def test_release_post_without_a_csrf_token_is_refused(decided, manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    response = client.post(release_url(decided))

    decided.refresh_from_db()
    assert response.status_code == 403
    assert decided.feedback_released_at is None


# The applicant's feedback --------------------------------------------------------------------


def feedback_url(application):
    return f"/applications/{application.reference}/feedback/"


def test_feedback_shows_the_decision_scores_and_justifications(signed_in, released, cav):
    response = signed_in(CAV).get(feedback_url(cav))

    soup = BeautifulSoup(response.content, "html.parser")
    first = soup.select_one("[data-criterion='1a']")
    assert response.status_code == 200
    assert soup.select_one("#decision [data-outcome]").get_text(strip=True) == "Approved"
    assert soup.select_one("#decision [data-approved-amount]").get_text(strip=True) == (
        "£250,000.00"
    )
    assert "Quarterly delivery reports." in soup.select_one("#decision").get_text()
    assert len(soup.select("[data-criterion]")) == 14
    assert first.select_one("[data-final]").get_text(strip=True) == "1.50 out of 5"
    assert sorted(item.get_text(strip=True) for item in first.select("[data-justification]")) == [
        "CAV justification 1 from reviewer 1.",
        "CAV justification 1 from reviewer 2.",
    ]
    assert [item["data-reviewer"] for item in first.select("[data-reviewer]")] == [
        "Reviewer A",
        "Reviewer B",
    ]


def test_feedback_names_no_reviewer(signed_in, released, cav, reviewers, demo_user):
    chair = demo_user("chair@example.org")
    Moderation.objects.create(
        application=cav,
        criterion=cav.round.criteria_set.criteria.get(label="1b"),
        score=3,
        rationale="Agreed at the panel meeting.",
        moderated_by=chair,
    )

    html = signed_in(CAV).get(feedback_url(cav)).content.decode()

    body = html[html.index("<main") : html.index("</main>")]
    for person in [*reviewers, chair, demo_user(MANAGER)]:
        assert person.full_name not in body
        assert person.email not in body
        assert person.email.split("@")[0] not in body
    assert "Agreed at the panel meeting." in body


def test_feedback_reviewer_letters_are_the_same_on_every_visit(signed_in, released, cav):
    client = signed_in(CAV)

    def pairs():
        soup = BeautifulSoup(client.get(feedback_url(cav)).content, "html.parser")
        return [
            (item["data-reviewer"], item.select_one("[data-justification]").get_text(strip=True))
            for item in soup.select("[data-criterion='1a'] [data-reviewer]")
        ]

    assert pairs() == pairs()


def test_feedback_of_a_declined_application_shows_the_reasons(signed_in, released, pth):
    response = signed_in(PTH).get(feedback_url(pth))

    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("#decision [data-outcome]").get_text(strip=True) == "Declined"
    assert (
        "The evaluation plan is not yet strong enough." in soup.select_one("#decision").get_text()
    )


def test_feedback_is_not_found_for_the_applicant_before_release(signed_in, decided, cav):
    response = signed_in(CAV).get(feedback_url(cav))

    assert response.status_code == 404


def test_feedback_before_release_is_a_preview_for_programme_managers(signed_in, decided, cav):
    response = signed_in(MANAGER).get(feedback_url(cav))

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert soup.select_one(".govuk-warning-text__text").get_text(" ", strip=True) == (
        "Warning Feedback for this round has not been released. The health board cannot see "
        "this page yet."
    )


def expected_for_feedback(email):
    if email in (CAV, *MANAGERS):
        return 200
    return 404


@pytest.mark.parametrize("email", EVERYONE)
def test_feedback_page_for_every_role_after_release(signed_in, released, cav, email):
    response = signed_in(email).get(feedback_url(cav))

    assert response.status_code == expected_for_feedback(email)


def test_feedback_page_sends_signed_out_visitors_to_sign_in(client, released, cav):
    response = client.get(feedback_url(cav))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={feedback_url(cav)}"


def test_application_page_links_to_feedback_once_released(signed_in, released, cav):
    response = signed_in(CAV).get(f"/applications/{cav.reference}/")

    soup = BeautifulSoup(response.content, "html.parser")
    block = soup.select_one("#decision-feedback")
    assert block.select_one("p").get_text(strip=True) == (
        f"Approved at £250,000.00 on {timezone.localdate():%-d %B %Y}."
    )
    assert block.select_one("a")["href"] == feedback_url(cav)


def test_application_page_says_nothing_of_feedback_before_release(signed_in, decided, cav):
    response = signed_in(CAV).get(f"/applications/{cav.reference}/")

    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select("#decision-feedback") == []


# Demo data -----------------------------------------------------------------------------------


def test_demo_decisions_approve_hywel_dda_and_release_the_2018_19_feedback():
    create_demo_decisions(create_demo_users())

    round = Round.objects.get(code="2018-19")
    decision = Decision.objects.get(application__reference="PS-2018-HDD-001")
    assert round.state == RoundState.DECIDED
    assert round.feedback_released_by.email == MANAGER
    assert (decision.outcome, decision.approved_amount, decision.conditions) == (
        DecisionOutcome.APPROVED,
        Decimal("488000.00"),
        "Quarterly delivery and learning reports against the agreed metrics.",
    )
    assert (
        Review.objects.filter(assignment__application=decision.application).count(),
        Score.objects.filter(review__assignment__application=decision.application).count(),
    ) == (2, 16)


def test_demo_decisions_twice_change_nothing_the_second_time():
    users = create_demo_users()
    create_demo_decisions(users)
    counts = [model.objects.count() for model in (Assignment, Review, Score, Decision, AuditEvent)]
    released_at = Round.objects.get(code="2018-19").feedback_released_at

    create_demo_decisions(users)

    assert [
        model.objects.count() for model in (Assignment, Review, Score, Decision, AuditEvent)
    ] == counts
    assert Round.objects.get(code="2018-19").feedback_released_at == released_at
    assert Application.objects.get(reference="PS-2018-HDD-001").status == "approved"


def test_demo_hywel_dda_feedback_is_readable_by_its_applicant(signed_in):
    create_demo_decisions(create_demo_users())

    response = signed_in("applicant.hdd@example.org").get("/applications/PS-2018-HDD-001/feedback/")

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert [row["data-criterion"] for row in soup.select("[data-criterion]")] == [
        str(n) for n in range(1, 9)
    ]


def test_applicant_sees_submitted_not_the_decision_until_feedback_is_released(signed_in):
    from schemes.enums import ApplicationStatus
    from schemes.models import Application, Round

    application = Application.objects.get(reference="PS-2020-CAV-001")
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.APPROVED)
    Round.objects.filter(pk=application.round_id).update(feedback_released_at=None)

    applicant_home = signed_in("applicant.cav@example.org").get("/").content.decode()
    manager_page = signed_in("manager@example.org").get(application.get_absolute_url())

    assert ">Submitted</strong>" in applicant_home
    assert ">Approved</strong>" not in applicant_home
    assert ">Approved</strong>" in manager_page.content.decode()
