"""The budget editor's forms: a budget line, a source of other funding, moving and removing."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    ConditionalQuestion,
    ConditionalRadios,
    Field,
    Fixed,
    Fluid,
    Layout,
    Size,
)
from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.money import format_pounds
from pacesetter.text_limits import NOTE_MAX_LENGTH, text_field
from schemes.domain.budget_editing import DOWN, FUNDING_FIELDS, LINE_FIELDS, UP
from schemes.enums import PERCENTAGE_BASE_CHOICES, PERCENTAGE_OF_YEAR, BudgetCategory
from schemes.forms.common import VersionedForm
from schemes.forms.money import MAX_AMOUNT, MoneyField, PercentageField, QuantityField

AFFIXED_FIELD = "schemes/budget/_affixed_field.html"

BY_QUANTITY = "quantity"
BY_AMOUNT = "amount"
BY_PERCENTAGE = "percentage"
COSTING_LABELS = {
    BY_QUANTITY: _("Quantity × unit cost"),
    BY_AMOUNT: _("A fixed amount"),
    BY_PERCENTAGE: _("A percentage of a subtotal, such as overheads at 10%"),
}
# The fields each way of costing a line uses; the others are saved empty.
COSTING_FIELDS = {
    BY_QUANTITY: ("quantity", "unit_cost"),
    BY_AMOUNT: ("amount",),
    BY_PERCENTAGE: ("percentage", "percentage_of"),
}


class RevealingRadios(ConditionalRadios):
    """GOV.UK conditional radios whose fields static/js/budget.mjs reveals.

    GOV.UK Frontend's own script puts aria-expanded on each radio, which ARIA does not allow
    there (axe-core refuses it: alphagov/govuk-frontend#979). Without any script, every
    revealed field stays visible.
    """

    template = "schemes/budget/_conditional_radios.html"


class Reveal(ConditionalQuestion):
    template = "schemes/budget/_conditional_question.html"


def costing_of(line):
    """Return how a saved line is costed, as the form's `costing` choice."""
    if line.percentage is not None:
        return BY_PERCENTAGE
    if line.amount is not None:
        return BY_AMOUNT
    return BY_QUANTITY


def money(name, **kwargs):
    return Field(name, template=AFFIXED_FIELD, context={"prefix": "£"}, **kwargs)


def radio_anchor(form, name, first_position=1):
    return f"{form[name].auto_id}_{first_position}"


class BudgetEditorForm(VersionedForm):
    """Lays itself out the GOV.UK way; the page supplies the <form> tag and its buttons."""

    # Where the error summary sends the person for an error that belongs to no field.
    summary_anchor = "main-content"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.legend_size = Size.SMALL
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout("version", *self.layout_fields())

    def layout_fields(self):
        return ()

    def error_anchors(self):
        """Return where each field's error in the summary should take the person."""
        return {}

    def error_links(self):
        """Return (anchor, message) for every error, in the order the fields appear."""
        fields = [name for name in self.fields if name != "version"]
        anchors = {name: self[name].auto_id for name in fields} | self.error_anchors()
        first = anchors[fields[0]] if fields else self.summary_anchor
        links = [(first, error) for error in self.non_field_errors()]
        for name in fields:
            links.extend((anchors[name], error) for error in self[name].errors)
        return links


class BudgetLineForm(BudgetEditorForm):
    """One budget line. Only the chosen way of costing is kept; the others are set to None."""

    year = forms.TypedChoiceField(
        label=_("Which year is this line for?"), coerce=int, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        help_text=_("For example, Project management or GP sessions"),
        error_messages={
            "required": _("Enter a description of the budget line"),
            "max_length": _("The description must be 300 characters or fewer"),
        },
    )
    category = forms.ChoiceField(
        label=_("Category"),
        choices=BudgetCategory.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select the category of the budget line"),
            "invalid_choice": _("Select the category of the budget line"),
        },
    )
    costing = forms.ChoiceField(
        label=_("How is this line costed?"),
        choices=list(COSTING_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how this line is costed"),
            "invalid_choice": _("Select how this line is costed"),
        },
    )
    quantity = QuantityField(
        label=_("Quantity"),
        required=False,
        help_text=_("A whole number of units, like 20 sessions"),
        error_messages={"required": _("Enter the quantity, like 20")},
    )
    unit_cost = MoneyField(
        label=_("Unit cost"),
        required=False,
        help_text=_("In pounds and pence, like 325.00"),
        error_messages={"required": _("Enter the unit cost in pounds and pence, like 325.00")},
    )
    amount = MoneyField(
        label=_("Amount"),
        required=False,
        help_text=_("In pounds and pence, like 1250.50"),
        error_messages={"required": _("Enter the amount in pounds and pence, like 1250.50")},
    )
    percentage = PercentageField(
        label=_("Percentage"),
        required=False,
        help_text=_("From 0 to 100, like 10"),
        error_messages={"required": _("Enter the percentage, like 10")},
    )
    percentage_of = forms.ChoiceField(
        label=_("A percentage of"),
        choices=PERCENTAGE_BASE_CHOICES,
        required=False,
        initial=PERCENTAGE_OF_YEAR,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select what the percentage is of"),
            "invalid_choice": _("Select what the percentage is of"),
        },
    )
    comment = text_field(
        label=_("Comment (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea,
        help_text=_("For example, how the cost is worked out"),
    )

    def layout_fields(self):
        return (
            Field.radios("year", inline=True),
            Field.text("description", field_width=Fluid.FULL),
            Field.radios("category", small=True),
            RevealingRadios(
                "costing",
                Reveal(
                    COSTING_LABELS[BY_QUANTITY],
                    Field.text("quantity", field_width=Fixed.TEN),
                    money("unit_cost", css_class="govuk-input--width-10"),
                ),
                Reveal(
                    COSTING_LABELS[BY_AMOUNT], money("amount", css_class="govuk-input--width-10")
                ),
                Reveal(
                    COSTING_LABELS[BY_PERCENTAGE],
                    Field(
                        "percentage",
                        template=AFFIXED_FIELD,
                        context={"suffix": "%"},
                        css_class="govuk-input--width-5",
                    ),
                    Field.radios("percentage_of", small=True),
                ),
            ),
            Field.textarea("comment", rows=3),
        )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        year = self.fields["year"]
        year.choices = [
            (number, _("Year %(number)s") % {"number": number}) for number in range(1, years + 1)
        ]
        out_of_range = _("Select a year from 1 to %(years)s") % {"years": years}
        year.error_messages = {"required": out_of_range, "invalid_choice": out_of_range}

    @classmethod
    def initial_for(cls, line):
        """Return the form's initial values for a saved line."""
        return {
            **{name: getattr(line, name) for name in LINE_FIELDS},
            "percentage_of": line.percentage_of or PERCENTAGE_OF_YEAR,
            "costing": costing_of(line),
        }

    def clean(self):
        cleaned_data = super().clean()
        costing = cleaned_data.get("costing")
        kept = COSTING_FIELDS.get(costing, ())
        for fields in COSTING_FIELDS.values():
            for name in fields:
                if name in kept:
                    continue
                # Fields revealed for another way of costing are ignored, whatever they hold.
                self._errors.pop(name, None)
                cleaned_data[name] = "" if name == "percentage_of" else None
        for name in kept:
            if name not in self._errors and cleaned_data.get(name) in (None, ""):
                self.add_error(name, self.fields[name].error_messages["required"])
        quantity, unit_cost = cleaned_data.get("quantity"), cleaned_data.get("unit_cost")
        if None not in (quantity, unit_cost) and quantity * unit_cost > MAX_AMOUNT:
            self.add_error(
                "unit_cost",
                _("Quantity × unit cost must come to %(limit)s or less")
                % {"limit": format_pounds(MAX_AMOUNT)},
            )
        return cleaned_data

    def line_values(self):
        """Return the line's fields, as `budget_line_add` and `budget_line_change` take them."""
        return {name: self.cleaned_data[name] for name in LINE_FIELDS}

    def error_anchors(self):
        return {
            "year": radio_anchor(self, "year"),
            "category": radio_anchor(self, "category"),
            # crispy-forms-gds numbers conditional radios from 0.
            "costing": radio_anchor(self, "costing", first_position=0),
            "percentage_of": radio_anchor(self, "percentage_of"),
        }


class OtherFundingForm(BudgetEditorForm):
    source = forms.CharField(
        label=_("Source of the funding"),
        max_length=300,
        help_text=_("For example, the health board’s own budget or a partner’s contribution"),
        error_messages={
            "required": _("Enter where the funding comes from"),
            "max_length": _("The source must be 300 characters or fewer"),
        },
    )
    amount = MoneyField(
        label=_("Amount"),
        help_text=_("In pounds and pence, like 559000.00"),
        error_messages={"required": _("Enter the amount in pounds and pence, like 559000.00")},
    )
    comment = text_field(
        label=_("Comment (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea,
    )

    def layout_fields(self):
        return (
            Field.text("source", field_width=Fluid.FULL),
            money("amount", css_class="govuk-input--width-10"),
            Field.textarea("comment", rows=3),
        )

    @classmethod
    def initial_for(cls, funding):
        return {name: getattr(funding, name) for name in FUNDING_FIELDS}

    def funding_values(self):
        """Return the funding's fields, as `other_funding_add` and `other_funding_change` take."""
        return {name: self.cleaned_data[name] for name in FUNDING_FIELDS}


class MoveBudgetLineForm(VersionedForm):
    direction = forms.ChoiceField(choices=[(UP, _("Up")), (DOWN, _("Down"))])


class RemoveForm(BudgetEditorForm):
    """Confirms a removal; carries only the version the page was drawn from."""

    summary_anchor = "confirm-removal"
