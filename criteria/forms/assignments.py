"""Forms for assigning panel reviewers."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from criteria.domain.assignments import applications_to_review, panel_reviewers
from schemes.forms.dates import RoundDateField, date_layout


def due_date_field():
    return RoundDateField(
        label=_("Reviews due by"),
        help_text=_("For example, 12 3 2027. Leave blank for no due date."),
        required=False,
        required_message=_("Enter the due date"),
        invalid_message=_("Enter the due date as a real date, like 12 3 2027"),
    )


def check_due_date(form, cleaned):
    due = cleaned.get("due_date")
    if due and due < timezone.localdate():
        form.add_error("due_date", _("The due date must be today or in the future"))


class BulkAssignmentForm(forms.Form):
    per_application = forms.IntegerField(
        label=_("Reviewers for each application"),
        min_value=1,
        max_value=20,
        error_messages={
            "required": _("Enter how many reviewers each application needs"),
            "invalid": _("Enter a whole number, like 2"),
            "min_value": _("Each application needs at least 1 reviewer"),
            "max_value": _("Enter 20 or fewer"),
        },
    )
    due_date = due_date_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("per_application", field_width=2, inputmode="numeric"),
            date_layout("due_date"),
            Button("assign_bulk", _("Assign reviewers")),
        )

    def clean(self):
        cleaned = super().clean()
        check_due_date(self, cleaned)
        return cleaned


class LongSelect(forms.Select):
    """A select that writes its options directly: a round's hundreds of applications would
    otherwise cost a template render each, most of the assignment page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(each) for each in self.format_value(value)}
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        attributes = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>\n{}\n</select>", flatatt(attributes), options)


class ApplicationChoices(ModelChoiceIterator):
    """The applications as (id, "reference: title") read straight from the database."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, reference, title in self.queryset.values_list("pk", "reference", "title"):
            yield (pk, f"{reference}: {title}")


class ApplicationChoiceField(forms.ModelChoiceField):
    """Chooses one of a round's hundreds of applications without building each of them."""

    iterator = ApplicationChoices
    widget = LongSelect


class SingleAssignmentForm(forms.Form):
    """Assign one reviewer. Its fields are prefixed "one-": the page also has the bulk form."""

    prefix = "one"

    application = ApplicationChoiceField(
        label=_("Application"),
        queryset=None,
        error_messages={"required": _("Select the application")},
    )
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=None,
        error_messages={"required": _("Select the reviewer")},
    )
    due_date = due_date_field()

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications_to_review(round)
        self.fields["reviewer"].queryset = panel_reviewers()
        self.fields["reviewer"].label_from_instance = lambda user: user.full_name or user.email
        self.helper = FormHelper()
        self.helper.form_id = "assign-one"
        self.helper.layout = Layout(
            Field.select("application"),
            Field.select("reviewer"),
            date_layout("due_date"),
            Button("assign_one", _("Assign this reviewer")),
        )

    def clean(self):
        cleaned = super().clean()
        check_due_date(self, cleaned)
        return cleaned
