"""Programme managers' forms for setting up a round: its details, a copy, its shares."""

import re
from functools import partial

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Field, Fieldset, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from pacesetter.money import format_pounds
from schemes.domain.round_setup import round_problems, shares_problem
from schemes.enums import RoundState
from schemes.forms.dates import RoundDateField, combine, date_layout, time_field
from schemes.forms.money import MoneyField, MonthsField
from schemes.models import QuestionSet, Round, StrategicFramework

MAX_DURATION_MONTHS = 120

# Where a problem with a round's details is shown: the form field for each round field.
FORM_FIELD_FOR = {"opens_at": "opens_date", "closes_at": "closes_date"}
TIME_PARTS = ("opens_date", "opens_time", "closes_date", "closes_time")
NAME_MAX_LENGTH = 200
DECLARATION_MAX_LENGTH = 5000

# Characters nobody types: C0 and C1 controls, DEL, and the invisible marks that reorder or
# hide text (a name also refuses line breaks). NUL has Django's own message.
CONTROL_CHARACTERS = re.compile(
    "[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)
LINE_BREAKS = re.compile("[\r\n\t]")


def refuse_control_characters(value):
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _("Remove the control characters: only letters, numbers and punctuation can be used"),
            code="control_characters",
        )


def refuse_line_breaks(value):
    if LINE_BREAKS.search(value):
        raise ValidationError(_("Enter the name on one line"), code="line_breaks")


def name_field(label, *, required, language_hint):
    """A round name in one language: one line, at most 200 characters."""
    return forms.CharField(
        label=label,
        help_text=language_hint,
        required=required,
        max_length=NAME_MAX_LENGTH,
        validators=[refuse_control_characters, refuse_line_breaks],
        error_messages={
            "required": _("Enter the name of the round"),
            "max_length": _("The name must be 200 characters or fewer"),
        },
    )


def declaration_field(label, *, required):
    """What applicants confirm, in one language: at most 5,000 characters."""
    return forms.CharField(
        label=label,
        help_text=_("What an applicant confirms before submitting."),
        required=required,
        max_length=DECLARATION_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Enter the declaration applicants confirm"),
            "max_length": _("The declaration must be 5,000 characters or fewer"),
        },
    )


def side_by_side(english, welsh, layout=Field.text):
    """The English and the Welsh of one text next to each other (one above the other on a
    narrow screen), each input marked with its language."""
    return Div(
        Div(layout(english, lang="en"), css_class="govuk-grid-column-one-half"),
        Div(layout(welsh, lang="cy"), css_class="govuk-grid-column-one-half"),
        css_class="govuk-grid-row",
    )


def welsh_default_declaration():
    """The model's default declaration in Welsh, or "" while the catalogue lacks it."""
    english = str(Round._meta.get_field("declaration").get_default())
    with translation.override("cy"):
        welsh = str(Round._meta.get_field("declaration").get_default())
    return "" if welsh == english else welsh


