"""Choosing the language of a round's downloads."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.language import language_field


class DownloadLanguageForm(forms.Form):
    """Which language the downloads on a page are written in; sent by GET, so links follow."""

    language = language_field(_("Which language should the spreadsheets be written in?"))

    def __init__(self, *args, language="en", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.radios("language", legend_size=Size.MEDIUM, inline=True),
            Button.secondary("choose", _("Use this language")),
        )

    def chosen(self):
        """The language chosen, or the initial one when the form is unbound or wrong."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["language"]
        return self.fields["language"].initial
