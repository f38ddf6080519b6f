"""Every free-text field has a limit and refuses text past it with a message, never silently."""

import pytest
from bs4 import BeautifulSoup
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from criteria.forms.committee import CommitteePaperForm
from criteria.forms.panel import ModerationForm
from criteria.forms.reviews import ConflictForm, ReopenForm
from pacesetter.models import Organisation
from pacesetter.text_limits import ANSWER_MAX_LENGTH, NOTE_MAX_LENGTH, text_field
from schemes.enums import DecisionOutcome, QuestionKind
from schemes.forms.apply import ExtensionForm, ReasonForm, StartApplicationForm
from schemes.forms.budget import BudgetLineForm, OtherFundingForm
from schemes.forms.decisions import DecisionForm
from schemes.forms.rounds import RoundForm
from schemes.models import Answer, Application, Round
from tests.test_applicant_journey import CAV, demo_round, draft, questions, section_data

pytestmark = pytest.mark.django_db
__all__ = ["demo_round", "draft"]  # fixtures, used by name

NOTE_TOO_LONG = "Enter no more than 5,000 characters"
ANSWER_TOO_LONG = "Enter no more than 20,000 characters"
# What people paste: plain letters, emoji, combining accents, newlines, markup.
FILLERS = ["x", "😀", "e\u0301", "\r\n", "<script>"]


def reason_form(data):
    return ReasonForm(
        data, label="Reason", required_message="Enter the reason", submit_label="Withdraw"
    )


def extension_form(data):
    return ExtensionForm(data, round=Round.objects.get(code="2027-29"))


def budget_line_form(data):
    return BudgetLineForm(data, years=2)


def decision_form(data, outcome=None):
    application = Application.objects.get(reference="PS-2020-CAV-001")
    return DecisionForm(
        None if data is None else {"outcome": outcome, **data}, application=application
    )


def approval_form(data):
    return decision_form(data, DecisionOutcome.APPROVED)


def decline_form(data):
    return decision_form(data, DecisionOutcome.DECLINED)


def deferral_form(data):
    return decision_form(data, DecisionOutcome.DEFERRED)


def round_form(data):
    return RoundForm(data, submit_label="Save")


def moderation_form(data):
    return ModerationForm(data, scale_points=[])


# (make the form from its data, field, limit, message): every free-text field but the
# application form's answers and the review form's, which are posted through their pages.
TEXT_FIELDS = [
    (reason_form, "reason", NOTE_MAX_LENGTH, NOTE_TOO_LONG),
    (extension_form, "reason", NOTE_MAX_LENGTH, NOTE_TOO_LONG),
    (budget_line_form, "comment", NOTE_MAX_LENGTH, NOTE_TOO_LONG),
    (OtherFundingForm, "comment", NOTE_MAX_LENGTH, NOTE_TOO_LONG),
    (approval_form, "conditions", NOTE_MAX_LENGTH, NOTE_TOO_LONG),
    (decline_form, "reasons", NOTE_MAX_LENGTH, NOTE_TOO_LONG),
    (deferral_form, "note", NOTE_MAX_LENGTH, NOTE_TOO_LONG),
    (StartApplicationForm, "title", 300, "The title must be 300 characters or fewer"),
    (round_form, "name", 200, "The name must be 200 characters or fewer"),
    (round_form, "declaration", 5000, "The declaration must be 5,000 characters or fewer"),
    (ConflictForm, "note", 2000, "The description must be 2,000 characters or fewer"),
    (ReopenForm, "reason", 5000, "The reason must be 5,000 characters or fewer"),
    (moderation_form, "rationale", 5000, "The rationale must be 5,000 characters or fewer"),
    (CommitteePaperForm, "key_issues", 10_000, "The key issues must be 10,000 characters or fewer"),
]
FORMS = [
    reason_form,
    extension_form,
    budget_line_form,
    OtherFundingForm,
    decision_form,
    StartApplicationForm,
    round_form,
    ConflictForm,
    ReopenForm,
    moderation_form,
    CommitteePaperForm,
]


TEXT_FIELD_IDS = [f"{make_form.__name__}-{name}" for make_form, name, _, _ in TEXT_FIELDS]


