"""A person's own account: what the portal knows of them, their second factor, sign-ins."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from pacesetter import forms, sign_in, two_factor
from pacesetter.enums import AuditAction
from pacesetter.language import record_language, remember_language
from pacesetter.models import AuditEvent
from pacesetter.views.sign_in import safe_next

RECENT_SIGN_INS = 10


def recent_password_required(view):
    """Ask for the password again unless the person gave it in the last few minutes."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not sign_in.password_recently_confirmed(request.session):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('account_confirm_password')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


def recent_sign_ins(user):
    """Return the person's last sign-ins and failed tries, newest first."""
    return AuditEvent.objects.filter(
        Q(action=AuditAction.SIGN_IN, actor=user)
        | Q(action=AuditAction.SIGN_IN_FAILED, details__email=user.email)
    )[:RECENT_SIGN_INS]


@login_required
def account(request):
    """Show the person's details, language, second factor and recent sign-ins."""
    user = request.user
    return render(
        request,
        "pacesetter/account/detail.html",
        {
            "person": user,
            "language_form": forms.LanguageForm(instance=user),
            "has_authenticator": two_factor.has_authenticator(user),
            "recovery_codes_left": two_factor.recovery_codes_left(user),
            "sign_ins": recent_sign_ins(user),
        },
    )


@login_required
@require_POST
def change_language(request):
    """Record the language the person's email and pages come in; audit the change."""
    user = request.user
    before = user.language
    form = forms.LanguageForm(request.POST, instance=user)
    if not form.is_valid():
        return render(
            request,
            "pacesetter/account/detail.html",
            {
                "person": user,
                "language_form": form,
                "has_authenticator": two_factor.has_authenticator(user),
                "recovery_codes_left": two_factor.recovery_codes_left(user),
                "sign_ins": recent_sign_ins(user),
            },
            status=400,
        )
    # The form has already put the choice on `user`; record_language compares with before.
    chosen, user.language = form.cleaned_data["language"], before
    record_language(user, chosen, acting_user=user)
    with translation.override(user.language):
        messages.success(request, _("Your language has been saved."))
    response = redirect("account")
    remember_language(response, user.language)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def confirm_password(request):
    """Ask for the password again, then go on to the change that needed it."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    form = forms.ConfirmPasswordForm(
        request.POST if request.method == "POST" else None, user=request.user
    )
    if form.is_valid():
        sign_in.confirm_password(request.session)
        return redirect(next_url)
    return render(
        request,
        "pacesetter/account/confirm_password.html",
        {"form": form, "next_url": next_url},
    )


@login_required
@recent_password_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Set up an authenticator app (or replace one), then show new recovery codes once.

    The QR code and the secret as text are shown together, for people who cannot scan.
    """
    device = two_factor.authenticator_being_set_up(request.user)
    form = forms.AuthenticatorCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        codes = two_factor.confirm_authenticator(
            device, form.cleaned_data["code"], acting_user=request.user
        )
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            return render(
                request,
                "pacesetter/account/recovery_codes.html",
                {"codes": codes, "just_set_up": True},
            )
        form.add_error("code", _("The code is not right. Enter the code your app shows now."))
    return render(
        request,
        "pacesetter/account/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_text(device),
            "replacing": two_factor.has_authenticator(request.user),
        },
    )


@login_required
@recent_password_required
@require_http_methods(["GET", "POST"])
def new_recovery_codes(request):
    """Confirm, then replace the person's recovery codes with new ones, shown once."""
    if not two_factor.has_authenticator(request.user):
        return redirect("account_two_factor_setup")
    if request.method == "POST":
        codes = two_factor.new_recovery_codes(request.user, acting_user=request.user)
        return render(
            request,
            "pacesetter/account/recovery_codes.html",
            {"codes": codes, "just_set_up": False},
        )
    return render(request, "pacesetter/account/recovery_codes_confirm.html")
