"""Pieces every application form shares."""

from django import forms


class VersionedForm(forms.Form):
    """A form that carries the application version the page was drawn from.

    Views pass `form.cleaned_data["version"]` to `schemes.domain.editing.editing()`, which
    refuses the save if someone else saved in between.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
