"""The applicant's forms: starting an application, its sections, ticks and declaration."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Div, Field, Fieldset, Layout, Size
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pacesetter.language import language_field
from pacesetter.languages import ENGLISH
from pacesetter.models import Organisation
from pacesetter.money import format_pounds
from pacesetter.text_limits import ANSWER_MAX_LENGTH, NOTE_MAX_LENGTH, text_field
from schemes.domain.applications import LANGUAGE_REQUIRED
from schemes.domain.learning import asks_about_previous_schemes
from schemes.domain.task_list import start_date_message, word_count
from schemes.enums import QuestionKind
from schemes.forms.budget import AFFIXED_FIELD
from schemes.forms.common import VersionedForm
from schemes.forms.dates import RoundDateField, combine, date_layout, time_field
from schemes.forms.money import MAX_MONTHS, MonthsField

ORGANISATION_BLOCK = (
    '<div class="govuk-form-group"><h2 class="govuk-label govuk-label--s">'
    "{{ form.organisation_question }}</h2>"
    '<p class="govuk-body">{{ form.application.organisation.name }}</p></div>'
)
# The library beside the question about earlier schemes, in a new tab so the answer stays open.
LIBRARY_LINK_BLOCK = (
    '<p class="govuk-body" id="learning-library-link"><a class="govuk-link" '
    'href="{{ form.library_url }}" target="_blank" rel="noopener noreferrer">'
    "{{ form.library_link }}</a></p>"
)
# The allocation is the budget's total, so the form shows it read-only and links to the budget.
ALLOCATION_BLOCK = (
    '<div class="govuk-form-group" id="allocation"><h2 class="govuk-label govuk-label--s">'
    "{{ form.allocation_question }}</h2>"
    '<p class="govuk-body" data-total="requested">{{ form.allocation }}</p>'
    '<p class="govuk-hint">{{ form.allocation_hint }}</p>'
    '<p class="govuk-body"><a class="govuk-link" href="{{ form.budget_url }}">'
    "{{ form.budget_link }}</a></p></div>"
)
SAVE_AND_CONTINUE = "save_and_continue"
SAVE_AND_RETURN = "save_and_return"


def save_buttons():
    """Both buttons save; the one pressed (its name is posted) decides where to go next.

    In a GOV.UK button group, so they sit side by side with GOV.UK's spacing.
    """
    return [
        Div(
            Button(SAVE_AND_CONTINUE, _("Save and continue")),
            Button.secondary(SAVE_AND_RETURN, _("Save and come back later")),
            css_class="govuk-button-group",
        )
    ]


def question_label(question):
    return " ".join(question.heading.split())


def application_language_field():
    """The applicant's choice of the language an application is written in."""
    return language_field(
        _("Which language will you write this application in?"),
        message=LANGUAGE_REQUIRED,
        help_text=_(
            "The form, its guidance and the emails about this application will come in "
            "this language. Reviewers see which language it is written in."
        ),
    )


class StartApplicationForm(forms.Form):
    title = forms.CharField(
        label=_("What is the title of your scheme?"),
        max_length=300,
        error_messages={
            "required": _("Enter the title of your scheme"),
            "max_length": _("The title must be 300 characters or fewer"),
        },
    )
    # The title the board confirmed it wants again although it has one like it in the round:
    # the confirmation holds only for that title, so changing the title asks again.
    confirmed_title = forms.CharField(widget=forms.HiddenInput, required=False, max_length=300)
    language = application_language_field()

    def __init__(self, *args, language=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The applicant's recorded language unless they choose the other; a post without a
        # choice (an older page) starts it in that language too.
        self.recorded_language = language or ENGLISH
        self.fields["language"].initial = self.recorded_language
        self.fields["language"].required = False
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("title", label_size=Size.MEDIUM, label_tag="h1"),
            Field.radios("language", legend_size=Size.SMALL, inline=True),
            Button("start", _("Start application")),
        )

    def clean_language(self):
        return self.cleaned_data["language"] or self.recorded_language


class ApplicationLanguageForm(VersionedForm):
    """Change the language a draft application is written in."""

    language = application_language_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version",
            Field.radios("language", legend_size=Size.LARGE, legend_tag="h1"),
            Button("save", _("Save and return to your application")),
        )


