from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from pacesetter import forms, language
from pacesetter.views import account, audit, invitations, people, person_access, public, sign_in

auth_overrides = [
    path(
        "accounts/login/",
        sign_in.SignInView.as_view(),
        name="login",
    ),
    path("accounts/login/code/", sign_in.code_step, name="login_code"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
]

urlpatterns = [
    *auth_overrides,
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<str:code>/", language.switch_language, name="switch_language"),
    path("account/", account.account, name="account"),
    path("account/language/", account.change_language, name="account_language"),
    path("account/confirm-password/", account.confirm_password, name="account_confirm_password"),
    path("account/two-factor/setup/", account.two_factor_setup, name="account_two_factor_setup"),
    path(
        "account/two-factor/recovery-codes/",
        account.new_recovery_codes,
        name="account_recovery_codes",
    ),
    path("account/session/", sign_in.session_warning, name="account_session"),
    path("account/session/keep/", sign_in.session_keep_alive, name="account_keep_alive"),
    path("account/session/status/", sign_in.session_status, name="account_session_status"),
    path("account/signed-out/", sign_in.signed_out, name="account_signed_out"),
    path(
        "people/<int:pk>/two-factor/reset/",
        person_access.person_two_factor_reset,
        name="person_two_factor_reset",
    ),
    path("people/<int:pk>/unlock/", person_access.person_unlock, name="person_unlock"),
    path("accessibility/", public.accessibility, name="accessibility"),
    path("privacy/", public.privacy, name="privacy"),
    path("cookies/", public.cookies, name="cookies"),
    path("contact/", public.contact, name="contact"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/events.csv", audit.audit_log_csv, name="audit_log_csv"),
    path("people/", people.people_list, name="people_list"),
    path("people/invite/", people.person_invite, name="person_invite"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/role/", people.person_change_role, name="person_change_role"),
    path("people/<int:pk>/deactivate/", people.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people.person_reactivate, name="person_reactivate"),
    path(
        "people/invitations/<int:pk>/resend/",
        people.invitation_resend,
        name="invitation_resend",
    ),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path(
        "invitations/<str:token>/new-link/",
        invitations.invitation_renewal,
        name="invitation_renewal",
    ),
    path("", include("schemes.urls")),
    path("", include("criteria.urls")),
    # The admin signs in through the portal's own sign-in, second factor and lockout included.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
        name="admin_login",
    ),
    path("admin/", admin.site.urls),
]
