"""Forms of the attachments task: upload a file, confirm removing one."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Div, Field, Layout, Size
from django import forms
from django.utils.translation import gettext_lazy as _

from schemes.enums import AttachmentKind
from schemes.forms.common import VersionedForm
from schemes.validators import EMPTY, attachment_type

ACCEPTED_EXTENSIONS = ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"
# Django cannot read an upload whose name runs to a thousand characters or so; asking for 255
# (what file systems allow) is an instruction that always works.
FILE_NAME_TOO_LONG = _(
    "The file name must be 255 characters or fewer. Rename the file and choose it again"
)


class AttachmentForm(VersionedForm):
    """Upload one file of a kind; `cleaned_data["file_type"]` is what its content is."""

    kind = forms.ChoiceField(
        label=_("What is the file?"),
        choices=AttachmentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what the file is")},
    )
    file = forms.FileField(
        label=_("Choose the file"),
        help_text=_("A PDF, DOCX, XLSX, PNG or JPEG file, smaller than 10MB."),
        # ClearableFileInput is the widget crispy-forms-gds gives the govuk-file-upload class.
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
        error_messages={
            "required": _("Select a file"),
            "empty": EMPTY,
            "invalid": _("The selected file could not be read. Choose it again"),
            "missing": _("Select a file"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version",
            Field.radios("kind", legend_size=Size.MEDIUM),
            Field("file"),
            Div(
                Button("upload", _("Upload file")),
                Button.secondary("later", _("Save and come back later")),
                css_class="govuk-button-group",
            ),
        )

    def show_unreadable_upload(self):
        """Show on the page drawn afresh that the last upload could not be read."""
        self.errors["file"] = self.error_class([FILE_NAME_TOO_LONG])

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("file")
        if upload is not None:
            try:
                cleaned_data["file_type"] = attachment_type(upload)
            except forms.ValidationError as refusal:
                self.add_error("file", refusal)
        return cleaned_data


class RemoveAttachmentForm(VersionedForm):
    """Confirm removing an attachment, from the application version the page was drawn at."""
