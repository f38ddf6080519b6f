"""Panel review from the reviewer's side: dashboard, score sheet, submit, panel scores, reopen."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from criteria.domain import reviews as domain
from criteria.enums import Recommendation, ReviewStatus
from criteria.models import Assignment, Review, Score
from pacesetter.models import User
from pacesetter.times import govuk_datetime
from pacesetter.transitions import Refused
from schemes.enums import AttachmentKind
from schemes.models import Application, Attachment

pytestmark = pytest.mark.django_db

REVIEWER1 = "reviewer1@example.org"
REVIEWER2 = "reviewer2@example.org"
REVIEWER3 = "reviewer3@example.org"
CHAIR = "chair@example.org"
MANAGER = "manager@example.org"
ADMIN = "admin@example.org"
APPLICANT_CAV = "applicant.cav@example.org"
APPLICANT_HDD = "applicant.hdd@example.org"
EVERYONE = [
    APPLICANT_CAV,
    APPLICANT_HDD,
    "applicant.pth@example.org",
    REVIEWER1,
    REVIEWER2,
    REVIEWER3,
    CHAIR,
    MANAGER,
    ADMIN,
]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
STALE = (
    "Your review was saved somewhere else (perhaps in another tab) after you opened this page. "
    "Nothing you entered here has been saved. Open the page again to see the latest version, "
    "then make your changes."
)


# Arranging.


@pytest.fixture(autouse=True)
def no_assignments(db):
    """Start from a panel with nobody assigned: the demo data's own reviews are left out."""
    Assignment.objects.all().delete()


def application(reference="PS-2020-CAV-001"):
    return Application.objects.get(reference=reference)


def assign(email, reference="PS-2020-CAV-001", **fields):
    """Assign a demo reviewer directly, as a database row (no checks, no email)."""
    return Assignment.objects.create(
        application=application(reference),
        reviewer=User.objects.get(email=email),
        assigned_by=User.objects.get(email=MANAGER),
        **fields,
    )


def criteria_of(assignment):
    return list(assignment.application.round.criteria_set.criteria.order_by("position"))


def review_data(assignment, scores=None, recommendation="", comment="", action="save_draft"):
    """A POST of the score sheet: `scores` maps a criterion to (score, justification)."""
    review = Review.objects.filter(assignment=assignment).first()
    data = {
        "version": review.version if review else 0,
        "recommendation": recommendation,
        "comment": comment,
        action: "",
    }
    for criterion, (score, justification) in (scores or {}).items():
        data[f"score_{criterion.pk}"] = "" if score is None else str(score)
        data[f"justification_{criterion.pk}"] = justification
    return data


def complete_scores(assignment, score=4, who="Reviewer"):
    return {
        criterion: (score, f"{who} justifies {criterion.label}.")
        for criterion in criteria_of(assignment)
    }


def submit_review(assignment, score=4, who="Reviewer", comment="A good scheme."):
    """Submit a complete review through the domain, as its reviewer."""
    return domain.review_submit(
        assignment=assignment,
        expected_version=0,
        acting_user=assignment.reviewer,
        scores={c.pk: value for c, value in complete_scores(assignment, score, who).items()},
        recommendation=Recommendation.FUND,
        comment=comment,
    )


def score_url(assignment):
    return reverse("criteria:score", args=[assignment.pk])


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def text(element):
    return " ".join(element.get_text().split())


def error_summary(response):
    return [text(item) for item in soup_of(response).select(".govuk-error-summary__list li")]


def error_links(response):
    return [a["href"] for a in soup_of(response).select(".govuk-error-summary__list a")]


def field_errors(response, name):
    return [
        text(error).removeprefix("Error: ")
        for error in soup_of(response).select(f"#div_id_{name} .govuk-error-message")
    ]


def messages_on(response):
    return [text(p) for p in soup_of(response).select(".govuk-notification-banner__heading")]


def review_state(assignment):
    """Everything a failed request must leave as it was."""
    review = Review.objects.filter(assignment=assignment).first()
    if review is None:
        return None
    return (
        review.status,
        review.version,
        review.recommendation,
        review.comment,
        review.submitted_at,
        sorted(review.scores.values_list("criterion_id", "score", "justification")),
        review.history.count(),
    )


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def attach(app, name="plan.pdf"):
    attachment = Attachment(
        application=app,
        kind=AttachmentKind.PLAN_ON_A_PAGE,
        original_name=name,
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=User.objects.get(email=APPLICANT_CAV),
    )
    attachment.file.save("plan_on_a_page.pdf", ContentFile(PDF_BYTES), save=True)
    return attachment


# The dashboard and home page.


def dashboard_rows(response):
    return [
        [text(cell) for cell in row.select("td")][:6]
        for row in soup_of(response).select("#assignments tbody tr")
    ]


def test_dashboard_lists_live_assignments_with_status_and_due_date(signed_in):
    today = timezone.localdate()
    assign(REVIEWER1, due_date=today - datetime.timedelta(days=1))
    started = assign(REVIEWER1, "PS-2018-HDD-001", due_date=today + datetime.timedelta(days=7))
    Review.objects.create(assignment=started)

    response = signed_in(REVIEWER1).get("/reviews/")

    assert response.status_code == 200
    assert dashboard_rows(response) == [
        [
            "PS-2020-CAV-001",
            "Embedding Quality Improvement in Primary Care",
            "Cardiff and Vale University Health Board",
            "Pacesetter 2020-22",
            "Not started",
            f"{(today - datetime.timedelta(days=1)):%-d %B %Y} Overdue",
        ],
        [
            "PS-2018-HDD-001",
            "Networked model for primary care contractors",
            "Hywel Dda University Health Board",
            "Pacesetter 2018-19",
            "In progress",
            f"{(today + datetime.timedelta(days=7)):%-d %B %Y}",
        ],
    ]


