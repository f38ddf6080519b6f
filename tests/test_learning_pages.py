"""The learning library's pages: every role against every page, the 404 rule, hostile searches."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pacesetter.enums import AuditAction, Role
from pacesetter.models import AuditEvent
from schemes.domain.learning import (
    learning_publish,
    learning_reopen,
    learning_save,
    learning_start,
    learning_submit,
    published_with_components,
)
from schemes.enums import ApplicationStatus, LearningStatus
from schemes.models import LearningSummary, StrategicComponent, Theme
from tests.factories import (
    ApplicationFactory,
    CriterionFactory,
    OrganisationFactory,
    QuestionFactory,
    RoundFactory,
    UserFactory,
)
from tests.factories.monitoring import accepted_agreement, lead_of
from tests.factories.reviews import AssignmentFactory
from tests.test_learning import COMPLETE
from tests.test_learning_search import HOSTILE_QUERIES

pytestmark = pytest.mark.django_db

LIBRARY = reverse("schemes:learning_library")


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.PROGRAMME_MANAGER, organisation=None)


@pytest.fixture
def scheme(manager):
    agreement, lead = accepted_agreement(manager=manager)
    return agreement.application, lead


def draft_of(scheme, **overrides):
    application, lead = scheme
    summary = learning_start(application=application, acting_user=lead)
    return learning_save(
        summary,
        expected_version=summary.version,
        acting_user=lead,
        fields={**COMPLETE, **overrides},
        themes=[Theme.objects.get(name="New Models of Primary Care")],
    )


def submitted_of(scheme, **overrides):
    summary = draft_of(scheme, **overrides)
    return learning_submit(summary, expected_version=summary.version, acting_user=scheme[1])


def published_of(scheme, manager, **overrides):
    return learning_publish(submitted_of(scheme, **overrides), acting_user=manager)


def chair():
    user = UserFactory(role=Role.REVIEWER)
    RoundFactory(panel_chair=user)
    return user


def others(manager, scheme):
    """Every role but the scheme's own lead, with whether it may see an unpublished summary."""
    return {
        "other board's lead": (lead_of(OrganisationFactory()), False),
        "reviewer": (UserFactory(role=Role.REVIEWER), False),
        "chair": (chair(), False),
        "manager": (manager, True),
    }


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_library_is_shown_to_every_signed_in_role(client, manager, scheme):
    users = [scheme[1], *(user for user, _ in others(manager, scheme).values())]

    statuses = [get(client, user, LIBRARY).status_code for user in users]

    assert statuses == [200, 200, 200, 200, 200]


