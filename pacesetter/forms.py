"""Sign-in and password forms, laid out with the GOV.UK Design System."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _


def gds_helper(form, *fields, submit_label):
    """Lay a form out the GOV.UK way, without autofocus.

    Autofocus would carry keyboard and screen-reader users past the skip link and heading.
    """
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)
    helper = FormHelper()
    helper.layout = Layout(*fields, Button("submit", submit_label))
    return helper


class SignInForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _("Enter a correct email address and password."),
        "inactive": _("This account has been switched off."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.helper = gds_helper(
            self,
            Field.text("username", autocomplete="email", spellcheck="false"),
            Field("password", autocomplete="current-password"),
            submit_label=_("Sign in"),
        )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            self,
            "old_password",
            "new_password1",
            "new_password2",
            submit_label=_("Change password"),
        )


class PasswordResetForm(auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            self, Field.text("email", autocomplete="email"), submit_label=_("Send reset link")
        )


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            self, "new_password1", "new_password2", submit_label=_("Save password")
        )