def test_dashboard_shows_submitted_and_no_due_date(signed_in):
    assignment = assign(REVIEWER1, due_date=timezone.localdate() - datetime.timedelta(days=3))
    submit_review(assignment)

    response = signed_in(REVIEWER1).get("/reviews/")

    assert dashboard_rows(response)[0][4:] == ["Submitted", f"{assignment.due_date:%-d %B %Y}"]
    assign(REVIEWER2)
    assert dashboard_rows(signed_in(REVIEWER2).get("/reviews/"))[0][4:] == [
        "Not started",
        "No due date",
    ]


def test_dashboard_links_to_the_score_sheet_and_the_conflict_page(signed_in):
    assignment = assign(REVIEWER1)

    response = signed_in(REVIEWER1).get("/reviews/")

    links = [(text(a), a["href"]) for a in soup_of(response).select("#assignments tbody a")]
    assert links == [
        ("Start review PS-2020-CAV-001", f"/reviews/{assignment.pk}/"),
        ("Declare a conflict on PS-2020-CAV-001", f"/reviews/{assignment.pk}/conflict/"),
    ]


def test_dashboard_leaves_out_withdrawn_assignments_and_other_reviewers(signed_in):
    assign(REVIEWER1, withdrawn_at=timezone.now(), withdrawn_reason="Moved to another panel")
    assign(REVIEWER2)

    response = signed_in(REVIEWER1).get("/reviews/")

    assert dashboard_rows(response) == []
    assert text(soup_of(response).select_one("main p.govuk-body")) == (
        "You have no applications to review. When a programme manager assigns you one, it "
        "will be listed here."
    )


def test_home_page_of_a_reviewer_is_the_dashboard(signed_in):
    assign(REVIEWER1)

    response = signed_in(REVIEWER1).get("/")

    assert text(soup_of(response).h1) == "Your assignments"
    assert [row[0] for row in dashboard_rows(response)] == ["PS-2020-CAV-001"]


def test_home_page_of_the_chair_keeps_the_panels_they_chair(signed_in):
    assign(CHAIR)

    soup = soup_of(signed_in(CHAIR).get("/"))

    assert [row.td.get_text(strip=True) for row in soup.select("#assignments tbody tr")] == [
        "PS-2020-CAV-001"
    ]
    # The panels they chair lead the page; their own assignments follow (issue 17).
    assert text(soup.h1) == "Panels you chair"
    assert [text(h2) for h2 in soup.select("main h2")] == ["Your assignments"]
    assert [text(a) for a in soup.select("#chaired-rounds a")] == [
        "Pacesetter 2027-29",
        "Pacesetter 2020-22",
        "Pacesetter 2018-19",
    ]


@pytest.mark.parametrize("email", [APPLICANT_CAV, MANAGER, ADMIN])
def test_dashboard_is_for_reviewers_only(signed_in, email):
    response = signed_in(email).get("/reviews/")

    assert response.status_code == 403


def dashboard_queries(client, count, django_assert_max_num_queries):
    reviewer = User.objects.get(email=REVIEWER1)
    from tests.factories.reviews import AssignmentFactory, ReviewFactory

    for number in range(count):
        assignment = AssignmentFactory(
            reviewer=reviewer, due_date=timezone.localdate() + datetime.timedelta(days=number)
        )
        if number % 2:
            ReviewFactory(assignment=assignment)
    with django_assert_max_num_queries(12) as captured:
        response = client.get("/reviews/")
    assert len(dashboard_rows(response)) == Assignment.objects.for_reviewer(reviewer).count()
    return len(captured.captured_queries)


def test_dashboard_queries_stay_flat_as_assignments_grow(signed_in, django_assert_max_num_queries):
    client = signed_in(REVIEWER1)

    few = dashboard_queries(client, 2, django_assert_max_num_queries)
    many = dashboard_queries(client, 30, django_assert_max_num_queries)

    assert many == few


# The score sheet.


def test_score_page_shows_the_application_beside_the_criteria_as_the_set_groups_them(
    signed_in,
):
    assignment = assign(REVIEWER1)

    soup = soup_of(signed_in(REVIEWER1).get(score_url(assignment)))

    # Two columns, each a focusable scroll region named by its heading (issue 17).
    columns = soup.select("main .govuk-grid-row.app-review > section")
    assert [
        (column["id"], column["tabindex"], text(soup.find(id=column["aria-labelledby"])))
        for column in columns
    ] == [("application", "0", "The application"), ("review", "0", "Your review")]
    assert text(soup.h1) == "Embedding Quality Improvement in Primary Care"
    assert len(soup.select("#application [data-ticked=yes]")) == 6
    assert soup.select_one("#application [data-total=requested]").get_text() == "£296,000.00"
    assert [text(legend) for legend in soup.select("#review fieldset[data-group] > legend")] == [
        "1. Consideration should be given to schemes that:",
        "2. Each scheme to be underpinned by a:",
        "3. Evidence that:",
        "4. The schemes should be aligned to:",
    ]
    assert [
        [block["data-criterion"] for block in group.select("[data-criterion]")]
        for group in soup.select("#review fieldset[data-group]")
    ] == [
        ["1a", "1b", "1c", "1d", "1e"],
        ["2a", "2b", "2c", "2d"],
        ["3a", "3b", "3c"],
        ["4a", "4b"],
    ]


