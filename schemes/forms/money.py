"""Form fields for money, quantities and percentages that parse strictly and never round.

A person who types "12.345" meant something; rounding it silently would change their costing.
These fields refuse anything that is not exactly what they ask for, with a message that says
what to type instead.
"""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pacesetter.money import PENNY, format_pounds

MAX_AMOUNT = Decimal("100000000.00")
MAX_QUANTITY = 1_000_000
# The longest duration any round may allow: 50 years, far past any scheme, within the column.
MAX_MONTHS = 600

# Digits, optionally grouped in thousands with commas, then an optional fraction.
NUMBER = re.compile(r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?", re.ASCII)


def parse_number(text):
    """Return (whole digits, fraction digits) of a plain positive number, or None."""
    match = NUMBER.fullmatch(text)
    if match is None:
        return None
    return match["whole"].replace(",", ""), match["fraction"] or ""


def strip_input(value):
    return "" if value is None else str(value).strip()


class MoneyField(forms.Field):
    """Pounds and pence, from "1250.50", "1,250.50" or "£1,250.50", to an exact Decimal.

    Refuses, with a message: negative amounts, more than two decimal places, amounts over the
    maximum, exponent notation, NaN, Infinity and anything else that is not an amount.
    """

    widget = forms.TextInput
    default_error_messages = {
        "required": _("Enter an amount in pounds and pence, like 1250.50"),
        "invalid": _("Enter an amount in pounds and pence, like 1250.50"),
        "negative": _("Enter an amount of £0.00 or more"),
        "precision": _(
            "Enter an amount in pounds and pence with no more than 2 decimal places, like 1250.50"
        ),
        "max_value": _("Enter an amount of %(limit)s or less"),
    }

    def __init__(self, *, max_value=MAX_AMOUNT, **kwargs):
        self.max_value = max_value
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "decimal",
            "spellcheck": "false",
            "autocomplete": "off",
        }

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.quantize(PENNY):f}"
        return value

    def to_python(self, value):
        text = strip_input(value)
        if text in self.empty_values:
            return None
        text = text.removeprefix("£").strip()
        if text.startswith("-"):
            negative = parse_number(text.removeprefix("-").removeprefix("£").strip())
            raise ValidationError(
                self.error_messages["negative" if negative else "invalid"], code="invalid"
            )
        parts = parse_number(text)
        if parts is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        whole, fraction = parts
        if len(fraction) > 2:
            raise ValidationError(self.error_messages["precision"], code="precision")
        # Compare before quantizing: quantize() fails on numbers longer than 28 digits.
        amount = Decimal(f"{whole}.{fraction or '0'}")
        if amount > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit": format_pounds(self.max_value)},
            )
        return amount.quantize(PENNY)


class QuantityField(forms.Field):
    """A whole number of units, 1 or more: "20" or "1,000"; never a fraction or zero."""

    widget = forms.TextInput
    default_error_messages = {
        "required": _("Enter a quantity, like 20"),
        "invalid": _("Enter the quantity as a whole number, like 20"),
        "min_value": _("Enter a quantity of 1 or more"),
        "max_value": _("Enter a quantity of %(limit)s or less"),
    }

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "numeric",
            "spellcheck": "false",
            "autocomplete": "off",
        }

    def to_python(self, value):
        text = strip_input(value)
        if text in self.empty_values:
            return None
        parts = parse_number(text)
        if parts is None or parts[1]:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        quantity = int(parts[0])
        if quantity < 1:
            raise ValidationError(self.error_messages["min_value"], code="min_value")
        if quantity > MAX_QUANTITY:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit": f"{MAX_QUANTITY:,}"},
            )
        return quantity


class MonthsField(forms.Field):
    """A whole number of months from 1 to `max_value`, in ASCII digits: "24", never "２４"."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter the duration as a whole number of months, like 24"),
        "min_value": _("The duration must be at least 1 month"),
        "max_value": _("The duration must be %(limit)s months or fewer"),
    }

    def __init__(self, *, max_value, **kwargs):
        self.max_value = max_value
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "numeric",
            "spellcheck": "false",
            "autocomplete": "off",
        }

    def to_python(self, value):
        text = strip_input(value)
        if text in self.empty_values:
            return None
        parts = parse_number(text)
        if parts is None or parts[1] or "," in text:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        months = int(parts[0])
        if months < 1:
            raise ValidationError(self.error_messages["min_value"], code="min_value")
        if months > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit": f"{self.max_value:,}"},
            )
        return months


class PercentageField(forms.Field):
    """A percentage from 0 to 100 with at most two decimal places: "10", "12.5" or "10%"."""

    widget = forms.TextInput
    default_error_messages = {
        "required": _("Enter a percentage, like 10"),
        "invalid": _("Enter the percentage as a number from 0 to 100, like 10"),
        "precision": _("Enter a percentage with no more than 2 decimal places, like 12.5"),
        "range": _("Enter a percentage from 0 to 100"),
    }

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "decimal",
            "spellcheck": "false",
            "autocomplete": "off",
        }

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        return value

    def to_python(self, value):
        text = strip_input(value)
        if text in self.empty_values:
            return None
        text = text.removesuffix("%").strip()
        if text.startswith("-") and parse_number(text.removeprefix("-")):
            raise ValidationError(self.error_messages["range"], code="range")
        parts = parse_number(text)
        if parts is None or "," in text:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        whole, fraction = parts
        if len(fraction) > 2:
            raise ValidationError(self.error_messages["precision"], code="precision")
        percentage = Decimal(f"{whole}.{fraction or '0'}")
        if percentage > 100:
            raise ValidationError(self.error_messages["range"], code="range")
        return percentage.quantize(PENNY)
