"""Forms of the people page and of an invitation's link, laid out the GOV.UK way."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pacesetter.enums import Role
from pacesetter.forms import gds_helper
from pacesetter.models import LANGUAGES, Organisation

NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
REASON_MAX_LENGTH = 2000


def printable_only(value):
    """Refuse text holding control or other unprintable characters (a name is one line)."""
    if any(not character.isprintable() for character in value):
        raise ValidationError(
            _("Enter the name without tabs, line breaks or other control characters")
        )


def role_field():
    return forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the person’s role"),
            "invalid_choice": _("Choose a role from the list"),
        },
    )


def organisation_field():
    return forms.ModelChoiceField(
        label=_("Organisation"),
        help_text=_(
            "An applicant’s health board, or a reviewer’s employer: reviewers are never "
            "asked to review their own employer's applications."
        ),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("No organisation"),
        error_messages={"invalid_choice": _("Choose an organisation from the list")},
    )


def reason_field(label, required_message):
    return forms.CharField(
        label=label,
        help_text=_("This is kept in the audit trail."),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": required_message,
            "max_length": _("The reason must be 2,000 characters or fewer"),
            "null_characters_not_allowed": _("The reason must not contain null characters"),
        },
    )


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=NAME_MAX_LENGTH,
        validators=[printable_only],
        error_messages={
            "required": _("Enter the person’s full name"),
            "max_length": _("The name must be 200 characters or fewer"),
            "null_characters_not_allowed": _(
                "Enter the name without tabs, line breaks or other control characters"
            ),
        },
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The invitation is sent here. The person signs in with it."),
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": _("Enter the person’s email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
            "max_length": _("The email address must be 254 characters or fewer"),
            "null_characters_not_allowed": _(
                "Enter an email address in the correct format, like name@example.org"
            ),
        },
    )
    role = role_field()
    organisation = organisation_field()
    language = forms.ChoiceField(
        label=_("Language for emails"),
        choices=LANGUAGES,
        initial="en",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the language the person’s emails are written in"),
            "invalid_choice": _("Choose English or Welsh"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("full_name", autocomplete="off", spellcheck="false"),
            Field.text("email", autocomplete="off", spellcheck="false"),
            Field.radios("role", legend_size=Size.SMALL),
            Field.select("organisation"),
            Field.radios("language", legend_size=Size.SMALL, inline=True),
            Button("submit", _("Send invitation")),
        )

    def add_problems(self, refusal):
        """Show a domain refusal next to its fields, or above the form."""
        if not refusal.errors:
            self.add_error(None, refusal.message)
        for field, message in refusal.errors.items():
            self.add_error(field if field in self.fields else None, message)


class RoleChangeForm(forms.Form):
    role = role_field()
    organisation = organisation_field()
    reason = reason_field(_("Reason for the change"), _("Enter the reason for the change"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("role", legend_size=Size.SMALL),
            Field.select("organisation"),
            Field.textarea("reason", label_size=Size.SMALL),
            Button("submit", _("Save the change")),
        )


class AccessReasonForm(forms.Form):
    """The reason for deactivating or reactivating a person."""

    def __init__(self, *args, label, required_message, submit_label, warning=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"] = reason_field(label, required_message)
        self.helper = FormHelper()
        button = (Button.warning if warning else Button)("submit", submit_label)
        self.helper.layout = Layout(Field.textarea("reason", label_size=Size.SMALL), button)


class InvitationAcceptForm(auth_forms.SetPasswordForm):
    """Choose a password, checked by the portal's password validators against the person."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Password")
        self.fields["new_password2"].label = _("Confirm password")
        self.helper = gds_helper(
            self,
            Field("new_password1", autocomplete="new-password"),
            Field("new_password2", autocomplete="new-password"),
            submit_label=_("Set password and continue"),
        )