def test_score_page_shows_each_criterion_with_its_wording_key_phrase_and_scale(signed_in):
    assignment = assign(REVIEWER1)
    first = criteria_of(assignment)[0]

    soup = soup_of(signed_in(REVIEWER1).get(score_url(assignment)))

    block = soup.select_one("[data-criterion='1a']")
    assert text(block.h3) == "Criterion 1a"
    assert text(block.select_one(".app-review__wording")) == (
        "provide a systemic approach to testing new and innovative ways of working,"
    )
    assert [text(s) for s in block.select("strong.app-criterion__key-phrase")] == [
        "testing new and innovative ways"
    ]
    assert text(block.select_one(f"#div_id_score_{first.pk} legend")) == "Score for criterion 1a"
    assert [text(label) for label in block.select(".govuk-radios__label")] == [
        "0 – No evidence: the criterion is not addressed",
        "1 – Poor: little evidence and major concerns",
        "2 – Weak: some evidence with significant gaps",
        "3 – Adequate: meets the criterion with some gaps",
        "4 – Good: meets the criterion well",
        "5 – Excellent: fully meets the criterion with strong evidence",
    ]
    assert text(block.select_one(f"label[for=id_justification_{first.pk}]")) == (
        "Justification for criterion 1a"
    )
    buttons = [text(b) for b in soup.select("#review form button")]
    assert buttons == ["Submit review", "Save draft"]


def test_score_page_leads_with_a_link_to_the_form_and_sizes_as_govuk_does(signed_in):
    assignment = assign(REVIEWER1)

    soup = soup_of(signed_in(REVIEWER1).get(score_url(assignment)))

    skip = soup.select_one("main #skip-to-review")
    assert (text(skip), skip["href"]) == ("Go to the scoring form", "#review")
    assert soup.select(".govuk-radios--small") == []
    assert [h["class"] for h in soup.select("main h1, #application-heading, #review-heading")] == [
        ["govuk-heading-l"],
        ["govuk-heading-m"],
        ["govuk-heading-m"],
    ]
    assert {
        legend["class"][-1] for legend in soup.select("#review fieldset[data-group] > legend")
    } == {"govuk-fieldset__legend--m"}
    assert {h["class"][0] for h in soup.select("#review [data-criterion] > h3")} == {
        "govuk-heading-s"
    }


def test_score_page_of_a_flat_set_lists_criteria_without_groups(signed_in):
    assignment = assign(REVIEWER1, "PS-2018-HDD-001")

    soup = soup_of(signed_in(REVIEWER1).get(score_url(assignment)))

    assert soup.select("#review fieldset[data-group]") == []
    assert [block["data-criterion"] for block in soup.select("#review [data-criterion]")] == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
        "8",
    ]


def test_score_page_shows_the_guidance_and_weight_of_a_criterion(signed_in):
    from tests.factories import ApplicationFactory, CriterionFactory, RoundFactory

    criterion = CriterionFactory(
        label="7",
        wording="Shows **resource shift** between sectors.",
        guidance="Look for <b>evidence</b> of\nmoney moving.",
        weight="2.00",
    )
    app = ApplicationFactory(
        round=RoundFactory(criteria_set=criterion.criteria_set), status="submitted"
    )
    assignment = assign(REVIEWER1, app.reference)

    block = soup_of(signed_in(REVIEWER1).get(score_url(assignment))).select_one(
        "[data-criterion='7']"
    )

    guidance = block.select_one(".govuk-inset-text")
    assert " ".join(guidance.get_text(" ").split()) == (
        "Guidance: Look for <b>evidence</b> of money moving."
    )
    assert [str(br) for br in block.select(".govuk-inset-text br")] == ["<br/>"]
    assert text(block.select_one("p.govuk-hint")) == "Weight: 2"
    assert [text(s) for s in block.select("strong")] == ["resource shift"]


def test_score_page_lists_attachments_with_reviewer_download_links(signed_in, media_root):
    assignment = assign(REVIEWER1)
    attachment = attach(assignment.application)

    soup = soup_of(signed_in(REVIEWER1).get(score_url(assignment)))

    assert [(text(a), a["href"]) for a in soup.select("#attachments a")] == [
        ("plan.pdf", f"/reviews/{assignment.pk}/attachments/{attachment.pk}/")
    ]


def test_save_draft_creates_the_review_with_a_partial_sheet(signed_in):
    assignment = assign(REVIEWER1)
    first, second, third = criteria_of(assignment)[:3]
    data = review_data(
        assignment,
        {first: (4, "Clear testing plan."), second: (2, ""), third: (None, "Still reading.")},
        comment="First thoughts.",
    )

    response = signed_in(REVIEWER1).post(score_url(assignment), data)

    assert response.status_code == 302
    assert response["Location"] == score_url(assignment)
    review = Review.objects.get(assignment=assignment)
    assert (review.status, review.version, review.comment) == ("in_progress", 1, "First thoughts.")
    assert sorted(review.scores.values_list("criterion_id", "score", "justification")) == [
        (first.pk, 4, "Clear testing plan."),
        (second.pk, 2, ""),
        (third.pk, None, "Still reading."),
    ]
    assert review.history.first().history_user.email == REVIEWER1


def test_save_draft_then_come_back_shows_what_was_saved(signed_in):
    assignment = assign(REVIEWER1)
    first = criteria_of(assignment)[0]
    client = signed_in(REVIEWER1)
    client.post(
        score_url(assignment),
        review_data(assignment, {first: (5, "Strong.")}, recommendation="fund_with_conditions"),
    )

    response = client.get(score_url(assignment))

    soup = soup_of(response)
    assert soup.select_one(f"input[name=score_{first.pk}][checked]")["value"] == "5"
    # A textarea's first newline is markup, not content.
    assert soup.select_one(f"#id_justification_{first.pk}").get_text() == "\nStrong."
    assert soup.select_one("input[name=recommendation][checked]")["value"] == (
        "fund_with_conditions"
    )
    assert soup.select_one("input[name=version]")["value"] == "1"
    assert soup.select_one("[data-status]")["data-status"] == "in_progress"


