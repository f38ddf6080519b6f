"""The applicant journey: start, sections, ticks, declaration, submit, clarification, withdrawal."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent, Organisation, User
from schemes.domain import applications as workflow
from schemes.enums import ApplicationStatus, QuestionKind
from schemes.models import Answer, Application, Round, StrategicComponent
from tests.factories import ApplicationFactory, BudgetLineFactory

pytestmark = pytest.mark.django_db

CAV = "applicant.cav@example.org"


@pytest.fixture
def demo_round():
    return Round.objects.get(code="2027-29")


@pytest.fixture
def draft(demo_round):
    return ApplicationFactory(
        reference="PS-2027-CAV-001",
        round=demo_round,
        organisation=Organisation.objects.get(code="CAV"),
        title="Cluster quality improvement",
    )


def questions(application, kind=None):
    found = application.round.question_set.questions_in_order()
    return [q for q in found if kind is None or q.kind == kind]


def section_data(application, number=1, **overrides):
    """A complete, valid POST for a section of the 2020-22 form."""
    data = {"version": application.version, "save_and_continue": "Save and continue"}
    for question in questions(application):
        if question.section.number != number:
            continue
        name = f"q{question.pk}"
        if question.kind == QuestionKind.TITLE:
            data[name] = application.title
        elif question.kind == QuestionKind.START_DATE:
            data.update({f"{name}_0": "1", f"{name}_1": "4", f"{name}_2": "2027"})
        elif question.kind == QuestionKind.DURATION:
            data[name] = "24"
        elif question.kind in (QuestionKind.TEXT, QuestionKind.BUDGET):
            data[name] = f"Answer to question {question.number}."
    data.update(overrides)
    return data


def complete(application, user):
    """Fill every task of an application through the domain, as a finished draft."""
    for number in (1, 2):
        for question in questions(application):
            if question.section.number == number and question.kind == QuestionKind.TEXT:
                Answer.objects.update_or_create(
                    application=application, question=question, defaults={"text": "Done."}
                )
    application.start_date = datetime.date(2027, 4, 1)
    application.duration_months = 24
    application.save()
    BudgetLineFactory(application=application, amount="148000.00")
    application.components.set(StrategicComponent.objects.filter(pk=20))
    application.refresh_from_db()
    return workflow.application_confirm_declaration(
        application, expected_version=application.version, acting_user=user
    )


def test_start_application_gives_a_readable_reference_and_a_draft(signed_in, demo_round):
    client = signed_in(CAV)

    response = client.post("/rounds/2027-29/apply/", {"title": "Cluster quality improvement"})

    application = Application.objects.get(round=demo_round)
    assert application.reference == "PS-2027-CAV-001"
    assert application.status == ApplicationStatus.DRAFT
    assert application.created_by.email == CAV
    assert response["Location"] == "/applications/PS-2027-CAV-001/apply/"


def test_start_application_numbers_references_per_board(signed_in, draft):
    signed_in(CAV).post("/rounds/2027-29/apply/", {"title": "Second scheme"})

    assert list(
        Application.objects.filter(round=draft.round).values_list("reference", flat=True)
    ) == ["PS-2027-CAV-001", "PS-2027-CAV-002"]


def test_start_application_without_title_shows_error_and_creates_nothing(signed_in):
    response = signed_in(CAV).post("/rounds/2027-29/apply/", {"title": "   "})

    assert response.status_code == 200
    assert "Enter the title of your scheme" in response.content.decode()
    assert not Application.objects.filter(round__code="2027-29").exists()


@pytest.mark.parametrize(
    "email",
    ["reviewer1@example.org", "chair@example.org", "manager@example.org"],
)
def test_start_application_is_refused_to_anyone_but_applicants(signed_in, email):
    response = signed_in(email).post("/rounds/2027-29/apply/", {"title": "Not mine"})

    assert response.status_code == 403
    assert not Application.objects.filter(round__code="2027-29").exists()


def test_start_application_in_a_closed_round_is_refused(signed_in):
    response = signed_in(CAV).post("/rounds/2020-22/apply/", {"title": "Too late"})

    assert response.status_code == 403


def test_task_list_shows_every_task_with_its_status(signed_in, draft):
    response = signed_in(CAV).get("/applications/PS-2027-CAV-001/apply/")

    content = response.content.decode()
    names = re.findall(r'govuk-task-list__link"[^>]*>([^<]+)</a>', content)
    assert names == [
        "About the scheme",
        "Details of the scheme",
        "Budget",
        "Strategic components",
        "Attachments",
        "Declaration",
    ]
    assert content.count("Not started") == 5  # the first section has the title already
    assert content.count("In progress") == 1


def test_section_save_keeps_answers_and_raises_the_version(signed_in, draft):
    client = signed_in(CAV)

    response = client.post("/applications/PS-2027-CAV-001/apply/section/1/", section_data(draft))

    draft.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/applications/PS-2027-CAV-001/apply/section/2/"
    assert draft.version == 2
    assert draft.start_date == datetime.date(2027, 4, 1)
    assert draft.duration_months == 24
    problem = questions(draft)[2]
    assert draft.answers.get(question=problem).text == "Answer to question 3."


def test_section_save_and_come_back_later_returns_to_the_task_list(signed_in, draft):
    data = section_data(draft, save_and_return="Save and come back later")

    response = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/section/1/", data)

    assert response["Location"] == "/applications/PS-2027-CAV-001/apply/"


@pytest.mark.parametrize(
    ("field_kind", "value", "message"),
    [
        (QuestionKind.DURATION, "25", "The duration must be 24 months or fewer"),
        (QuestionKind.DURATION, "1.5", "Enter the duration as a whole number of months, like 24"),
        (QuestionKind.DURATION, "0", "The duration must be at least 1 month"),
        (QuestionKind.TITLE, "", "Enter the title of your scheme"),
    ],
)
def test_section_bad_input_shows_message_and_changes_nothing(
    signed_in, draft, field_kind, value, message
):
    question = questions(draft, field_kind)[0]
    data = section_data(draft, **{f"q{question.pk}": value})

    response = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/section/1/", data)

    draft.refresh_from_db()
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert draft.version == 1
    assert draft.answers.count() == 0
    assert draft.duration_months is None


def test_section_start_date_outside_the_round_window_is_refused(signed_in, draft):
    question = questions(draft, QuestionKind.START_DATE)[0]
    data = section_data(draft, **{f"q{question.pk}_2": "2026"})

    response = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/section/1/", data)

    assert "The start date must be between 1 April 2027 and 31 March 2028" in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert draft.start_date is None


def test_section_too_many_words_is_refused_with_the_count(signed_in, draft):
    question = next(q for q in questions(draft) if q.word_limit == 250)
    data = section_data(draft, **{f"q{question.pk}": "word " * 251})

    response = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/section/1/", data)

    assert "Use 250 words or fewer; you have used 251" in response.content.decode()
    assert draft.answers.count() == 0


def test_section_stale_page_is_refused_and_nothing_is_overwritten(signed_in, draft):
    client = signed_in(CAV)
    first = section_data(draft)
    stale = section_data(draft, **{f"q{questions(draft)[2].pk}": "The second editor's text."})
    client.post("/applications/PS-2027-CAV-001/apply/section/1/", first)

    response = client.post("/applications/PS-2027-CAV-001/apply/section/1/", stale)

    assert response.status_code == 200
    assert "Someone else changed this application" in response.content.decode()
    assert draft.answers.get(question=questions(draft)[2]).text == "Answer to question 3."


def test_section_of_another_board_is_404(signed_in, draft):
    response = signed_in("applicant.hdd@example.org").post(
        "/applications/PS-2027-CAV-001/apply/section/1/", section_data(draft)
    )

    assert response.status_code == 404


def test_section_post_without_csrf_token_is_refused(demo_user, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(CAV))

    response = client.post("/applications/PS-2027-CAV-001/apply/section/1/", section_data(draft))

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.version == 1


def test_components_require_at_least_one_tick(signed_in, draft):
    response = signed_in(CAV).post(
        "/applications/PS-2027-CAV-001/apply/components/",
        {"version": draft.version},
    )

    assert "Select at least one strategic component" in response.content.decode()


def test_components_save_ticks_from_the_round_frameworks_only(signed_in, draft):
    data = {"version": draft.version, "framework_2": ["20", "21"], "framework_3": ["24"]}

    signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/components/", data)

    assert sorted(draft.components.values_list("pk", flat=True)) == [20, 21, 24]


def test_components_reject_a_component_not_offered(signed_in, draft):
    data = {"version": draft.version, "framework_2": ["1"]}  # 1 belongs to framework 1

    response = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/components/", data)

    assert response.status_code == 200
    assert draft.components.count() == 0


def test_any_change_after_the_declaration_withdraws_it(signed_in, draft, demo_user):
    declared = workflow.application_confirm_declaration(
        draft, expected_version=1, acting_user=demo_user(CAV)
    )
    assert declared.declaration_confirmed_at is not None

    signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/section/1/", section_data(declared))

    declared.refresh_from_db()
    assert declared.declaration_confirmed_at is None


def test_submit_incomplete_application_lists_each_problem_and_changes_nothing(signed_in, draft):
    response = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/submit/")

    content = response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert "There is a problem" in content
    assert "Add at least one budget line" in content
    assert "Confirm the declaration" in content
    assert "Select at least one strategic component" in content
    assert "Answer “What is the problem the scheme will try to address?”" in content
    assert 'href="/applications/PS-2027-CAV-001/apply/section/1/#id_q' in content


def test_submit_complete_application_sends_receipt_and_records_event(
    signed_in, draft, demo_user, django_capture_on_commit_callbacks
):
    complete(draft, demo_user(CAV))

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/submit/")

    draft.refresh_from_db()
    assert response["Location"] == "/applications/PS-2027-CAV-001/receipt/"
    assert draft.status == ApplicationStatus.SUBMITTED
    assert draft.submitted_at is not None
    event = AuditEvent.objects.get(
        application_pk=draft.pk, action=AuditAction.APPLICATION_SUBMITTED
    )
    assert (event.from_state, event.to_state, event.actor.email) == ("draft", "submitted", CAV)
    assert [m.subject for m in mail.outbox] == ["Application PS-2027-CAV-001 submitted"]
    assert mail.outbox[0].to == [CAV]


def test_submit_twice_submits_once(signed_in, draft, demo_user, django_capture_on_commit_callbacks):
    complete(draft, demo_user(CAV))
    client = signed_in(CAV)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/applications/PS-2027-CAV-001/apply/submit/")
        second = client.post("/applications/PS-2027-CAV-001/apply/submit/")

    assert first["Location"] == second["Location"] == "/applications/PS-2027-CAV-001/receipt/"
    assert (
        AuditEvent.objects.filter(
            application_pk=draft.pk, action=AuditAction.APPLICATION_SUBMITTED
        ).count()
        == 1
    )
    assert len(mail.outbox) == 1


def test_submit_after_the_deadline_is_refused_with_a_clear_message(signed_in, draft, demo_user):
    complete(draft, demo_user(CAV))
    closed = timezone.now() - datetime.timedelta(minutes=1)
    Round.objects.filter(pk=draft.round_id).update(
        opens_at=closed - datetime.timedelta(days=30), closes_at=closed
    )

    response = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/submit/")

    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert "The deadline for this round has passed" in response.content.decode()


def test_extension_lets_one_board_submit_after_the_deadline(signed_in, draft, demo_user):
    complete(draft, demo_user(CAV))
    closed = timezone.now() - datetime.timedelta(minutes=1)
    Round.objects.filter(pk=draft.round_id).update(
        opens_at=closed - datetime.timedelta(days=30), closes_at=closed
    )
    until = timezone.localtime(timezone.now() + datetime.timedelta(days=2))
    manager = signed_in("manager@example.org")
    response = manager.post(
        "/rounds/2027-29/extensions/",
        {
            "organisation": Organisation.objects.get(code="CAV").pk,
            "until_date_0": str(until.day),
            "until_date_1": str(until.month),
            "until_date_2": str(until.year),
            "until_time": "17:00",
            "reason": "Executive board meets late",
        },
    )
    assert response.status_code == 302

    submitted = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/submit/")

    draft.refresh_from_db()
    assert submitted["Location"] == "/applications/PS-2027-CAV-001/receipt/"
    assert draft.status == ApplicationStatus.SUBMITTED


def test_extension_before_the_round_closes_is_refused(signed_in, draft):
    response = signed_in("manager@example.org").post(
        "/rounds/2027-29/extensions/",
        {
            "organisation": Organisation.objects.get(code="CAV").pk,
            "until_date_0": "1",
            "until_date_1": "1",
            "until_date_2": "2020",
            "until_time": "17:00",
        },
    )

    assert "The new deadline must be after the round closes" in response.content.decode()
    assert draft.round.extensions.count() == 0


@pytest.mark.parametrize("email", [CAV, "reviewer1@example.org", "chair@example.org"])
def test_extensions_page_is_for_programme_managers_only(signed_in, email):
    assert signed_in(email).get("/rounds/2027-29/extensions/").status_code == 403


def test_submitted_application_cannot_be_edited(signed_in, draft, demo_user):
    complete(draft, demo_user(CAV))
    workflow.application_submit(draft, acting_user=demo_user(CAV))
    draft.refresh_from_db()
    client = signed_in(CAV)

    for path in ("apply/", "apply/section/1/", "apply/components/", "apply/declaration/"):
        response = client.post(f"/applications/PS-2027-CAV-001/{path}", section_data(draft))
        assert response.status_code == 403, path
        assert "cannot be changed" in response.content.decode()
    assert Application.objects.get(pk=draft.pk).version == draft.version


def test_clarification_returns_application_then_applicant_resubmits(
    signed_in, draft, demo_user, django_capture_on_commit_callbacks
):
    complete(draft, demo_user(CAV))
    workflow.application_submit(draft, acting_user=demo_user(CAV))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in("manager@example.org").post(
            "/applications/PS-2027-CAV-001/clarification/",
            {"reason": "Please give the evaluation budget separately."},
        )
    draft.refresh_from_db()
    assert response.status_code == 302
    assert draft.status == ApplicationStatus.CLARIFICATION
    assert draft.clarification_request == "Please give the evaluation budget separately."
    assert [m.subject for m in mail.outbox] == ["Clarification requested for PS-2027-CAV-001"]

    client = signed_in(CAV)
    task_list = client.get("/applications/PS-2027-CAV-001/apply/").content.decode()
    assert "Please give the evaluation budget separately." in task_list
    client.post("/applications/PS-2027-CAV-001/apply/section/1/", section_data(draft))
    draft.refresh_from_db()
    workflow.application_confirm_declaration(
        draft, expected_version=draft.version, acting_user=demo_user(CAV)
    )
    resubmitted = client.post("/applications/PS-2027-CAV-001/apply/submit/")

    draft.refresh_from_db()
    assert resubmitted["Location"] == "/applications/PS-2027-CAV-001/receipt/"
    assert draft.status == ApplicationStatus.SUBMITTED
    assert list(
        AuditEvent.objects.for_application(draft.pk)
        .filter(to_state__gt="")
        .order_by("pk")
        .values_list("action", "from_state", "to_state")
    ) == [
        (AuditAction.APPLICATION_SUBMITTED, "draft", "submitted"),
        (AuditAction.APPLICATION_RETURNED, "submitted", "clarification"),
        (AuditAction.APPLICATION_RESUBMITTED, "clarification", "submitted"),
    ]


@pytest.mark.parametrize("email", [CAV, "reviewer1@example.org", "applicant.hdd@example.org"])
def test_clarification_is_refused_to_all_but_programme_managers(signed_in, draft, email):
    draft.status = ApplicationStatus.SUBMITTED
    draft.save()

    response = signed_in(email).post(
        "/applications/PS-2027-CAV-001/clarification/", {"reason": "x"}
    )

    assert response.status_code in (403, 404)
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED


def test_clarification_without_a_message_is_refused(signed_in, draft):
    draft.status = ApplicationStatus.SUBMITTED
    draft.save()

    response = signed_in("manager@example.org").post(
        "/applications/PS-2027-CAV-001/clarification/", {"reason": ""}
    )

    assert "Enter what the health board needs to clarify" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED


def test_withdraw_needs_a_reason_and_records_it(signed_in, draft):
    client = signed_in(CAV)

    refused = client.post("/applications/PS-2027-CAV-001/withdraw/", {"reason": ""})
    done = client.post("/applications/PS-2027-CAV-001/withdraw/", {"reason": "Merged with HDD"})

    draft.refresh_from_db()
    assert "Enter the reason for withdrawing the application" in refused.content.decode()
    assert done.status_code == 302
    assert draft.status == ApplicationStatus.WITHDRAWN
    assert draft.withdrawal_reason == "Merged with HDD"


def test_withdraw_after_a_decision_is_refused(signed_in, draft):
    draft.status = ApplicationStatus.APPROVED
    draft.save()

    response = signed_in(CAV).post("/applications/PS-2027-CAV-001/withdraw/", {"reason": "x"})

    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.APPROVED
    assert "cannot be withdrawn" in response.content.decode()


def test_history_shows_field_level_changes_to_programme_managers_only(signed_in, draft):
    signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/section/1/", section_data(draft))

    manager_page = signed_in("manager@example.org").get("/applications/PS-2027-CAV-001/history/")
    applicant_page = signed_in(CAV).get("/applications/PS-2027-CAV-001/history/")

    content = manager_page.content.decode()
    assert "Start date" in content
    assert "Answer: What is the problem the scheme will try to address?" in content
    assert "Answer to question 3." in content
    assert "Carys Evans" in content
    assert applicant_page.status_code == 403


def test_organisation_applications_page_query_count_is_flat(
    signed_in, demo_round, django_assert_max_num_queries
):
    client = signed_in(CAV)
    board = Organisation.objects.get(code="CAV")
    ApplicationFactory(round=demo_round, organisation=board)
    client.get("/")
    with django_assert_max_num_queries(15) as few:
        client.get("/")
    for _ in range(30):
        application = ApplicationFactory(round=demo_round, organisation=board)
        BudgetLineFactory.create_batch(5, application=application)
    with django_assert_max_num_queries(15) as many:
        client.get("/")

    assert len(many.captured_queries) == len(few.captured_queries)


class TestHostileSectionInput(HypothesisTestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        text=st.text(max_size=2000),
        duration=st.text(max_size=20),
        day=st.text(max_size=4),
    )
    def test_section_form_never_crashes_and_only_valid_input_is_saved(self, text, duration, day):
        round = Round.objects.get(code="2027-29")
        application = ApplicationFactory(
            round=round, organisation=Organisation.objects.get(code="CAV")
        )
        self.client.force_login(User.objects.get(email=CAV))
        data = section_data(application)
        data[f"q{questions(application)[2].pk}"] = text
        data[f"q{questions(application, QuestionKind.DURATION)[0].pk}"] = duration
        data[f"q{questions(application, QuestionKind.START_DATE)[0].pk}_0"] = day

        response = self.client.post(f"/applications/{application.reference}/apply/section/1/", data)

        application.refresh_from_db()
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert application.version == 1
        else:
            assert 1 <= application.duration_months <= 24


def test_section_never_interprets_an_organisation_name_as_a_template(signed_in, draft):
    Organisation.objects.filter(code="CAV").update(name="{{ form.version }} {% now 'Y' %}<b>x</b>")

    response = signed_in(CAV).get("/applications/PS-2027-CAV-001/apply/section/1/")

    content = response.content.decode()
    assert "{{ form.version }} {% now &#x27;Y&#x27; %}&lt;b&gt;x&lt;/b&gt;" in content


@pytest.mark.parametrize("year", ["99999999999999999999", "0", "abcd"])
def test_extension_with_an_impossible_year_is_refused_not_a_crash(signed_in, year):
    response = signed_in("manager@example.org").post(
        "/rounds/2027-29/extensions/",
        {
            "organisation": Organisation.objects.get(code="CAV").pk,
            "until_date_0": "1",
            "until_date_1": "1",
            "until_date_2": year,
            "until_time": "17:00",
        },
    )

    assert response.status_code == 200
    assert "Enter the new deadline as a real date, like 28 2 2027" in response.content.decode()


@pytest.mark.parametrize("year", ["99999999999999999999", "abcd"])
def test_section_start_date_with_an_impossible_year_is_refused_not_a_crash(signed_in, draft, year):
    question = questions(draft, QuestionKind.START_DATE)[0]
    data = section_data(draft, **{f"q{question.pk}_2": year})

    response = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/section/1/", data)

    assert response.status_code == 200
    assert "Enter the start date as a real date, like 1 4 2027" in response.content.decode()
