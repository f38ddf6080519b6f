"""The strict money, quantity and percentage fields: exact Decimals or a message, never rounding."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from schemes.forms.money import MoneyField, PercentageField, QuantityField

in_range = st.decimals(min_value=0, max_value=100_000_000, places=2)


def clean(field, value):
    """Return (value, None) or (None, the messages) without letting an exception escape."""
    try:
        return field.clean(value), None
    except forms.ValidationError as error:
        return None, error.messages


@given(amount=in_range)
def test_money_field_plain_amount_round_trips_exactly(amount):
    assert clean(MoneyField(), f"{amount:f}") == (amount, None)


@given(amount=in_range)
def test_money_field_pounds_with_commas_round_trips_exactly(amount):
    assert clean(MoneyField(), f"£{amount:,.2f}") == (amount, None)


@given(amount=st.decimals(min_value=0, max_value=100_000_000, places=1))
def test_money_field_one_decimal_place_is_pence_exactly(amount):
    value, errors = clean(MoneyField(), f"{amount:f}")

    assert (value, errors) == (amount, None)
    assert value.as_tuple().exponent == -2


@given(
    amount=st.integers(3, 8)
    .flatmap(lambda places: st.decimals(min_value=0, max_value=100_000_000, places=places))
    .filter(lambda value: value != value.quantize(Decimal("0.01")))
)
def test_money_field_more_than_two_places_is_refused(amount):
    assert clean(MoneyField(), f"{amount:f}") == (
        None,
        ["Enter an amount in pounds and pence with no more than 2 decimal places, like 1250.50"],
    )


@given(amount=st.decimals(min_value=Decimal("0.01"), max_value=100_000_000, places=2))
def test_money_field_negative_is_refused(amount):
    assert clean(MoneyField(), f"-{amount:f}") == (None, ["Enter an amount of £0.00 or more"])


@given(amount=st.decimals(min_value=Decimal("100000000.01"), max_value=10**15, places=2))
def test_money_field_over_the_maximum_is_refused(amount):
    assert clean(MoneyField(), f"{amount:f}") == (
        None,
        ["Enter an amount of £100,000,000.00 or less"],
    )


@pytest.mark.parametrize(
    "text",
    ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "1e3", "1E+3", "1.5e2", "0x10"],
)
def test_money_field_special_values_and_exponents_are_refused(text):
    assert clean(MoneyField(), text) == (
        None,
        ["Enter an amount in pounds and pence, like 1250.50"],
    )


@given(text=st.text())
def test_money_field_any_text_gives_a_decimal_or_a_message(text):
    value, errors = clean(MoneyField(required=False), text)

    if errors is None:
        assert value is None or (
            value.as_tuple().exponent == -2 and Decimal(0) <= value <= Decimal(100_000_000)
        )
    else:
        assert value is None
        assert len(errors) == 1


@pytest.mark.parametrize(
    "text", ["12,50", "1,2345.00", "£", "£ ", ".50", "12.", "1 250", "12.5.0", "١٢"]
)
def test_money_field_garbage_is_refused(text):
    assert clean(MoneyField(), text) == (
        None,
        ["Enter an amount in pounds and pence, like 1250.50"],
    )


def test_money_field_blank_when_required_is_refused():
    assert clean(MoneyField(), "   ") == (
        None,
        ["Enter an amount in pounds and pence, like 1250.50"],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£1,250.50", Decimal("1250.50")),
        (" 1250.5 ", Decimal("1250.50")),
        ("£ 0", Decimal("0.00")),
        ("100000000", Decimal("100000000.00")),
    ],
)
def test_money_field_accepts_pounds_sign_commas_and_spaces(text, expected):
    assert clean(MoneyField(), text) == (expected, None)


@given(quantity=st.integers(1, 1_000_000))
def test_quantity_field_whole_number_round_trips(quantity):
    assert clean(QuantityField(), f"{quantity:,}") == (quantity, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "Enter a quantity of 1 or more"),
        ("1.5", "Enter the quantity as a whole number, like 20"),
        ("20.0", "Enter the quantity as a whole number, like 20"),
        ("-3", "Enter the quantity as a whole number, like 20"),
        ("twenty", "Enter the quantity as a whole number, like 20"),
        ("1000001", "Enter a quantity of 1,000,000 or less"),
    ],
)
def test_quantity_field_fractions_zero_and_text_are_refused(text, message):
    assert clean(QuantityField(), text) == (None, [message])


@given(percentage=st.decimals(min_value=0, max_value=100, places=2))
def test_percentage_field_in_range_round_trips_exactly(percentage):
    assert clean(PercentageField(), f"{percentage:f}") == (percentage, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("100.01", "Enter a percentage from 0 to 100"),
        ("-1", "Enter a percentage from 0 to 100"),
        ("10.125", "Enter a percentage with no more than 2 decimal places, like 12.5"),
        ("ten", "Enter the percentage as a number from 0 to 100, like 10"),
        ("1e1", "Enter the percentage as a number from 0 to 100, like 10"),
    ],
)
def test_percentage_field_out_of_range_or_over_precise_is_refused(text, message):
    assert clean(PercentageField(), text) == (None, [message])


def test_percentage_field_accepts_a_percent_sign():
    assert clean(PercentageField(), "10%") == (Decimal("10.00"), None)


@pytest.mark.parametrize("digits", [27, 28, 40, 200])
def test_money_field_refuses_absurdly_long_amounts_without_crashing(digits):
    field = MoneyField()

    with pytest.raises(ValidationError) as refused:
        field.clean("9" * digits)

    assert refused.value.code == "max_value"


@pytest.mark.parametrize("digits", [27, 40])
def test_percentage_field_refuses_absurdly_long_numbers_without_crashing(digits):
    with pytest.raises(ValidationError) as refused:
        PercentageField().clean("9" * digits)

    assert refused.value.code == "range"