@pytest.mark.parametrize(
    "name",
    ["learning_library", "learning_detail", "learning_edit"],
)
def test_learning_pages_send_anonymous_visitors_to_sign_in(client, manager, scheme, name):
    summary = published_of(scheme, manager)
    url = reverse(f"schemes:{name}", args=[] if name == "learning_library" else [summary.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_published_summary_is_shown_to_every_role(client, manager, scheme):
    summary = published_of(scheme, manager)
    users = [scheme[1], *(user for user, _ in others(manager, scheme).values())]

    statuses = [get(client, user, summary.get_absolute_url()).status_code for user in users]

    assert statuses == [200, 200, 200, 200, 200]


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_unpublished_summary_is_404_beyond_its_board_and_welsh_government(
    client, manager, scheme, status
):
    summary = draft_of(scheme) if status == "draft" else submitted_of(scheme)
    roles = others(manager, scheme)

    statuses = {
        name: get(client, user, summary.get_absolute_url()).status_code
        for name, (user, _) in roles.items()
    }
    own = get(client, scheme[1], summary.get_absolute_url()).status_code

    assert statuses == {name: 200 if may_see else 404 for name, (_, may_see) in roles.items()}
    assert own == 200


def test_published_summary_shows_roles_and_no_names_of_people(client, manager, scheme):
    summary = published_of(scheme, manager)
    reader = lead_of(OrganisationFactory())

    page = get(client, reader, summary.get_absolute_url()).content.decode()

    assert "Cluster development lead" in page
    assert scheme[1].full_name not in page
    assert manager.full_name not in page


def test_published_summary_shows_results_against_its_measures(client, manager, scheme):
    summary = published_of(scheme, manager)

    response = get(client, lead_of(OrganisationFactory()), summary.get_absolute_url())

    assert [row.name for row in response.context["results"]] == [
        "Sustainable practices",
        "Waiting times",
    ]


def test_edit_page_is_for_the_boards_lead_only(client, manager, scheme):
    summary = draft_of(scheme)
    url = reverse("schemes:learning_edit", args=[summary.pk])
    roles = others(manager, scheme)

    statuses = {name: get(client, user, url).status_code for name, (user, _) in roles.items()}
    own = get(client, scheme[1], url).status_code

    assert statuses == {
        "other board's lead": 404,
        "reviewer": 404,
        "chair": 404,
        "manager": 403,
    }
    assert own == 200


def test_edit_page_saves_and_submits(client, scheme):
    summary = draft_of(scheme)
    client.force_login(scheme[1])
    theme = Theme.objects.get(name="Improving Access and Quality")

    response = client.post(
        reverse("schemes:learning_edit", args=[summary.pk]),
        {
            **COMPLETE,
            "advice": "Start small.",
            "themes": [theme.pk],
            "version": summary.version,
            "submit": "yes",
        },
    )

    summary.refresh_from_db()
    assert response.status_code == 302
    assert (summary.status, summary.advice, list(summary.themes.all())) == (
        LearningStatus.SUBMITTED,
        "Start small.",
        [theme],
    )


def test_edit_page_shows_what_is_missing_next_to_its_field(client, scheme):
    summary = draft_of(scheme)
    client.force_login(scheme[1])

    response = client.post(
        reverse("schemes:learning_edit", args=[summary.pk]),
        {**COMPLETE, "advice": "", "version": summary.version, "submit": "yes"},
    )

    summary.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["advice"] == [
        "Enter advice to a board that wants to adopt it."
    ]
    assert (summary.status, summary.advice) == (LearningStatus.DRAFT, "")


def test_edit_page_refuses_too_long_text_with_the_shared_message(client, scheme):
    summary = draft_of(scheme)
    client.force_login(scheme[1])

    response = client.post(
        reverse("schemes:learning_edit", args=[summary.pk]),
        {**COMPLETE, "model": "x" * 1001, "version": summary.version, "save": "yes"},
    )

    assert response.context["form"].errors["model"] == ["Enter no more than 1,000 characters"]


def test_start_page_starts_the_summary_for_the_lead(client, scheme):
    application, lead = scheme
    client.force_login(lead)

    response = client.post(reverse("schemes:learning_start", args=[application.reference]))

    summary = LearningSummary.objects.get(application=application)
    assert response["Location"] == reverse("schemes:learning_edit", args=[summary.pk])


def test_start_page_is_404_for_another_board(client, scheme):
    client.force_login(lead_of(OrganisationFactory()))

    response = client.post(reverse("schemes:learning_start", args=[scheme[0].reference]))

    assert response.status_code == 404
    assert LearningSummary.objects.filter(application=scheme[0]).count() == 0


def test_review_page_publishes_for_the_manager(client, manager, scheme):
    summary = submitted_of(scheme)
    client.force_login(manager)

    response = client.post(
        reverse("schemes:learning_review", args=[summary.pk]), {"decision": "publish"}
    )

    summary.refresh_from_db()
    assert (response.status_code, summary.status) == (302, LearningStatus.PUBLISHED)


def test_review_page_return_needs_comments(client, manager, scheme):
    summary = submitted_of(scheme)
    client.force_login(manager)

    response = client.post(
        reverse("schemes:learning_review", args=[summary.pk]), {"decision": "return"}
    )

    summary.refresh_from_db()
    assert response.context["form"].errors["comments"] == [
        "Enter comments saying what the lead should change."
    ]
    assert summary.status == LearningStatus.SUBMITTED


def test_review_page_is_refused_to_the_lead_and_404_to_other_boards(client, scheme):
    summary = submitted_of(scheme)
    url = reverse("schemes:learning_review", args=[summary.pk])

    client.force_login(scheme[1])
    own = client.post(url, {"decision": "publish"}).status_code
    client.force_login(lead_of(OrganisationFactory()))
    other = client.post(url, {"decision": "publish"}).status_code

    summary.refresh_from_db()
    assert (own, other, summary.status) == (403, 404, LearningStatus.SUBMITTED)


def test_reopen_puts_a_published_summary_back_in_draft_for_its_lead(client, manager, scheme):
    summary = published_of(scheme, manager)
    client.force_login(scheme[1])

    response = client.post(reverse("schemes:learning_reopen", args=[summary.pk]))

    summary.refresh_from_db()
    assert response["Location"] == reverse("schemes:learning_edit", args=[summary.pk])
    assert summary.status == LearningStatus.DRAFT


def test_learning_reopen_by_another_board_is_refused(manager, scheme):
    summary = published_of(scheme, manager)

    with pytest.raises(PermissionDenied):
        learning_reopen(summary, acting_user=lead_of(OrganisationFactory()))

    summary.refresh_from_db()
    assert summary.status == LearningStatus.PUBLISHED


def published_entries(count, organisation=None):
    organisation = organisation or OrganisationFactory()
    theme = Theme.objects.first()
    for number in range(count):
        summary = LearningSummary.objects.create(
            programme="Page test programme",
            organisation=organisation,
            title=f"Triage scheme {number}",
            status=LearningStatus.PUBLISHED,
            published_at=timezone.now(),
        )
        summary.themes.add(theme)


def library_queries(client, user, **params):
    client.force_login(user)
    client.get(LIBRARY)  # the session and the user, fetched once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIBRARY, params)
    assert response.status_code == 200
    return len(queries)


def test_library_query_count_is_flat_as_the_library_grows(client, manager):
    reader = UserFactory(role=Role.REVIEWER)
    published_entries(20)
    small = library_queries(client, reader, q="triage")
    published_entries(180)

    large = library_queries(client, reader, q="triage")

    assert large == small


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_library_hostile_query_gives_a_page(client, query):
    published_entries(1)

    response = get(
        client,
        UserFactory(role=Role.REVIEWER),
        LIBRARY,
        q=query,
        page=query,
        theme=query,
        board=query,
        funded_by=query,
        status=query,
        component=query,
        measure=query,
        sort=query,
    )

    assert response.status_code == 200


def test_library_says_when_punctuation_alone_was_typed(client):
    response = get(client, UserFactory(role=Role.REVIEWER), LIBRARY, q='"*(')

    assert response.context["search"].message == (
        "Enter a word to search for. Punctuation on its own is not searched."
    )


def test_library_pages_twenty_at_a_time(client):
    published_entries(25)
    reader = UserFactory(role=Role.REVIEWER)

    response = get(client, reader, LIBRARY, funded_by="programme-Page test programme", page=2)

    assert (response.context["listing"].count, len(response.context["listing"].rows)) == (25, 5)


def test_library_finds_a_published_summary_by_its_lessons_not_a_draft(client, manager, scheme):
    lesson = "Recruiting Llanwrtyd paramedics."
    published = published_of(scheme, manager, what_got_in_the_way=lesson)
    other_agreement, other_lead = accepted_agreement(manager=manager)
    draft_of((other_agreement.application, other_lead), what_got_in_the_way=lesson)

    response = get(client, UserFactory(role=Role.REVIEWER), LIBRARY, q="llanwrtyd")

    assert [row.pk for row in response.context["listing"].rows] == [published.pk]


def test_published_with_components_lists_shared_ones_in_one_query(manager, scheme):
    component = StrategicComponent.objects.first()
    scheme[0].components.add(component)
    summary = published_of(scheme, manager)

    with CaptureQueriesContext(connection) as queries:
        found = published_with_components([component.pk])

    assert ([each.pk for each in found], len(queries)) == ([summary.pk], 1)


# The links to the library from the application and from the scoring page

TESTED_PREVIOUSLY = (
    "Has this idea been tested previously, locally, nationally or elsewhere in UK and if so "
    "how does this proposed scheme offer new learning?"
)


def test_question_about_earlier_schemes_links_to_the_library_in_a_new_tab(client):
    question = QuestionFactory(label=TESTED_PREVIOUSLY)
    application = ApplicationFactory(round__question_set=question.section.question_set)
    client.force_login(lead_of(application.organisation))

    response = client.get(
        reverse("schemes:edit_section", args=[application.reference, question.section.number])
    )

    link = response.content.decode().split('id="learning-library-link">')[1].split("</p>")[0]
    assert link == (
        f'<a class="govuk-link" href="{LIBRARY}" target="_blank" rel="noopener noreferrer">'
        "See what earlier schemes found in the learning library (opens in new tab)</a>"
    )


def test_other_questions_have_no_library_link(client):
    question = QuestionFactory(label="Describe expected outcomes.")
    application = ApplicationFactory(round__question_set=question.section.question_set)
    client.force_login(lead_of(application.organisation))

    response = client.get(
        reverse("schemes:edit_section", args=[application.reference, question.section.number])
    )

    assert 'id="learning-library-link"' not in response.content.decode()


def scoring_page(client, manager, criterion_wording):
    """A reviewer's scoring page of an application sharing a component with a published one."""
    criterion = CriterionFactory(wording=criterion_wording)
    agreement, lead = accepted_agreement(manager=manager)
    component = StrategicComponent.objects.order_by("pk").first()
    agreement.application.components.add(component)
    summary = published_of((agreement.application, lead), manager)
    applying = ApplicationFactory(
        round__criteria_set=criterion.criteria_set, status=ApplicationStatus.SUBMITTED
    )
    applying.components.add(component)
    assignment = AssignmentFactory(application=applying)
    client.force_login(assignment.reviewer)
    return summary, client.get(reverse("criteria:score", args=[assignment.pk]))


def test_scoring_criterion_1b_lists_published_schemes_with_the_same_components(client, manager):
    wording = "reflect on the **outcomes of previous pacesetter schemes** and other schemes"

    summary, response = scoring_page(client, manager, wording)

    assert [each.pk for each in response.context["previous_schemes"]] == [summary.pk]
    assert f'href="{summary.get_absolute_url()}" target="_blank"' in response.content.decode()


def test_scoring_without_criterion_1b_shows_no_previous_schemes(client, manager):
    _summary, response = scoring_page(client, manager, "Value for money.")

    assert "previous_schemes" not in response.context
    assert 'id="previous-schemes"' not in response.content.decode()


def test_agreement_page_links_the_lead_to_write_the_learning_summary(client, manager, scheme):
    application, lead = scheme
    client.force_login(lead)

    response = client.get(reverse("schemes:agreement_detail", args=[application.reference]))

    assert reverse("schemes:learning_start", args=[application.reference]) in (
        response.content.decode()
    )


def test_start_page_asks_the_lead_to_start(client, scheme):
    application, lead = scheme
    client.force_login(lead)

    response = client.get(reverse("schemes:learning_start", args=[application.reference]))

    assert response.status_code == 200
    assert LearningSummary.objects.filter(application=application).count() == 0


def test_start_page_of_a_started_summary_goes_to_it(client, scheme):
    summary = draft_of(scheme)
    client.force_login(scheme[1])

    response = client.get(reverse("schemes:learning_start", args=[scheme[0].reference]))

    assert response["Location"] == summary.get_absolute_url()


# The library as CSV


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_library_csv_holds_what_the_search_finds_every_cell_safe(client):
    published_entries(1)
    LearningSummary.objects.filter(title="Triage scheme 0").update(advice="=HYPERLINK(1)")
    LearningSummary.objects.get(title="Triage scheme 0").save()

    response = get(
        client,
        UserFactory(role=Role.REVIEWER),
        reverse("schemes:learning_library_csv"),
        funded_by="programme-Page test programme",
    )

    rows = csv_rows(response)
    columns = dict(zip(rows[0], rows[1], strict=True))
    assert (len(rows), columns["Project"], columns["Advice to a board that wants to adopt it"]) == (
        2,
        "Triage scheme 0",
        "'=HYPERLINK(1)",
    )


def test_library_csv_leaves_out_unpublished_summaries(client, manager, scheme):
    draft = draft_of(scheme)

    response = get(client, manager, reverse("schemes:learning_library_csv"))

    assert draft.title not in [row[0] for row in csv_rows(response)]


def test_library_csv_is_audited(client):
    user = UserFactory(role=Role.REVIEWER)

    get(client, user, reverse("schemes:learning_library_csv"), theme="x")

    event = AuditEvent.objects.filter(actor=user, action=AuditAction.EXPORT_SPREADSHEET).get()
    assert event.details == {
        "export": "learning library",
        "filters": {"sort": "relevance"},
    }


def test_library_says_when_only_the_first_words_were_searched(client):
    response = get(client, UserFactory(role=Role.REVIEWER), LIBRARY, q="triage " * 100)

    assert response.context["search"].message == "Only the first 20 words were searched."
    assert "data-search-message>Only the first 20 words were searched.</div>" in (
        response.content.decode()
    )