def test_save_draft_shows_a_message_after_saving(signed_in):
    assignment = assign(REVIEWER1)

    response = signed_in(REVIEWER1).post(
        score_url(assignment), review_data(assignment), follow=True
    )

    assert messages_on(response) == [
        "Your draft review of PS-2020-CAV-001 has been saved. You can come back to it later."
    ]


def test_save_draft_again_raises_the_version_and_keeps_history(signed_in):
    assignment = assign(REVIEWER1)
    first = criteria_of(assignment)[0]
    client = signed_in(REVIEWER1)
    client.post(score_url(assignment), review_data(assignment, {first: (1, "Weak.")}))

    client.post(score_url(assignment), review_data(assignment, {first: (3, "Better on reading.")}))

    review = Review.objects.get(assignment=assignment)
    score = Score.objects.get(review=review, criterion=first)
    assert review.version == 2
    assert (score.score, score.justification) == (3, "Better on reading.")
    assert [h.score for h in score.history.order_by("history_date")] == [1, 3]


def test_save_draft_from_a_stale_page_is_refused_and_writes_nothing(signed_in):
    assignment = assign(REVIEWER1)
    first = criteria_of(assignment)[0]
    client = signed_in(REVIEWER1)
    stale = review_data(assignment, {first: (0, "From the old tab.")})
    client.post(score_url(assignment), review_data(assignment, {first: (2, "First tab.")}))
    client.post(score_url(assignment), review_data(assignment, {first: (3, "Saved again.")}))
    before = review_state(assignment)
    stale["version"] = 1

    response = client.post(score_url(assignment), stale)

    assert response.status_code == 200
    assert error_summary(response) == [STALE]
    assert review_state(assignment) == before


def test_first_save_from_two_tabs_keeps_the_first(signed_in):
    assignment = assign(REVIEWER1)
    first = criteria_of(assignment)[0]
    client = signed_in(REVIEWER1)
    second_tab = review_data(assignment, {first: (1, "Second tab.")})
    client.post(score_url(assignment), review_data(assignment, {first: (4, "First tab.")}))
    before = review_state(assignment)

    response = client.post(score_url(assignment), second_tab)

    assert error_summary(response) == [STALE]
    assert review_state(assignment) == before


@pytest.mark.parametrize("version", ["", "-1", "abc", "2.5"])
def test_save_draft_with_a_tampered_version_is_refused(signed_in, version):
    assignment = assign(REVIEWER1)
    data = review_data(assignment, {criteria_of(assignment)[0]: (3, "Tampered.")})
    data["version"] = version

    response = signed_in(REVIEWER1).post(score_url(assignment), data)

    assert response.status_code == 200
    assert error_summary(response) == ["This page is out of date. Open it again."]
    assert review_state(assignment) is None


@pytest.mark.parametrize("value", ["6", "-1", "abc", "3.0", " 3", "99999999999999999999"])
@pytest.mark.parametrize("action", ["save_draft", "submit_review"])
def test_score_outside_the_scale_is_refused_and_nothing_saved(signed_in, value, action):
    assignment = assign(REVIEWER1)
    first = criteria_of(assignment)[0]
    data = review_data(
        assignment, complete_scores(assignment), recommendation="fund", action=action
    )
    data[f"score_{first.pk}"] = value

    response = signed_in(REVIEWER1).post(score_url(assignment), data)

    assert response.status_code == 200
    assert error_summary(response) == ["Choose a score from 0 to 5 for criterion 1a"]
    assert error_links(response) == [f"#id_score_{first.pk}_1"]
    assert field_errors(response, f"score_{first.pk}") == [
        "Choose a score from 0 to 5 for criterion 1a"
    ]
    assert review_state(assignment) is None


def test_submit_with_a_missing_justification_and_recommendation_names_each(signed_in):
    assignment = assign(REVIEWER1)
    scores = complete_scores(assignment)
    second_b = criteria_of(assignment)[6]
    scores[second_b] = (3, "   ")
    client = signed_in(REVIEWER1)
    client.post(score_url(assignment), review_data(assignment, {second_b: (2, "Draft.")}))
    before = review_state(assignment)

    response = client.post(
        score_url(assignment), review_data(assignment, scores, action="submit_review")
    )

    assert response.status_code == 200
    assert error_summary(response) == [
        "Enter a justification for your score on criterion 2b",
        "Choose a recommendation",
    ]
    assert error_links(response) == [
        f"#id_justification_{second_b.pk}",
        "#id_recommendation_1",
    ]
    assert field_errors(response, f"justification_{second_b.pk}") == [
        "Enter a justification for your score on criterion 2b"
    ]
    assert field_errors(response, "recommendation") == ["Choose a recommendation"]
    assert review_state(assignment) == before
    assert soup_of(response).title.get_text().startswith("Error: ")


def test_submit_of_an_empty_sheet_asks_for_every_score_and_justification(signed_in):
    assignment = assign(REVIEWER1)

    response = signed_in(REVIEWER1).post(
        score_url(assignment), review_data(assignment, action="submit_review")
    )

    labels = [criterion.label for criterion in criteria_of(assignment)]
    expected = []
    for label in labels:
        expected += [
            f"Choose a score for criterion {label}",
            f"Enter a justification for your score on criterion {label}",
        ]
    assert error_summary(response) == [*expected, "Choose a recommendation"]
    assert review_state(assignment) is None


