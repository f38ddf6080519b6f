"""Dates and times typed by people: GOV.UK date inputs and 24-hour times, checked strictly."""

import datetime
import re

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Dates outside these years are typing mistakes (and some cannot be stored).
FIRST_YEAR, LAST_YEAR = 2000, 2100
DATE_PART = re.compile(r"[0-9]{1,4}", re.ASCII)


class RoundDateField(DateInputField):
    """A GOV.UK date input that refuses anything but a real date, with one clear message.

    The library's field reports untranslated messages and lets a year too large for a date
    escape as an OverflowError; this one checks each part itself.
    """

    def __init__(self, *, required_message, invalid_message, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        self.error_messages = {"required": required_message, "invalid": invalid_message}

    def clean(self, value):
        for field in self.fields:
            field.widget.errors = []
        parts = [str(part).strip() for part in (value or []) if part is not None]
        if not any(parts):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        if len(parts) != 3 or not all(DATE_PART.fullmatch(part) for part in parts):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        day, month, year = (int(part) for part in parts)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class TimeOfDayField(forms.TimeField):
    """A 24-hour time typed as text ("17:00"), shown back the same way."""

    # A plain text input: GOV.UK has no time component, and the library styles TextInput only.
    widget = forms.TextInput

    def prepare_value(self, value):
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        return value


def time_field(label, required_message):
    return TimeOfDayField(
        label=label,
        help_text=_("24-hour clock, for example 17:00"),
        error_messages={
            "required": required_message,
            "invalid": _("Enter the time as hours and minutes on the 24-hour clock, like 17:00"),
        },
    )


def date_layout(name):
    return Field(name, context={"legend_size": Size.for_legend(Size.SMALL)})


def combine(day, time):
    """The moment a date and a 24-hour time name in the portal's time zone (Welsh time)."""
    return timezone.make_aware(datetime.datetime.combine(day, time))
