"""The panel chair's form: a moderated score on one criterion, with the rationale for it."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from criteria.domain.moderation import RATIONALE_MAX_LENGTH


class ModerationForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Moderated score"),
        help_text=_("The score the panel agreed. It replaces the reviewers’ combined score."),
        coerce=int,
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        help_text=_(
            "Why the panel agreed this score. It is shown with the score and kept in the history."
        ),
        max_length=RATIONALE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Enter the rationale for the moderated score"),
            "max_length": _("The rationale must be 5,000 characters or fewer"),
        },
    )

    def __init__(self, *args, scale_points, **kwargs):
        super().__init__(*args, **kwargs)
        low = scale_points[0].value if scale_points else 0
        high = scale_points[-1].value if scale_points else 0
        out_of_scale = _("Choose a moderated score from %(low)s to %(high)s") % {
            "low": low,
            "high": high,
        }
        score = self.fields["score"]
        score.choices = [(point.value, f"{point.value} – {point.label}") for point in scale_points]
        score.error_messages = {
            "required": _("Choose the moderated score"),
            # Django fills in %(value)s; keep any % in the message from looking like one.
            "invalid_choice": str(out_of_scale).replace("%", "%%"),
        }
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("score", legend_size=Size.MEDIUM),
            Field.textarea("rationale", label_size=Size.MEDIUM),
            Button("save", _("Save moderated score")),
        )