def test_save_draft_allows_a_score_without_justification(signed_in):
    assignment = assign(REVIEWER1)
    first = criteria_of(assignment)[0]

    response = signed_in(REVIEWER1).post(
        score_url(assignment), review_data(assignment, {first: (3, "")})
    )

    assert response.status_code == 302
    assert list(Score.objects.filter(review__assignment=assignment).values_list("score")) == [(3,)]


def test_justification_over_5000_characters_is_refused(signed_in):
    assignment = assign(REVIEWER1)
    first = criteria_of(assignment)[0]

    response = signed_in(REVIEWER1).post(
        score_url(assignment), review_data(assignment, {first: (3, "x" * 5001)})
    )

    assert error_summary(response) == [
        "The justification for criterion 1a must be 5,000 characters or fewer"
    ]
    assert review_state(assignment) is None


def test_unknown_recommendation_is_refused(signed_in):
    assignment = assign(REVIEWER1)

    response = signed_in(REVIEWER1).post(
        score_url(assignment), review_data(assignment, recommendation="fund_twice")
    )

    assert error_summary(response) == ["Choose a recommendation from the list"]
    assert review_state(assignment) is None


def test_submit_complete_review_locks_it_and_shows_it_read_only(signed_in):
    assignment = assign(REVIEWER1)
    client = signed_in(REVIEWER1)

    response = client.post(
        score_url(assignment),
        review_data(
            assignment,
            complete_scores(assignment),
            recommendation="fund",
            comment="Worth funding.",
            action="submit_review",
        ),
        follow=True,
    )

    review = Review.objects.get(assignment=assignment)
    assert review.status == ReviewStatus.SUBMITTED
    assert review.submitted_at is not None
    assert review.scores.count() == 14
    assert messages_on(response) == ["Your review of PS-2020-CAV-001 has been submitted."]
    soup = soup_of(response)
    assert soup.select("#review form") == []
    assert text(soup.select_one("#submitted")) == (
        f"Submitted on {govuk_datetime(review.submitted_at)}."
    )
    assert text(soup.select_one("#review [data-criterion='1a'] [data-score]")) == (
        "4 – Good: meets the criterion well"
    )
    assert text(soup.select_one("#review [data-recommendation]")) == "Fund"
    assert text(soup.select_one("#review [data-comment]")) == "Worth funding."


def test_submit_twice_is_one_submission_landing_on_the_review(signed_in):
    assignment = assign(REVIEWER1)
    client = signed_in(REVIEWER1)
    data = review_data(
        assignment, complete_scores(assignment), recommendation="fund", action="submit_review"
    )
    client.post(score_url(assignment), data, follow=True)
    before = review_state(assignment)

    response = client.post(score_url(assignment), data, follow=True)

    assert response.redirect_chain == [(score_url(assignment), 302)]
    assert review_state(assignment) == before
    submitted = Review.objects.get(assignment=assignment).submitted_at
    assert messages_on(response) == [
        f"Your review was submitted on {govuk_datetime(submitted)}, so nothing has been changed."
    ]


def test_submit_raced_by_a_double_click_is_one_submission(signed_in):
    assignment = assign(REVIEWER1)
    data = review_data(
        assignment, complete_scores(assignment), recommendation="fund", action="submit_review"
    )
    submit_review(assignment)  # the first click, committed while the second was on its way
    before = review_state(assignment)

    with pytest.raises(Refused, match="Your review has been submitted"):
        domain.review_submit(
            assignment=Assignment.objects.get(pk=assignment.pk),
            expected_version=data["version"],
            acting_user=assignment.reviewer,
            scores={c.pk: v for c, v in complete_scores(assignment, 1).items()},
            recommendation="do_not_fund",
            comment="",
        )

    assert review_state(assignment) == before


def test_post_of_scores_after_submit_changes_nothing(signed_in):
    assignment = assign(REVIEWER1)
    submit_review(assignment)
    before = review_state(assignment)
    first = criteria_of(assignment)[0]
    data = review_data(assignment, {first: (0, "Changed my mind.")})

    response = signed_in(REVIEWER1).post(score_url(assignment), data)

    assert response.status_code == 302
    assert review_state(assignment) == before


def test_save_draft_through_the_domain_after_submit_is_refused(signed_in):
    assignment = assign(REVIEWER1)
    review = submit_review(assignment)
    before = review_state(assignment)

    with pytest.raises(Refused, match="Your review has been submitted"):
        domain.review_save(
            assignment=assignment,
            expected_version=review.version,
            acting_user=assignment.reviewer,
            scores={},
            recommendation="",
            comment="",
        )

    assert review_state(assignment) == before


def test_review_save_by_someone_else_is_refused(demo_user):
    assignment = assign(REVIEWER1)

    with pytest.raises(domain.PermissionDenied):
        domain.review_save(
            assignment=assignment,
            expected_version=0,
            acting_user=demo_user(REVIEWER2),
            scores={},
            recommendation="",
            comment="",
        )

    assert review_state(assignment) is None


def test_review_save_of_a_criterion_from_another_set_is_refused():
    assignment = assign(REVIEWER1)
    other = criteria_of(assign(REVIEWER1, "PS-2018-HDD-001"))[0]

    with pytest.raises(Refused):
        domain.review_save(
            assignment=assignment,
            expected_version=0,
            acting_user=assignment.reviewer,
            scores={other.pk: (3, "Wrong set.")},
            recommendation="",
            comment="",
        )

    assert review_state(assignment) is None