class RoundTimesForm(forms.Form):
    """Code, name, and when the round opens and closes: what every round form asks."""

    code = forms.CharField(
        label=_("Code"),
        help_text=_("The years the round covers, like 2029-31. Application references use it."),
        max_length=20,
        validators=[
            RegexValidator(
                r"\A[0-9]{4}-[0-9]{2}\Z",
                _(
                    "Enter the code as a year, a hyphen and the last two digits of a year, "
                    "like 2029-31"
                ),
            )
        ],
        error_messages={
            "required": _("Enter the code, like 2029-31"),
            "max_length": _("Enter the code as a year, a hyphen and two digits, like 2029-31"),
        },
    )
    name = name_field(
        _("Name in English"), required=True, language_hint=_("For example, Pacesetter 2029-31")
    )
    name_cy = name_field(
        _("Name in Welsh"),
        required=False,
        language_hint=_("Needed before the round opens. For example, Pacesetter 2029-31"),
    )
    opens_date = RoundDateField(
        label=_("Opening date"),
        help_text=_("For example, 1 4 2029"),
        required_message=_("Enter the opening date"),
        invalid_message=_(
            "The opening date must be a real date between 2000 and 2100, like 1 4 2029"
        ),
    )
    opens_time = time_field(_("Opening time"), _("Enter the opening time, like 09:00"))
    closes_date = RoundDateField(
        label=_("Closing date"),
        help_text=_("For example, 30 6 2029"),
        required_message=_("Enter the closing date"),
        invalid_message=_(
            "The closing date must be a real date between 2000 and 2100, like 30 6 2029"
        ),
    )
    closes_time = time_field(_("Closing time"), _("Enter the closing time, like 17:00"))

    def __init__(self, *args, round=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round

    def times_layout(self):
        return [
            Field.text("code", field_width=10, spellcheck="false", autocomplete="off"),
            side_by_side("name", "name_cy"),
            date_layout("opens_date"),
            Field.text("opens_time", field_width=5, autocomplete="off"),
            date_layout("closes_date"),
            Field.text("closes_time", field_width=5, autocomplete="off"),
        ]

    def round_details(self):
        """The cleaned input as a round's fields (what the domain functions take)."""
        cleaned = self.cleaned_data
        details = {
            field: cleaned[field]
            for field in self.fields
            if field in cleaned and field not in TIME_PARTS
        }
        for moment in ("opens", "closes"):
            day, time = cleaned.get(f"{moment}_date"), cleaned.get(f"{moment}_time")
            if day is not None and time is not None:
                details[f"{moment}_at"] = combine(day, time)
        return details

    def clean(self):
        cleaned = super().clean()
        details = self.round_details()
        for field, message in round_problems(round=self.round, **details).items():
            name = FORM_FIELD_FOR.get(field, field)
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
            elif name not in self.fields:
                self.add_error(None, message)
        return cleaned

    def add_problems(self, problems):
        """Show a domain refusal's messages next to their fields."""
        for field, message in problems.items():
            name = FORM_FIELD_FOR.get(field, field)
            self.add_error(name if name in self.fields else None, message)


class RoundCopyForm(RoundTimesForm):
    """A new code, name and times for a copy of a round; everything else comes from it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(*self.times_layout(), Button("copy", _("Copy round")))


class RoundForm(RoundTimesForm):
    """Every detail of a round. While it is open, its code and sets are shown but fixed."""

    earliest_start_date = RoundDateField(
        label=_("Earliest scheme start date (optional)"),
        help_text=_("For example, 1 4 2029"),
        required=False,
        required_message=_("Enter the earliest scheme start date"),
        invalid_message=_(
            "The earliest scheme start date must be a real date between 2000 and 2100, "
            "like 1 4 2029"
        ),
    )
    latest_start_date = RoundDateField(
        label=_("Latest scheme start date (optional)"),
        help_text=_("For example, 31 3 2030"),
        required=False,
        required_message=_("Enter the latest scheme start date"),
        invalid_message=_(
            "The latest scheme start date must be a real date between 2000 and 2100, like 31 3 2030"
        ),
    )
    max_duration_months = MonthsField(
        label=_("Maximum scheme duration in months (optional)"),
        help_text=_("For example, 24 for two years"),
        required=False,
        max_value=MAX_DURATION_MONTHS,
        error_messages={
            "invalid": _("Enter the maximum duration as a whole number of months, like 24"),
            "min_value": _("The maximum duration must be at least 1 month"),
            "max_value": _("The maximum duration must be %(limit)s months or fewer"),
        },
    )
    envelope_total = MoneyField(
        label=_("Envelope in pounds (optional)"),
        help_text=_("The total money available to the round, like 1050000.00"),
        required=False,
    )
    criteria_set = forms.ModelChoiceField(
        label=_("Criteria set"),
        help_text=_("The criteria reviewers score applications against."),
        # `schemes` never imports `criteria`: reach the model through the round's reference.
        queryset=Round.criteria_set.field.related_model.objects.all(),
        empty_label=_("Choose a criteria set"),
        error_messages={
            "required": _("Choose the criteria set"),
            "invalid_choice": _("Choose a criteria set from the list"),
        },
    )
    question_set = forms.ModelChoiceField(
        label=_("Question set"),
        help_text=_("The application form health boards fill in."),
        queryset=QuestionSet.objects.all(),
        empty_label=_("Choose a question set"),
        error_messages={
            "required": _("Choose the question set"),
            "invalid_choice": _("Choose a question set from the list"),
        },
    )
    frameworks = forms.ModelMultipleChoiceField(
        label=_("Strategic frameworks for the tick matrix (optional)"),
        queryset=StrategicFramework.objects.order_by("order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Choose frameworks from the list"),
            "invalid_pk_value": _("Choose frameworks from the list"),
        },
    )
    declaration = declaration_field(_("Declaration in English"), required=True)
    declaration_cy = declaration_field(_("Declaration in Welsh"), required=False)

    def __init__(self, *args, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        if "declaration" not in self.initial:
            with translation.override("en"):
                self.initial["declaration"] = str(
                    Round._meta.get_field("declaration").get_default()
                )
            self.initial["declaration_cy"] = welsh_default_declaration()
        if self.round is not None and self.round.state != RoundState.DRAFT:
            for name in ("code", "criteria_set", "question_set"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "This cannot be changed: the round is no longer a draft."
                )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *self.times_layout(),
            date_layout("earliest_start_date"),
            date_layout("latest_start_date"),
            Field.text("max_duration_months", field_width=4, inputmode="numeric"),
            Field.text("envelope_total", field_width=10),
            Field.select("criteria_set"),
            Field.select("question_set"),
            Field.checkboxes("frameworks", legend_size=Size.SMALL, small=True),
            side_by_side("declaration", "declaration_cy", partial(Field.textarea, rows=6)),
            Button("save", submit_label),
        )

    @classmethod
    def initial_for(cls, round):
        """The form's fields filled in from a round."""
        opens, closes = timezone.localtime(round.opens_at), timezone.localtime(round.closes_at)
        return {
            "code": round.code,
            "name": round.name_en,
            "name_cy": round.name_cy or "",
            "opens_date": opens.date(),
            "opens_time": opens.time().replace(second=0, microsecond=0),
            "closes_date": closes.date(),
            "closes_time": closes.time().replace(second=0, microsecond=0),
            "earliest_start_date": round.earliest_start_date,
            "latest_start_date": round.latest_start_date,
            "max_duration_months": round.max_duration_months,
            "envelope_total": round.envelope_total,
            "criteria_set": round.criteria_set_id,
            "question_set": round.question_set_id,
            "frameworks": list(round.frameworks.values_list("pk", flat=True)),
            "declaration": round.declaration_en,
            "declaration_cy": round.declaration_cy or "",
        }


def times_initial(opens_at, closes_at):
    """Form initial values for a pair of moments."""
    initial = {}
    for moment, value in (("opens", opens_at), ("closes", closes_at)):
        if value is not None:
            local = timezone.localtime(value)
            initial[f"{moment}_date"] = local.date()
            initial[f"{moment}_time"] = local.time().replace(second=0, microsecond=0)
    return initial


class RoundSharesForm(forms.Form):
    """An indicative share per organisation; a blank box means no share."""

    def __init__(self, *args, round, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.organisations = list(organisations)
        current = {share.organisation_id: share.amount for share in round.indicative_shares.all()}
        for organisation in self.organisations:
            self.fields[self.field_name(organisation)] = MoneyField(
                label=organisation.name, required=False, initial=current.get(organisation.pk)
            )
        if round.envelope_total is not None:
            hint = _("The envelope is %(envelope)s. Leave a box blank for no share.") % {
                "envelope": format_pounds(round.envelope_total)
            }
        else:
            hint = _("The round has no envelope yet. Leave a box blank for no share.")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                *[Field.text(name, field_width=10) for name in self.fields],
                legend=_("Indicative share of each organisation, in pounds"),
                legend_size=Size.MEDIUM,
            ),
            Button("save", _("Save shares")),
        )
        self.hint = hint

    @staticmethod
    def field_name(organisation):
        return f"share_{organisation.pk}"

    def amounts(self):
        """{organisation: amount or None} from the cleaned input."""
        return {
            organisation: self.cleaned_data.get(self.field_name(organisation))
            for organisation in self.organisations
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            total = sum(amount for amount in self.amounts().values() if amount is not None)
            problem = shares_problem(envelope_total=self.round.envelope_total, total=total)
            if problem:
                self.add_error(None, problem)
        return cleaned
