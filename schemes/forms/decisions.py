"""The programme manager's forms: a decision on an application, and releasing feedback."""

import datetime

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.money import format_pounds
from pacesetter.text_limits import NOTE_MAX_LENGTH, text_field
from schemes.domain.decisions import (
    AMOUNT_MISSING,
    AMOUNT_NOT_POSITIVE,
    AMOUNT_PRECISION,
    decision_problems,
)
from schemes.enums import ApplicationStatus, DecisionOutcome
from schemes.forms.budget import AFFIXED_FIELD, Reveal, RevealingRadios, radio_anchor
from schemes.forms.money import MoneyField, parse_number, strip_input

OUTCOME_LABELS = {
    DecisionOutcome.APPROVED: _("Approve"),
    DecisionOutcome.DECLINED: _("Decline"),
    DecisionOutcome.DEFERRED: _("Defer"),
}
# The fields each outcome uses; the others are ignored, whatever they hold.
OUTCOME_FIELDS = {
    DecisionOutcome.APPROVED: ("approved_amount", "conditions"),
    DecisionOutcome.DECLINED: ("reasons",),
    DecisionOutcome.DEFERRED: ("note",),
}


class ApprovedAmountField(MoneyField):
    """MoneyField, refusing amounts too long for exact arithmetic before it tries any."""

    # MoneyField quantizes to the penny, which Decimal's 28 digits cannot do past 26 digits of
    # pounds; no amount of more than 15 digits could be within what any application requests.
    MAX_WHOLE_DIGITS = 15

    def to_python(self, value):
        parts = parse_number(strip_input(value).removeprefix("£").strip())
        if parts is not None and len(parts[0].lstrip("0")) > self.MAX_WHOLE_DIGITS:
            raise ValidationError(
                self.error_messages["max_value"],
                code="max_value",
                params={"limit": format_pounds(self.max_value)},
            )
        return super().to_python(value)


class DecisionDateField(DateInputField):
    """A GOV.UK date input whose messages say what to type, in the person's language."""

    def __init__(self, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        self.error_messages.update(
            {
                "required": _("Enter the date of the decision"),
                "incomplete": _("Enter the date of the decision"),
            }
        )
        for subfield, message in zip(
            self.fields,
            (_("Enter the day"), _("Enter the month"), _("Enter the year")),
            strict=True,
        ):
            subfield.error_messages["incomplete"] = message
            subfield.validators = []

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            return datetime.date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError) as error:
            raise ValidationError(
                _("The date of the decision must be a real date, like 27 3 2026"), code="invalid"
            ) from error


class DecisionForm(forms.Form):
    """Approve (amount, conditions), decline (reasons) or defer (an optional note)."""

    outcome = forms.ChoiceField(
        label=_("What is the decision?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose approve, decline or defer"),
            "invalid_choice": _("Choose approve, decline or defer"),
        },
    )
    approved_amount = ApprovedAmountField(
        label=_("Approved amount"),
        required=False,
        help_text=_("In pounds and pence. It may be less than the amount requested."),
        error_messages={
            "invalid": AMOUNT_MISSING,
            "negative": AMOUNT_NOT_POSITIVE,
            "precision": AMOUNT_PRECISION,
        },
    )
    conditions = text_field(
        label=_("Conditions (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reasons = text_field(
        label=_("Reasons for declining"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The health board will read these when feedback is released."),
    )
    note = text_field(
        label=_("Why is the decision deferred? (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    decided_on = DecisionDateField(
        label=_("Date of the decision"), help_text=_("For example, 27 3 2026")
    )

    def __init__(self, *args, application, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("decided_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.application = application
        outcomes = [DecisionOutcome.APPROVED, DecisionOutcome.DECLINED]
        if application.status != ApplicationStatus.DEFERRED:
            outcomes.append(DecisionOutcome.DEFERRED)
        self.fields["outcome"].choices = [
            (outcome, OUTCOME_LABELS[outcome]) for outcome in outcomes
        ]
        reveals = {
            DecisionOutcome.APPROVED: Reveal(
                OUTCOME_LABELS[DecisionOutcome.APPROVED],
                Field(
                    "approved_amount",
                    template=AFFIXED_FIELD,
                    context={"prefix": "£"},
                    css_class="govuk-input--width-10",
                ),
                Field.textarea("conditions", rows=4),
            ),
            DecisionOutcome.DECLINED: Reveal(
                OUTCOME_LABELS[DecisionOutcome.DECLINED], Field.textarea("reasons", rows=4)
            ),
            DecisionOutcome.DEFERRED: Reveal(
                OUTCOME_LABELS[DecisionOutcome.DEFERRED], Field.textarea("note", rows=4)
            ),
        }
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL
        self.helper.layout = Layout(
            RevealingRadios("outcome", *[reveals[outcome] for outcome in outcomes]),
            "decided_on",
            Button("decide", _("Record the decision")),
        )

    def clean(self):
        cleaned = super().clean()
        outcome = cleaned.get("outcome")
        kept = OUTCOME_FIELDS.get(outcome, ())
        for fields in OUTCOME_FIELDS.values():
            for name in fields:
                if name not in kept:
                    # Fields revealed for another outcome are ignored, whatever they hold.
                    self._errors.pop(name, None)
                    cleaned[name] = None if name == "approved_amount" else ""
        if outcome is None:
            return cleaned
        problems = decision_problems(
            self.application,
            outcome=outcome,
            approved_amount=cleaned.get("approved_amount"),
            reasons=cleaned.get("reasons", ""),
            decided_on=cleaned.get("decided_on"),
        )
        for name, message in problems.items():
            if name not in self._errors:
                self.add_error(name, message)
        return cleaned

    def decision_values(self):
        """Return the decision's fields, as `decision_record` takes them."""
        outcome = self.cleaned_data["outcome"]
        return {
            "outcome": outcome,
            "approved_amount": self.cleaned_data.get("approved_amount"),
            "conditions": self.cleaned_data.get("conditions", ""),
            "reasons": self.cleaned_data.get(
                "note" if outcome == DecisionOutcome.DEFERRED else "reasons", ""
            ),
            "decided_on": self.cleaned_data["decided_on"],
        }

    def error_links(self):
        """Return (anchor, message) for every error, in the order the fields appear."""
        anchors = {name: self[name].auto_id for name in self.fields}
        # crispy-forms-gds numbers conditional radios from 0; the date's first box is _0.
        anchors["outcome"] = radio_anchor(self, "outcome", first_position=0)
        anchors["decided_on"] = f"{self['decided_on'].auto_id}_0"
        links = [(anchors["outcome"], error) for error in self.non_field_errors()]
        for name in self.fields:
            links.extend((anchors[name], error) for error in self[name].errors)
        return links