@pytest.mark.parametrize("value", [6, -1, 100])
def test_review_save_of_a_score_off_the_scale_is_refused(value):
    assignment = assign(REVIEWER1)
    first = criteria_of(assignment)[0]

    with pytest.raises(Refused):
        domain.review_save(
            assignment=assignment,
            expected_version=0,
            acting_user=assignment.reviewer,
            scores={first.pk: (value, "Off the scale.")},
            recommendation="",
            comment="",
        )

    assert review_state(assignment) is None


class TestHostileScoreSheet(HypothesisTestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        value=st.one_of(
            st.integers(min_value=-10, max_value=10).map(str),
            st.text(max_size=12),
        ),
        justification=st.text(max_size=300),
        submitting=st.booleans(),
    )
    def test_score_sheet_never_crashes_and_only_scale_points_are_saved(
        self, value, justification, submitting
    ):
        assignment = assign(REVIEWER1)
        self.client.force_login(assignment.reviewer)
        first = criteria_of(assignment)[0]
        scores = complete_scores(assignment)
        data = review_data(
            assignment,
            scores,
            recommendation="fund",
            action="submit_review" if submitting else "save_draft",
        )
        data[f"score_{first.pk}"] = value
        data[f"justification_{first.pk}"] = justification

        response = self.client.post(score_url(assignment), data)

        assert response.status_code in (200, 302)
        saved = Score.objects.filter(review__assignment=assignment, criterion=first).first()
        if response.status_code == 200:
            assert saved is None
        elif saved is None:  # a draft with nothing in it for the criterion stores no row
            assert (submitting, value, justification.strip()) == (False, "", "")
        else:
            assert saved.score in (*range(6), None if not submitting else 0)
            assert ("" if saved.score is None else str(saved.score)) == value
            assert saved.justification == justification.strip()


# Independence: nobody sees the panel's scores before submitting their own.


def test_reviewer_with_a_draft_sees_nothing_of_another_reviewers_submitted_review(signed_in):
    first = assign(REVIEWER1)
    submit_review(first, who="Rhodri's secret reasoning", comment="Rhodri's overall view.")
    second = assign(REVIEWER2)
    client = signed_in(REVIEWER2)
    client.post(score_url(second), review_data(second, {criteria_of(second)[0]: (2, "Mine.")}))

    pages = [
        client.get(score_url(second)),
        client.get("/reviews/"),
        client.get("/"),
        client.get(reverse("criteria:panel_scores", args=[second.pk]), follow=True),
    ]

    for response in pages:
        content = response.content.decode()
        assert response.status_code == 200
        assert "Rhodri" not in content
        assert "secret reasoning" not in content
        assert "overall view" not in content


def test_panel_page_before_submitting_redirects_with_a_message(signed_in):
    assignment = assign(REVIEWER2)

    response = signed_in(REVIEWER2).get(
        reverse("criteria:panel_scores", args=[assignment.pk]), follow=True
    )

    assert response.redirect_chain == [(score_url(assignment), 302)]
    assert messages_on(response) == [
        "You will see the panel’s scores once you have submitted your own review."
    ]


def panel_table(soup, label):
    return [
        [text(cell) for cell in row.select("th, td")]
        for row in soup.select(f"[data-panel-criterion='{label}'] tbody tr")
    ]


def test_panel_page_after_submitting_shows_every_submitted_review(signed_in):
    first = assign(REVIEWER1)
    submit_review(first, score=5, who="Rhodri", comment="Fund it.")
    second = assign(REVIEWER2)
    chair = assign(CHAIR)
    domain.review_save(
        assignment=chair,
        expected_version=0,
        acting_user=chair.reviewer,
        scores={criteria_of(chair)[0].pk: (0, "Chair's private draft.")},
        recommendation="do_not_fund",
        comment="Chair's draft comment.",
    )
    submit_review(second, score=2, who="Siân", comment="Not yet.")

    response = signed_in(REVIEWER2).get(reverse("criteria:panel_scores", args=[second.pk]))

    assert response.status_code == 200
    soup = soup_of(response)
    assert panel_table(soup, "1a") == [
        [
            "Rhodri Williams",
            "5 – Excellent: fully meets the criterion with strong evidence",
            "Rhodri justifies 1a.",
        ],
        ["Siân Morgan", "2 – Weak: some evidence with significant gaps", "Siân justifies 1a."],
    ]
    assert len(soup.select("[data-panel-criterion]")) == 14
    assert [
        [text(cell) for cell in row.select("th, td")][:3]
        for row in soup.select("#panel-recommendations tbody tr")
    ] == [["Rhodri Williams", "Fund", "Fund it."], ["Siân Morgan", "Fund", "Not yet."]]
    content = response.content.decode()
    assert "Chair's private draft." not in content
    assert "Chair's draft comment." not in content
    assert "Alun Thomas" not in content


def test_score_page_after_submitting_shows_the_panels_scores(signed_in):
    first = assign(REVIEWER1)
    submit_review(first, score=5, who="Rhodri")
    second = assign(REVIEWER2)
    submit_review(second, score=1, who="Siân")

    soup = soup_of(signed_in(REVIEWER1).get(score_url(first)))

    assert text(soup.select_one("#panel-scores")) == "The panel’s scores"
    assert [row[0] for row in panel_table(soup, "4b")] == ["Rhodri Williams", "Siân Morgan"]


def test_panel_leaves_out_a_review_whose_reviewer_withdrew(signed_in):
    first = assign(REVIEWER1)
    submit_review(first, who="Rhodri")
    second = assign(REVIEWER2)
    submit_review(second, who="Siân")
    Assignment.objects.filter(pk=first.pk).update(withdrawn_at=timezone.now())

    soup = soup_of(signed_in(REVIEWER2).get(reverse("criteria:panel_scores", args=[second.pk])))

    assert [row[0] for row in panel_table(soup, "1a")] == ["Siân Morgan"]


