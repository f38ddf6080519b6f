"""Applying in Welsh: the application's language, its pages and mail in it, and who sees it."""

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from criteria.models import Assignment
from pacesetter.enums import AuditAction
from pacesetter.mail import rendered_mail
from pacesetter.models import AuditEvent, Organisation, User
from schemes.enums import ApplicationStatus, QuestionKind
from schemes.forms.apply import question_label
from schemes.models import Application, Round
from tests.factories import ApplicationFactory
from tests.test_applicant_journey import complete, questions

pytestmark = pytest.mark.django_db

CAV = "applicant.cav@example.org"
HDD = "applicant.hdd@example.org"
MANAGER = "manager@example.org"
REVIEWER = "reviewer1@example.org"
START_URL = "/rounds/2027-29/apply/"
TASKS_URL = "/applications/PS-2027-CAV-001/apply/"
LANGUAGE_URL = "/applications/PS-2027-CAV-001/apply/language/"
# Demo data: submitted, with answers, in the 2020-22 round.
SUBMITTED = "PS-2020-CAV-001"


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def welsh(message):
    with translation.override("cy"):
        return gettext(message)


def started():
    return list(
        Application.objects.filter(round__code="2027-29").values_list("reference", "language")
    )


@pytest.fixture
def draft():
    return ApplicationFactory(
        reference="PS-2027-CAV-001",
        round=Round.objects.get(code="2027-29"),
        organisation=Organisation.objects.get(code="CAV"),
        title="Gwella ansawdd clystyrau",
        language="cy",
    )


def set_language(email, code):
    User.objects.filter(email=email).update(language=code)


# Starting in Welsh


def test_start_application_in_welsh_records_the_language(signed_in):
    response = signed_in(CAV).post(START_URL, {"title": "Gwella ansawdd", "language": "cy"})

    assert response["Location"] == TASKS_URL
    assert started() == [("PS-2027-CAV-001", "cy")]
    event = AuditEvent.objects.get(action=AuditAction.APPLICATION_STARTED)
    assert event.details == {"language": "cy"}
    application = Application.objects.get(reference="PS-2027-CAV-001")
    assert list(application.history.values_list("language", flat=True)) == ["cy"]


def test_start_application_in_english_by_a_welsh_speaker(signed_in):
    set_language(CAV, "cy")

    signed_in(CAV).post(START_URL, {"title": "Cluster quality", "language": "en"})

    assert started() == [("PS-2027-CAV-001", "en")]


@pytest.mark.parametrize(("recorded", "checked"), [("en", "en"), ("cy", "cy")])
def test_start_page_chooses_the_recorded_language_by_default(signed_in, recorded, checked):
    set_language(CAV, recorded)

    soup = soup_of(signed_in(CAV).get(START_URL))

    radios = soup.select('input[name="language"]')
    assert [radio["value"] for radio in radios] == ["en", "cy"]
    assert [radio["value"] for radio in radios if radio.has_attr("checked")] == [checked]
    legend = soup.select_one("fieldset legend").get_text(strip=True)
    with translation.override(recorded):
        assert legend == gettext("Which language will you write this application in?")


@pytest.mark.parametrize("recorded", ["en", "cy"])
def test_start_application_without_a_choice_uses_the_recorded_language(signed_in, recorded):
    set_language(CAV, recorded)

    signed_in(CAV).post(START_URL, {"title": "Cluster quality"})

    assert started() == [("PS-2027-CAV-001", recorded)]


@pytest.mark.parametrize(
    "hostile", ["fr", "CY", "cy-GB", "en-gb", "cy'><script>alert(1)</script>", "en ", "cym"]
)
def test_start_application_with_a_hostile_language_starts_nothing(signed_in, hostile):
    response = signed_in(CAV).post(START_URL, {"title": "Cluster quality", "language": hostile})

    soup = soup_of(response)
    assert response.status_code == 200
    assert soup.select_one(".govuk-error-message").get_text(" ", strip=True) == (
        "Error: Select the language you will write this application in"
    )
    assert started() == []


@pytest.mark.parametrize("email", [REVIEWER, "chair@example.org", MANAGER, "admin@example.org"])
@pytest.mark.parametrize("language", ["cy", "en"])
def test_start_application_in_either_language_is_refused_to_non_applicants(
    signed_in, email, language
):
    response = signed_in(email).post(START_URL, {"title": "Not mine", "language": language})

    assert response.status_code == 403
    assert started() == []


def test_start_confirmation_keeps_the_chosen_language(signed_in, draft):
    client = signed_in(CAV)
    asked = client.post(START_URL, {"title": draft.title, "language": "cy"})
    hidden = soup_of(asked).select_one('input[name="language"]')["value"]

    client.post(
        START_URL, {"title": draft.title, "confirmed_title": draft.title, "language": hidden}
    )

    assert hidden == "cy"
    assert started() == [("PS-2027-CAV-001", "cy"), ("PS-2027-CAV-002", "cy")]


