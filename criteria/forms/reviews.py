"""A reviewer's forms: the score sheet, a declared conflict, and a manager's reason to reopen."""

from crispy_forms.layout import LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Field, Layout, Size
from django import forms
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from criteria.domain.reviews import submission_problems
from criteria.enums import ConflictKind, Recommendation

SAVE_DRAFT = "save_draft"
SUBMIT_REVIEW = "submit_review"
JUSTIFICATION_MAX_LENGTH = 5000
COMMENT_MAX_LENGTH = 10000


class TemplateBlock(LayoutObject):
    """Part of a layout drawn by a template file around the fields it holds.

    crispy-forms compiles `HTML()` and fieldset legends as templates; criteria text comes from
    the database, so it only ever reaches a page through a template's autoescaping.
    """

    def __init__(self, template, *fields, **context):
        self.template = template
        self.fields = list(fields)
        self.context = context

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        fields = self.get_rendered_fields(form, context, template_pack, **kwargs)
        return render_to_string(self.template, {**self.context, "fields": fields})


class CriterionFields(LayoutObject):
    """A criterion's wording, score radios and justification, drawn by one template.

    The markup is what crispy-forms-gds draws for a small-legend radios field and a
    small-label textarea, without its template per field and per radio button (with the
    context copied for each): on a sheet of 14 criteria that was half the scoring page's CPU.
    """

    template = "criteria/review/_criterion_fields.html"

    def __init__(self, criterion):
        self.criterion = criterion
        self.fields = [f"score_{criterion.pk}", f"justification_{criterion.pk}"]

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        score, justification = (form[name] for name in self.fields)
        if hasattr(form, "rendered_fields"):
            form.rendered_fields.update(self.fields)
        chosen = score.value()
        chosen = "" if chosen is None else str(chosen)
        errors = justification.errors
        described = [f"{justification.auto_id}_hint"] + [
            f"{justification.auto_id}_{number}_error" for number in range(1, len(errors) + 1)
        ]
        radio_id = f"id_{score.html_name}_"
        return render_to_string(
            self.template,
            {
                "criterion": self.criterion,
                "score": score,
                "choices": [
                    (str(value), label, str(value) == chosen, f"{radio_id}{position}")
                    for position, (value, label) in enumerate(score.field.choices, start=1)
                ],
                "justification": justification,
                # What the Textarea widget would draw with crispy-forms-gds's attributes.
                "text": justification.field.widget.format_value(justification.value()),
                "text_attrs": justification.field.widget.attrs,
                "described_by": " ".join(described),
                "form_show_errors": True,
            },
        )


class ReviewForm(forms.Form):
    """The score sheet: a score and a justification per criterion, a recommendation, a comment.

    Fields are named score_<criterion id> and justification_<criterion id>. A draft may be
    partial; pressing "Submit review" asks for everything `submission_problems` lists.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    recommendation = forms.ChoiceField(
        label=_("Your recommendation"),
        choices=Recommendation.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a recommendation from the list")},
    )
    comment = forms.CharField(
        label=_("Overall comment"),
        help_text=_("Optional. What the panel should know about this application as a whole."),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": _("The overall comment must be 10,000 characters or fewer")},
    )

    def __init__(self, *args, parts, scale, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = [criterion for _group, criteria in parts for criterion in criteria]
        choices = [(point.value, f"{point.value} – {point.label}") for point in scale]
        low, high = (scale[0].value, scale[-1].value) if scale else (0, 0)
        criterion_fields = {}
        for criterion in self.criteria:
            label = escape(criterion.label)
            out_of_scale = _("Choose a score from %(low)s to %(high)s for criterion %(label)s") % {
                "low": low,
                "high": high,
                "label": criterion.label,
            }
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("Score for criterion %(label)s") % {"label": label},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                # Django fills in %(value)s; a % in a criterion label must not look like one.
                error_messages={"invalid_choice": out_of_scale.replace("%", "%%")},
            )
            self.fields[f"justification_{criterion.pk}"] = forms.CharField(
                label=_("Justification for criterion %(label)s") % {"label": label},
                help_text=_("Why you gave this score, with the evidence in the application."),
                required=False,
                max_length=JUSTIFICATION_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={
                    "max_length": _(
                        "The justification for criterion %(label)s must be 5,000 characters "
                        "or fewer"
                    )
                    % {"label": criterion.label.replace("%", "%%")}
                },
            )
            criterion_fields[criterion.pk] = CriterionFields(criterion)
        # Keep the fields in page order, so the error summary lists problems top to bottom.
        for name in ("recommendation", "comment"):
            self.fields[name] = self.fields.pop(name)
        layout = ["version"]
        for group, criteria in parts:
            blocks = [criterion_fields[criterion.pk] for criterion in criteria]
            if group is None:
                layout.extend(blocks)
            else:
                layout.append(
                    TemplateBlock("criteria/review/_group_fieldset.html", *blocks, group=group)
                )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *layout,
            Field.radios("recommendation", legend_size=Size.MEDIUM),
            Field.textarea("comment", label_size=Size.MEDIUM, rows=6),
            Div(
                # The main action first, as GOV.UK orders a button group. Which one was pressed
                # is read from its name (`submitting`), never from its position; a submission
                # still asks for every score, so Enter on a part-scored sheet locks nothing.
                Button(SUBMIT_REVIEW, _("Submit review")),
                Button.secondary(SAVE_DRAFT, _("Save draft")),
                css_class="govuk-button-group",
            ),
        )

    @property
    def submitting(self):
        return SUBMIT_REVIEW in self.data

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for problem in submission_problems(
                self.criteria, self.scores_from(cleaned), cleaned.get("recommendation")
            ):
                name = (
                    problem.part
                    if problem.criterion is None
                    else f"{problem.part}_{problem.criterion.pk}"
                )
                if name not in self.errors:
                    self.add_error(name, problem.message)
        return cleaned

    def scores_from(self, cleaned):
        return {
            criterion.pk: (
                cleaned.get(f"score_{criterion.pk}"),
                cleaned.get(f"justification_{criterion.pk}") or "",
            )
            for criterion in self.criteria
        }

    @property
    def scores(self):
        """The scores as the domain takes them: criterion id -> (score or None, justification)."""
        return self.scores_from(self.cleaned_data)


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of conflict of interest is it?"),
        choices=ConflictKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the type of conflict"),
            "invalid_choice": _("Choose the type of conflict"),
        },
    )
    note = forms.CharField(
        label=_("Describe the conflict"),
        help_text=_(
            "For example, who you know in the scheme team, or the interest you hold. Programme "
            "managers see this; the applicant does not."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Describe the conflict of interest"),
            "max_length": _("The description must be 2,000 characters or fewer"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field.textarea("note", label_size=Size.SMALL, rows=5),
            Button.warning("declare", _("Declare conflict and withdraw")),
        )


# The audit event keeps a reopen reason whole, whatever its length; the form asks for a
# reason, not a report.
REOPEN_REASON_MAX_LENGTH = 5000


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the review need to be reopened?"),
        help_text=_("The reviewer is told this, and it is kept in the review’s history."),
        max_length=REOPEN_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter the reason for reopening the review"),
            "max_length": _("The reason must be 5,000 characters or fewer"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea(
                "reason", label_size=Size.SMALL, max_characters=REOPEN_REASON_MAX_LENGTH
            ),
            Button("reopen", _("Reopen review")),
        )