def test_applicant_sees_nothing_of_reviews(signed_in):
    assignment = assign(REVIEWER1)
    submit_review(assignment, who="Rhodri", comment="Reviewer's comment.")

    client = signed_in(APPLICANT_CAV)
    pages = [client.get("/"), client.get("/applications/PS-2020-CAV-001/")]

    for response in pages:
        content = response.content.decode()
        assert response.status_code == 200
        assert "Rhodri" not in content
        assert "Reviewer's comment." not in content
    assert client.get(score_url(assignment)).status_code == 404
    assert client.get(reverse("criteria:panel_scores", args=[assignment.pk])).status_code == 404


# Reopening a submitted review.


def reopen_url(review):
    return reverse("criteria:reopen_review", args=[review.pk])


def test_reopen_by_a_programme_manager_lets_the_reviewer_edit_again(
    signed_in, django_capture_on_commit_callbacks
):
    assignment = assign(REVIEWER1)
    review = submit_review(assignment)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(MANAGER).post(
            reopen_url(review), {"reason": "Score 2b does not match the justification."}
        )

    assert response.status_code == 302
    assert response["Location"] == "/rounds/2020-22/assignments/"
    review.refresh_from_db()
    assert (review.status, review.submitted_at) == (ReviewStatus.IN_PROGRESS, None)
    latest = review.history.order_by("-history_date").first()
    assert latest.history_user.email == MANAGER
    assert [message.to for message in mail.outbox] == [[REVIEWER1]]
    assert "Score 2b does not match the justification." in mail.outbox[0].body
    assert mail.outbox[0].subject == "Your review of PS-2020-CAV-001 has been reopened"

    client = signed_in(REVIEWER1)
    page = soup_of(client.get(score_url(assignment)))
    assert text(page.select_one("#reopened")).endswith("Score 2b does not match the justification.")
    first = criteria_of(assignment)[0]
    client.post(score_url(assignment), review_data(assignment, {first: (1, "Reconsidered.")}))
    assert Score.objects.get(review=review, criterion=first).score == 1


def test_reopen_page_shows_the_review_and_a_reason_field(signed_in):
    review = submit_review(assign(REVIEWER1))

    soup = soup_of(signed_in(MANAGER).get(reopen_url(review)))

    assert text(soup.h1) == "Reopen a submitted review"
    assert text(soup.select_one("label[for=id_reason]")) == (
        "Why does the review need to be reopened?"
    )


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Enter the reason for reopening the review"),
        ("   ", "Enter the reason for reopening the review"),
        ("x" * 5001, "The reason must be 5,000 characters or fewer"),
    ],
)
def test_reopen_without_a_good_reason_is_refused(signed_in, reason, message):
    assignment = assign(REVIEWER1)
    review = submit_review(assignment)
    before = review_state(assignment)

    response = signed_in(MANAGER).post(reopen_url(review), {"reason": reason})

    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert review_state(assignment) == before


def test_reopen_of_a_review_in_progress_is_refused(signed_in):
    assignment = assign(REVIEWER1)
    review = domain.review_save(
        assignment=assignment,
        expected_version=0,
        acting_user=assignment.reviewer,
        scores={},
        recommendation="",
        comment="",
    )
    before = review_state(assignment)

    response = signed_in(MANAGER).post(reopen_url(review), {"reason": "Just in case."})

    assert error_summary(response) == ["This review is in progress, so it cannot be reopened."]
    assert review_state(assignment) == before


@pytest.mark.parametrize(
    "email", [REVIEWER1, REVIEWER2, REVIEWER3, CHAIR, APPLICANT_CAV, APPLICANT_HDD]
)
def test_reopen_is_refused_to_anyone_but_programme_managers(signed_in, email):
    assignment = assign(REVIEWER1)
    review = submit_review(assignment)
    before = review_state(assignment)
    client = signed_in(email)

    assert client.get(reopen_url(review)).status_code == 403
    assert client.post(reopen_url(review), {"reason": "Let me change it."}).status_code == 403
    assert review_state(assignment) == before


def test_reopen_through_the_domain_by_a_reviewer_is_refused():
    assignment = assign(REVIEWER1)
    review = submit_review(assignment)

    with pytest.raises(domain.PermissionDenied):
        domain.review_reopen(review=review, reason="Mine.", acting_user=assignment.reviewer)

    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_reopen_of_a_review_that_does_not_exist_is_not_found(signed_in):
    assert signed_in(MANAGER).get("/panel/reviews/999999/reopen/").status_code == 404
    assert signed_in(REVIEWER1).get("/panel/reviews/999999/reopen/").status_code == 403


# Every role against every page.


@pytest.fixture
def reviewed(media_root):
    """reviewer1's submitted review of PS-2020-CAV-001, which has one attachment."""
    assignment = assign(REVIEWER1)
    review = submit_review(assignment)
    attachment = attach(assignment.application)
    return assignment, review, attachment


def pages_of(assignment, review, attachment):
    return {
        "dashboard": "/reviews/",
        "score": f"/reviews/{assignment.pk}/",
        "panel": f"/reviews/{assignment.pk}/panel/",
        "conflict": f"/reviews/{assignment.pk}/conflict/",
        "attachment": f"/reviews/{assignment.pk}/attachments/{attachment.pk}/",
        "reopen": f"/panel/reviews/{review.pk}/reopen/",
    }