class SectionForm(VersionedForm):
    """One section of the round's form: a field per question, named q<question id>."""

    def __init__(self, *args, application, section, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        self.round = application.round
        self.questions = list(section.questions.all())
        layout = []
        for question in self.questions:
            name = f"q{question.pk}"
            label = question_label(question)
            hint = question.guidance
            if question.kind == QuestionKind.ORGANISATION:
                # crispy renders HTML() as a template: pass the text as context, never inside it.
                self.organisation_question = label
                layout.append(HTML(ORGANISATION_BLOCK))
                continue
            if question.kind == QuestionKind.BUDGET:
                # Derived from the budget lines (`Application.totals`), never typed in.
                self.allocation_question = label
                self.allocation = format_pounds(application.totals().requested)
                self.allocation_hint = _(
                    "The total of your budget’s lines. Change the budget to change it."
                )
                self.budget_url = reverse("schemes:budget", args=[application.reference])
                self.budget_link = _("Change the budget")
                layout.append(HTML(ALLOCATION_BLOCK))
                continue
            if question.kind == QuestionKind.TITLE:
                self.fields[name] = forms.CharField(
                    label=label,
                    help_text=hint,
                    max_length=300,
                    initial=application.title,
                    error_messages={
                        "required": _("Enter the title of your scheme"),
                        "max_length": _("The title must be 300 characters or fewer"),
                    },
                )
                layout.append(Field.text(name, label_size=Size.SMALL))
            elif question.kind == QuestionKind.START_DATE:
                self.fields[name] = RoundDateField(
                    label=label,
                    help_text=hint or _("For example, 1 4 2027"),
                    required=False,
                    required_message=_("Enter the start date"),
                    invalid_message=_("Enter the start date as a real date, like 1 4 2027"),
                )
                if application.start_date:
                    self.initial[name] = application.start_date
                layout.append(date_layout(name))
            elif question.kind == QuestionKind.DURATION:
                # The round sets the limit, so the hint says the limit rather than the question's
                # guidance, which a question set shared by rounds cannot keep true.
                limit = self.round.max_duration_months or MAX_MONTHS
                self.fields[name] = MonthsField(
                    label=label,
                    help_text=ngettext(
                        "Enter a whole number of months, up to %(limit)s month",
                        "Enter a whole number of months, up to %(limit)s months",
                        limit,
                    )
                    % {"limit": f"{limit:,}"},
                    required=False,
                    max_value=limit,
                    initial=application.duration_months,
                )
                layout.append(
                    Field(
                        name,
                        template=AFFIXED_FIELD,
                        context={"suffix": _("months"), "label_size": "govuk-label--s"},
                        css_class="govuk-input--width-3",
                    )
                )
            else:
                self.fields[name] = text_field(
                    label=label,
                    help_text=hint,
                    required=False,
                    strip=True,
                    max_length=ANSWER_MAX_LENGTH,
                    initial=answers.get(question.pk, ""),
                    widget=forms.Textarea(attrs={"rows": 8}),
                )
                layout.append(
                    Field.textarea(
                        name,
                        label_size=Size.SMALL,
                        max_words=question.word_limit or None,
                    )
                )
                if asks_about_previous_schemes(question.label):
                    self.library_url = reverse("schemes:learning_library")
                    self.library_link = _(
                        "See what earlier schemes found in the learning library (opens in new tab)"
                    )
                    layout.append(HTML(LIBRARY_LINK_BLOCK))
        self.helper = FormHelper()
        self.helper.layout = Layout("version", *layout, *save_buttons())

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = f"q{question.pk}"
            value = cleaned.get(name)
            if name in self.errors or value in (None, ""):
                continue
            if question.word_limit and question.kind == QuestionKind.TEXT:
                count = word_count(value)
                if count > question.word_limit:
                    self.add_error(
                        name,
                        _("Use %(limit)s words or fewer; you have used %(count)s")
                        % {"limit": question.word_limit, "count": count},
                    )
            if question.kind == QuestionKind.START_DATE:
                early, late = self.round.earliest_start_date, self.round.latest_start_date
                if (early and value < early) or (late and value > late):
                    self.add_error(name, start_date_message(self.round))
        return cleaned


class ComponentsForm(VersionedForm):
    """The tick matrix: one group of checkboxes per framework, at least one tick in all."""

    def __init__(self, *args, application, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        ticked = {component.pk for component in application.components.all()}
        self.framework_fields = []
        for framework in frameworks:
            name = f"framework_{framework.pk}"
            components = list(framework.components.all())
            self.fields[name] = forms.TypedMultipleChoiceField(
                label=framework.name,
                choices=[(c.pk, f"{c.number}. {c.text}") for c in components],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[c.pk for c in components if c.pk in ticked],
                error_messages={"invalid_choice": _("Select components from the list")},
            )
            self.framework_fields.append(name)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version",
            *[
                Field.checkboxes(name, legend_size=Size.MEDIUM, small=True)
                for name in self.framework_fields
            ],
            *save_buttons(),
        )

    def clean(self):
        cleaned = super().clean()
        if self.framework_fields and not any(cleaned.get(name) for name in self.framework_fields):
            self.add_error(self.framework_fields[0], _("Select at least one strategic component"))
        return cleaned

    def ticked_ids(self):
        return [pk for name in self.framework_fields for pk in self.cleaned_data.get(name, [])]


class DeclarationForm(VersionedForm):
    confirm = forms.BooleanField(
        required=True,
        error_messages={"required": _("Confirm the declaration to continue")},
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = application.round.declaration
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version",
            Fieldset(Field("confirm"), legend=_("Declaration"), legend_size=Size.MEDIUM),
            *save_buttons(),
        )


class ReasonForm(forms.Form):
    """A required free-text reason: for a withdrawal or a clarification request."""

    reason = text_field(widget=forms.Textarea(attrs={"rows": 5}), max_length=NOTE_MAX_LENGTH)

    def __init__(self, *args, label, required_message, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason", label_size=Size.SMALL), Button("submit", submit_label)
        )


class ExtensionForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        error_messages={"required": _("Select the organisation")},
    )
    until_date = RoundDateField(
        label=_("New deadline: date"),
        required_message=_("Enter the date of the new deadline"),
        invalid_message=_("Enter the new deadline as a real date, like 28 2 2027"),
    )
    until_time = time_field(_("New deadline: time"), _("Enter the time, like 17:00"))
    reason = text_field(
        label=_("Reason"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.select("organisation"),
            date_layout("until_date"),
            Field.text("until_time", field_width=5),
            Field.textarea("reason"),
            Button("grant", _("Grant extension")),
        )

    def clean(self):
        cleaned = super().clean()
        day, time = cleaned.get("until_date"), cleaned.get("until_time")
        if day and time:
            until = combine(day, time)
            if until <= self.round.closes_at:
                self.add_error("until_date", _("The new deadline must be after the round closes"))
            elif until <= timezone.now():
                self.add_error("until_date", _("The new deadline must be in the future"))
            cleaned["until"] = until
        return cleaned