@pytest.mark.parametrize("make_form", FORMS, ids=lambda make: make.__name__)
def test_every_text_field_of_every_form_has_a_limit(make_form):
    form = make_form(None)

    unlimited = [
        name
        for name, field in form.fields.items()
        if type(field) is forms.CharField and field.max_length is None
    ]
    assert unlimited == []


@pytest.mark.parametrize("filler", FILLERS)
@pytest.mark.parametrize(("make_form", "name", "limit", "message"), TEXT_FIELDS, ids=TEXT_FIELD_IDS)
def test_text_past_the_limit_is_refused_with_a_message(make_form, name, limit, message, filler):
    text = (filler * (limit + 1))[: limit + 1] if len(filler) == 1 else "x" * 100_000

    form = make_form({name: text})

    assert form.is_valid() is False
    assert form.errors[name] == [message]


@pytest.mark.parametrize(("make_form", "name", "limit", "message"), TEXT_FIELDS, ids=TEXT_FIELD_IDS)
def test_text_at_the_limit_is_not_refused_for_its_length(make_form, name, limit, message):
    form = make_form({name: "x" * limit})

    form.is_valid()
    assert message not in form.errors.get(name, [])


@given(
    body=st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=1),
    tail=st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=200),
)
def test_text_field_refuses_any_text_past_its_limit(body, tail):
    field = text_field(max_length=NOTE_MAX_LENGTH, strip=False)

    with pytest.raises(forms.ValidationError) as refused:
        field.clean(body * NOTE_MAX_LENGTH + tail)

    assert refused.value.messages == [NOTE_TOO_LONG]


@given(text=st.text(st.characters(exclude_characters="\x00"), max_size=300))
def test_text_field_takes_any_text_within_its_limit(text):
    field = text_field(max_length=300, required=False, strip=False)

    assert field.clean(text) == text


def test_text_field_gives_the_browser_no_maxlength_to_cut_pasted_text():
    field = text_field(max_length=NOTE_MAX_LENGTH, widget=forms.Textarea)

    assert 'maxlength="' not in field.widget.render("comment", "")


def answer_name(application):
    question = next(
        q
        for q in questions(application, QuestionKind.TEXT)
        if q.section.number == 1 and not q.word_limit
    )
    return f"q{question.pk}"


@pytest.mark.parametrize("length", [ANSWER_MAX_LENGTH + 1, 100_000])
def test_answer_past_the_limit_is_refused_and_not_saved(signed_in, draft, length):
    data = section_data(draft, **{answer_name(draft): "x" * length})

    response = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/section/1/", data)

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert [a.get_text(strip=True) for a in soup.select(".govuk-error-summary li")] == [
        ANSWER_TOO_LONG
    ]
    assert Answer.objects.filter(application=draft).count() == 0


def test_answer_at_the_limit_is_saved(signed_in, draft):
    data = section_data(draft, **{answer_name(draft): "x" * ANSWER_MAX_LENGTH})

    response = signed_in(CAV).post("/applications/PS-2027-CAV-001/apply/section/1/", data)

    assert response.status_code == 302
    assert len(Answer.objects.get(application=draft, question_id=answer_name(draft)[1:]).text) == (
        ANSWER_MAX_LENGTH
    )


def test_budget_comment_past_the_limit_is_refused_through_the_page(signed_in, draft):
    url = f"/applications/{draft.reference}/apply/budget/other-funding/add/"
    data = {
        "version": draft.version,
        "source": "Cluster",
        "amount": "10.00",
        "comment": "x" * 100_000,
    }

    response = signed_in(CAV).post(url, data)

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert [a.get_text(strip=True) for a in soup.select(".govuk-error-summary li")] == [
        NOTE_TOO_LONG
    ]
    assert draft.other_funding.count() == 0


def test_extension_reason_past_the_limit_is_refused(signed_in):
    form = extension_form(
        {
            "organisation": Organisation.objects.get(code="CAV").pk,
            "until_date_0": "1",
            "until_date_1": "1",
            "until_date_2": "2030",
            "until_time": "17:00",
            "reason": "x" * 100_000,
        }
    )

    assert form.errors == {"reason": [NOTE_TOO_LONG]}