# The applicant's pages come in the application's language


def test_task_list_of_a_welsh_application_is_in_welsh_for_an_english_speaker(signed_in, draft):
    response = signed_in(CAV).get(TASKS_URL)

    soup = soup_of(response)
    assert soup.html["lang"] == "cy"
    assert response["Content-Language"] == "cy"
    assert soup.h1.get_text(strip=True) == welsh("Your application")
    assert soup.select_one("#application-language dd").get_text(strip=True) == welsh("Welsh")


def test_section_of_a_welsh_application_shows_the_questions_in_welsh(signed_in, draft):
    text_question = questions(draft, QuestionKind.TEXT)[0]
    with translation.override("cy"):
        expected = question_label(text_question)

    soup = soup_of(
        signed_in(CAV).get(
            f"/applications/PS-2027-CAV-001/apply/section/{text_question.section.number}/"
        )
    )

    label = soup.select_one(f'label[for="id_q{text_question.pk}"]').get_text(strip=True)
    assert soup.html["lang"] == "cy"
    assert label == expected
    assert expected != text_question.label_en


@pytest.mark.parametrize(
    "path",
    ["", "budget/", "components/", "attachments/", "declaration/", "check/"],
)
def test_every_page_of_a_welsh_application_form_is_in_welsh(signed_in, draft, path):
    response = signed_in(CAV).get(f"{TASKS_URL}{path}")

    assert response.status_code == 200
    assert soup_of(response).html["lang"] == "cy"


def test_pages_of_an_english_application_stay_english_for_a_welsh_speaker(signed_in, draft):
    Application.objects.filter(pk=draft.pk).update(language="en")
    set_language(CAV, "cy")

    soup = soup_of(signed_in(CAV).get(TASKS_URL))

    assert soup.html["lang"] == "en"
    assert soup.h1.get_text(strip=True) == "Your application"


def test_another_boards_welsh_application_is_a_404_in_the_visitors_language(signed_in, draft):
    response = signed_in(HDD).get(TASKS_URL)

    assert response.status_code == 404
    assert soup_of(response).html["lang"] == "en"


def test_receipt_and_its_email_of_a_welsh_application_are_in_welsh(
    signed_in, draft, django_capture_on_commit_callbacks
):
    user = User.objects.get(email=CAV)
    complete(draft, user)
    client = signed_in(CAV)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/applications/PS-2027-CAV-001/apply/submit/")
    receipt = client.get("/applications/PS-2027-CAV-001/receipt/")

    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    assert soup_of(receipt).html["lang"] == "cy"
    subject, body = rendered_mail(
        template="schemes/email/submitted",
        context={"recipient": user, "application": draft},
        language="cy",
    )
    [sent] = mail.outbox
    assert (sent.to, sent.subject, sent.body) == ([CAV], subject, body)
    assert sent.extra_headers["Content-Language"] == "cy"
    assert user.language == "en"


def test_clarification_email_of_an_english_application_is_english_to_a_welsh_speaker(
    draft, django_capture_on_commit_callbacks
):
    from schemes.domain import applications as workflow

    Application.objects.filter(pk=draft.pk).update(
        language="en", status=ApplicationStatus.SUBMITTED
    )
    draft.refresh_from_db()
    set_language(CAV, "cy")

    with django_capture_on_commit_callbacks(execute=True):
        workflow.application_return_for_clarification(
            draft, message="Please add costs.", acting_user=User.objects.get(email=MANAGER)
        )

    [sent] = mail.outbox
    assert sent.extra_headers["Content-Language"] == "en"


# Changing the language from the task list


def test_change_language_of_a_draft_is_recorded_in_history_and_audit(signed_in, draft):
    client = signed_in(CAV)
    page = soup_of(client.get(LANGUAGE_URL))
    version = page.select_one('input[name="version"]')["value"]
    checked = page.select('input[name="language"][checked]')
    assert page.h1.get_text(strip=True) == welsh(
        "Which language will you write this application in?"
    )
    assert [radio["value"] for radio in checked] == ["cy"]

    response = client.post(LANGUAGE_URL, {"version": version, "language": "en"})

    draft.refresh_from_db()
    event = AuditEvent.objects.get(action=AuditAction.APPLICATION_LANGUAGE_CHANGED)
    assert response["Location"] == TASKS_URL
    assert (draft.language, draft.version) == ("en", 2)
    assert (event.actor.email, event.from_state, event.to_state) == (CAV, "cy", "en")
    assert event.application_pk == draft.pk
    latest = draft.history.order_by("-history_id").first()
    assert (latest.language, latest.history_user.email) == ("en", CAV)
    assert soup_of(client.get(TASKS_URL)).html["lang"] == "en"


def test_change_language_keeps_the_declaration(signed_in, draft):
    complete(draft, User.objects.get(email=CAV))
    draft.refresh_from_db()

    signed_in(CAV).post(LANGUAGE_URL, {"version": draft.version, "language": "en"})

    draft.refresh_from_db()
    assert draft.language == "en"
    assert draft.declaration_confirmed_at is not None


