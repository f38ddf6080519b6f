"""The scheme's duration: ASCII digits only, a GOV.UK number input with a "months" suffix, and a
hint that states the limit the field enforces."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from schemes.enums import QuestionKind
from schemes.forms.money import MAX_MONTHS, MonthsField
from schemes.forms.rounds import RoundForm
from tests.test_applicant_journey import CAV, demo_round, draft, questions, section_data

pytestmark = pytest.mark.django_db
__all__ = ["demo_round", "draft"]  # fixtures, used by name

INVALID = "Enter the duration as a whole number of months, like 24"
SECTION = "/applications/PS-2027-CAV-001/apply/section/1/"

# Digits of every script but ASCII's: Arabic-Indic, fullwidth, Devanagari, Bengali and the rest.
non_ascii_digits = st.characters(categories=["Nd"]).filter(lambda c: not c.isascii())


def duration_name(application):
    return f"q{questions(application, QuestionKind.DURATION)[0].pk}"


def messages(field, text):
    with pytest.raises(ValidationError) as refused:
        field.clean(text)
    return refused.value.messages


@pytest.mark.parametrize(
    "text",
    ["١٢", "１２", "۱۲", "१२", "1２", "12.0", "1.5", "1,2", "+12", "1e1", "twelve", "12 months"],
)
def test_months_field_refuses_anything_but_ascii_digits(text):
    assert messages(MonthsField(max_value=24), text) == [INVALID]


@given(digits=st.lists(non_ascii_digits, min_size=1, max_size=4).map("".join))
def test_months_field_refuses_digits_of_every_other_script(digits):
    assert messages(MonthsField(max_value=MAX_MONTHS), digits) == [INVALID]


def is_ascii_number(text):
    return text.strip().isascii() and text.strip().isdigit()


@given(text=st.text(max_size=12).filter(lambda text: not is_ascii_number(text)))
def test_months_field_refuses_any_text_that_is_not_a_whole_number(text):
    field = MonthsField(max_value=MAX_MONTHS, required=False)

    if text.strip() == "":
        assert field.clean(text) is None
    else:
        assert messages(field, text) == [INVALID]


@given(months=st.integers(min_value=1, max_value=24))
def test_months_field_accepts_every_whole_number_up_to_the_limit(months):
    assert MonthsField(max_value=24).clean(f" {months} ") == months


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "The duration must be at least 1 month"),
        ("25", "The duration must be 24 months or fewer"),
        ("99999999999999999999", "The duration must be 24 months or fewer"),
    ],
)
def test_months_field_refuses_numbers_outside_one_to_the_limit(text, message):
    assert messages(MonthsField(max_value=24), text) == [message]


def test_duration_is_a_numeric_text_input_with_a_months_suffix(signed_in, draft):
    soup = BeautifulSoup(signed_in(CAV).get(SECTION).content, "html.parser")

    field = soup.select_one(f"#id_{duration_name(draft)}")
    assert (field.name, field["type"], field["inputmode"]) == ("input", "text", "numeric")
    assert field["class"] == ["govuk-input", "govuk-input--width-3"]
    suffix = field.find_next_sibling("div")
    assert (suffix["class"], suffix.get_text(strip=True)) == (["govuk-input__suffix"], "months")


def test_duration_hint_states_the_rounds_limit(signed_in, draft):
    soup = BeautifulSoup(signed_in(CAV).get(SECTION).content, "html.parser")

    hint = soup.select_one(f"#id_{duration_name(draft)}_hint")
    assert hint.get_text(strip=True) == "Enter a whole number of months, up to 24 months"


def test_duration_without_a_round_limit_states_and_enforces_600(signed_in, draft):
    draft.round.max_duration_months = None
    draft.round.save()
    client = signed_in(CAV)
    soup = BeautifulSoup(client.get(SECTION).content, "html.parser")

    response = client.post(SECTION, section_data(draft, **{duration_name(draft): "601"}))

    hint = soup.select_one(f"#id_{duration_name(draft)}_hint")
    assert hint.get_text(strip=True) == "Enter a whole number of months, up to 600 months"
    assert "The duration must be 600 months or fewer" in response.content.decode()


@pytest.mark.parametrize("text", ["١٢", "１２"])
def test_duration_in_other_digits_is_refused_and_not_saved(signed_in, draft, text):
    response = signed_in(CAV).post(SECTION, section_data(draft, **{duration_name(draft): text}))

    draft.refresh_from_db()
    assert response.status_code == 200
    assert INVALID in response.content.decode()
    assert draft.duration_months is None


@pytest.mark.parametrize("text", ["٢٤", "２４"])
def test_round_maximum_duration_refuses_other_digits(text):
    field = RoundForm.base_fields["max_duration_months"]

    assert messages(field, text) == [
        "Enter the maximum duration as a whole number of months, like 24"
    ]
