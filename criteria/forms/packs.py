"""Asking for a round's appraisal pack."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("reviewers", legend_size=Size.SMALL),
            Button("generate", _("Make the appraisal pack")),
        )