def test_task_list_links_to_change_the_language_of_a_draft(signed_in, draft):
    soup = soup_of(signed_in(CAV).get(TASKS_URL))

    assert soup.select_one("#application-language a")["href"] == LANGUAGE_URL


@pytest.mark.parametrize("hostile", ["fr", "", "cy-GB", "<b>en</b>"])
def test_change_language_with_a_hostile_value_changes_nothing(signed_in, draft, hostile):
    response = signed_in(CAV).post(LANGUAGE_URL, {"version": draft.version, "language": hostile})

    draft.refresh_from_db()
    assert response.status_code == 200
    assert (draft.language, draft.version) == ("cy", 1)
    assert not AuditEvent.objects.filter(action=AuditAction.APPLICATION_LANGUAGE_CHANGED).exists()


def test_change_language_from_a_stale_page_changes_nothing(signed_in, draft):
    Application.objects.filter(pk=draft.pk).update(version=3)

    response = signed_in(CAV).post(LANGUAGE_URL, {"version": 1, "language": "en"})

    draft.refresh_from_db()
    assert response.status_code == 200
    assert (draft.language, draft.version) == ("cy", 3)


@pytest.mark.parametrize(
    "status",
    [ApplicationStatus.CLARIFICATION, ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN],
)
def test_change_language_once_submitted_is_refused(signed_in, draft, status):
    Application.objects.filter(pk=draft.pk).update(status=status)

    response = signed_in(CAV).post(LANGUAGE_URL, {"version": draft.version, "language": "en"})

    draft.refresh_from_db()
    assert response.status_code == 403
    assert draft.language == "cy"


@pytest.mark.parametrize(
    ("email", "status_code"),
    [(HDD, 404), (REVIEWER, 404), (MANAGER, 403), ("chair@example.org", 404)],
)
def test_change_language_by_anyone_but_the_board_is_refused(signed_in, draft, email, status_code):
    response = signed_in(email).post(LANGUAGE_URL, {"version": draft.version, "language": "en"})

    draft.refresh_from_db()
    assert response.status_code == status_code
    assert draft.language == "cy"


def test_clarification_task_list_offers_no_language_change(signed_in, draft):
    Application.objects.filter(pk=draft.pk).update(status=ApplicationStatus.CLARIFICATION)

    soup = soup_of(signed_in(CAV).get(TASKS_URL))

    assert soup.select("#application-language a") == []


# Reviewers and managers see the language; answers in the other language are marked


def welsh_submitted():
    Application.objects.filter(reference=SUBMITTED).update(language="cy")
    return Application.objects.get(reference=SUBMITTED)


def test_application_page_shows_the_language_and_marks_welsh_answers(signed_in):
    application = welsh_submitted()

    soup = soup_of(signed_in(MANAGER).get(application.get_absolute_url()))

    assert soup.html["lang"] == "en"
    assert soup.select_one("#application-language dd").get_text(strip=True) == "Welsh"
    assert soup.h1["lang"] == "cy"
    answered = [
        answer.question.number for answer in application.answers.all() if answer.text.strip()
    ]
    marked = soup.select('.pdf-question div[lang="cy"]')
    assert len(marked) == len(answered) > 0
    assert {tag.find_parent(class_="pdf-question")["id"] for tag in marked} == {
        f"question-{number}" for number in answered
    }


def test_application_page_in_its_own_language_marks_nothing(signed_in):
    soup = soup_of(signed_in(MANAGER).get(f"/applications/{SUBMITTED}/"))

    assert soup.select_one("#application-language dd").get_text(strip=True) == "English"
    assert soup.select("main [lang]") == []


def test_english_answers_on_a_welsh_page_are_marked_english(signed_in):
    set_language(MANAGER, "cy")

    soup = soup_of(signed_in(MANAGER).get(f"/applications/{SUBMITTED}/"))

    assert soup.html["lang"] == "cy"
    assert soup.select_one("#application-language dd").get_text(strip=True) == welsh("English")
    assert soup.h1["lang"] == "en"
    assert len(soup.select('.pdf-question div[lang="en"]')) > 0
    assert soup.select('.pdf-question [lang="cy"]') == []


def test_scoring_page_shows_the_reviewer_the_language(signed_in):
    application = welsh_submitted()
    Assignment.objects.all().delete()
    assignment = Assignment.objects.create(
        application=application,
        reviewer=User.objects.get(email=REVIEWER),
        assigned_by=User.objects.get(email=MANAGER),
    )

    soup = soup_of(signed_in(REVIEWER).get(f"/reviews/{assignment.pk}/"))

    assert soup.select_one("#application-language dd").get_text(strip=True) == "Welsh"
    assert soup.h1["lang"] == "cy"
    assert len(soup.select('.pdf-question div[lang="cy"]')) > 0
