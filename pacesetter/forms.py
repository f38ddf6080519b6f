"""Sign-in and password forms, laid out with the GOV.UK Design System."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms
from django.contrib.auth import forms as auth_forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pacesetter.mail import mail_queue
from pacesetter.models import User
from pacesetter.two_factor import CODE_LENGTH


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

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        """Queue the reset link in the person's recorded language, as every mail goes.

        Django's own template names are ignored: the mail is `registration/password_reset`.
        """
        mail_queue(
            recipient=context["user"], template="registration/password_reset", context=context
        )


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            self, "new_password1", "new_password2", submit_label=_("Save password")
        )


class CodeForm(forms.Form):
    """The second step of signing in: the authenticator's 6-digit code or a recovery code."""

    wrong_code = _(
        "The code is not right, or has been used. Enter the code your app shows now, or a "
        "recovery code you have not used."
    )

    code = forms.CharField(
        label=_("Code"),
        max_length=CODE_LENGTH,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            self,
            Field.text("code", autocomplete="one-time-code", spellcheck="false", field_width=10),
            submit_label=submit_label or _("Continue"),
        )


class AuthenticatorCodeForm(CodeForm):
    """Confirm a new authenticator with the code it shows."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, submit_label=_("Confirm"), **kwargs)
        self.fields["code"].help_text = _("The 6-digit code your authenticator app shows now.")


class ConfirmPasswordForm(forms.Form):
    """Ask a signed-in person for their password again before a change to how they sign in."""

    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = gds_helper(
            self,
            Field("password", autocomplete="current-password"),
            submit_label=_("Confirm password"),
        )

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."))
        return password


class LanguageForm(forms.ModelForm):
    """The language a person's email and pages come in."""

    class Meta:
        model = User
        fields = ["language"]
        labels = {"language": _("Language")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(self, Field.select("language"), submit_label=_("Save language"))
        self.helper.form_action = reverse("account_language")


class ReasonForm(forms.Form):
    """Why a manager changes how someone signs in; kept in the audit trail."""

    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, submit_label, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(self, Field.textarea("reason", rows=3), submit_label=submit_label)