def expected_status(email, page):
    if page == "dashboard":
        return 200 if email in (REVIEWER1, REVIEWER2, REVIEWER3, CHAIR) else 403
    if page == "reopen":
        return 200 if email in (MANAGER, ADMIN) else 403
    return 200 if email == REVIEWER1 else 404


@pytest.mark.parametrize("email", EVERYONE)
@pytest.mark.parametrize(
    "page", ["dashboard", "score", "panel", "conflict", "attachment", "reopen"]
)
def test_review_page_status_for_every_role(signed_in, reviewed, email, page):
    response = signed_in(email).get(pages_of(*reviewed)[page])

    assert response.status_code == expected_status(email, page)


@pytest.mark.parametrize(
    "page", ["dashboard", "score", "panel", "conflict", "attachment", "reopen"]
)
def test_review_page_sends_signed_out_visitor_to_sign_in(client, reviewed, page):
    path = pages_of(*reviewed)[page]

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_review_pages_without_csrf_token_are_refused(demo_user):
    assignment = assign(REVIEWER1)
    first = criteria_of(assignment)[0]
    reviewer = Client(enforce_csrf_checks=True)
    reviewer.force_login(demo_user(REVIEWER1))

    scored = reviewer.post(score_url(assignment), review_data(assignment, {first: (3, "No.")}))
    declared = reviewer.post(
        reverse("criteria:declare_conflict", args=[assignment.pk]),
        {"kind": "personal", "note": "No token."},
    )

    assert (scored.status_code, declared.status_code) == (403, 403)
    assert review_state(assignment) is None
    assert Assignment.objects.get(pk=assignment.pk).withdrawn_at is None


def test_reopen_without_csrf_token_is_refused(demo_user):
    assignment = assign(REVIEWER1)
    review = submit_review(assignment)
    manager = Client(enforce_csrf_checks=True)
    manager.force_login(demo_user(MANAGER))

    response = manager.post(reopen_url(review), {"reason": "No token."})

    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


# Attachments.


def test_reviewer_downloads_an_attachment_of_the_application(signed_in, media_root):
    assignment = assign(REVIEWER1)
    attachment = attach(assignment.application, name="Plan-on-a-page.pdf")

    response = signed_in(REVIEWER1).get(
        reverse("criteria:review_attachment", args=[assignment.pk, attachment.pk])
    )

    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Plan-on-a-page.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_reviewer_download_of_another_applications_attachment_is_not_found(signed_in, media_root):
    assignment = assign(REVIEWER1)
    theirs = attach(application("PS-2018-HDD-001"))

    response = signed_in(REVIEWER1).get(
        reverse("criteria:review_attachment", args=[assignment.pk, theirs.pk])
    )

    assert response.status_code == 404


def test_reviewer_download_of_a_missing_file_is_not_found(signed_in, media_root):
    assignment = assign(REVIEWER1)
    attachment = attach(assignment.application)
    attachment.file.storage.delete(attachment.file.name)

    response = signed_in(REVIEWER1).get(
        reverse("criteria:review_attachment", args=[assignment.pk, attachment.pk])
    )

    assert response.status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_reviewer_download_only_answers_get(signed_in, media_root, method):
    assignment = assign(REVIEWER1)
    attachment = attach(assignment.application)
    url = reverse("criteria:review_attachment", args=[assignment.pk, attachment.pk])

    response = getattr(signed_in(REVIEWER1), method)(url)

    assert response.status_code == 405


# Query counts.


def score_page_queries(client, assignment, others, django_assert_max_num_queries):
    """Give the application `others` more reviewers with submitted reviews; count queries."""
    from tests.factories.reviews import ReviewerFactory

    for _number in range(others):
        reviewer = ReviewerFactory(organisation=assignment.reviewer.organisation)
        submit_review(
            Assignment.objects.create(
                application=assignment.application,
                reviewer=reviewer,
                assigned_by=assignment.assigned_by,
            )
        )
    with django_assert_max_num_queries(45) as captured:
        response = client.get(score_url(assignment))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_score_page_queries_stay_flat_as_reviewers_and_scores_grow(
    signed_in, django_assert_max_num_queries
):
    mine = assign(REVIEWER1)
    client = signed_in(REVIEWER1)
    client.post(score_url(mine), review_data(mine, complete_scores(mine)))

    few = score_page_queries(client, mine, 1, django_assert_max_num_queries)
    many = score_page_queries(client, mine, 8, django_assert_max_num_queries)

    assert many == few


def test_submitted_score_page_queries_stay_flat_as_reviewers_grow(
    signed_in, django_assert_max_num_queries
):
    mine = assign(REVIEWER1)
    submit_review(mine)
    client = signed_in(REVIEWER1)

    few = score_page_queries(client, mine, 1, django_assert_max_num_queries)
    many = score_page_queries(client, mine, 8, django_assert_max_num_queries)

    assert many == few


def test_page_text_has_no_untranslated_placeholders(signed_in):
    assignment = assign(REVIEWER1)

    content = signed_in(REVIEWER1).get(score_url(assignment)).content.decode()

    assert re.findall(r"%\(\w+\)s|\{\{|\{%", content) == []


def test_dashboard_actions_are_a_spaced_list_one_action_a_line(signed_in):
    assignment = assign(REVIEWER1)
    submit_review(assignment)

    soup = soup_of(signed_in(REVIEWER1).get("/reviews/"))

    actions = soup.select_one(f"[data-assignment='{assignment.pk}'] ul.govuk-list--spaced")
    assert [text(li) for li in actions.select("li")] == [
        "View review PS-2020-CAV-001",
        "Panel scores for PS-2020-CAV-001",
        "Declare a conflict on PS-2020-CAV-001",
    ]
