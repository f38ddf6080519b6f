"""Asking for a round's appraisal pack."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.language import language_field


class PackRequestForm(forms.Form):
    reviewers = forms.ChoiceField(
        label=_("How should reviewers appear in the pack?"),
        choices=[
            ("lettered", _("Lettered (Reviewer A, Reviewer B): for circulation")),
            ("named", _("Named: for the panel and programme team only")),
        ],
        initial="lettered",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how reviewers should appear")},
    )
    language = language_field(_("Which language should the pack be written in?"))

    def __init__(self, *args, language="en", **kwargs):
        super().__init__(*args, **kwargs)
        # The person's own language unless they choose the other (also when a post has no
        # choice: a page drawn before the question was asked).
        self.fields["language"].initial = language
        self.fields["language"].required = False
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("reviewers", legend_size=Size.SMALL),
            Field.radios("language", legend_size=Size.SMALL, inline=True),
            Button("generate", _("Make the appraisal pack")),
        )

    def clean_language(self):
        return self.cleaned_data["language"] or self.fields["language"].initial
