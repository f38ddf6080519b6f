"""Signing in (password, then code), and the pages at the end of a session."""

from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import login, user_login_failed
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from pacesetter import forms, sign_in
from pacesetter.lockout import is_locked_out
from pacesetter.two_factor import check_second_factor, has_authenticator


def safe_next(request, url):
    """Return `url` if it stays on this site, else the home page."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


class SignInView(auth_views.LoginView):
    """The password step: a person with an authenticator goes on to the code step."""

    authentication_form = forms.SignInForm

    def form_valid(self, form):
        user = form.get_user()
        if has_authenticator(user):
            sign_in.start_code_step(self.request, user, self.get_redirect_url())
            return redirect("login_code")
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def code_step(request):
    """Ask for the authenticator's code or a recovery code, then sign the person in.

    Serves both someone who has just given their password and a signed-in person whose
    session has no verified second factor. A wrong code counts as a failed sign-in for
    django-axes, so codes cannot be guessed any faster than passwords.
    """
    if request.user.is_authenticated:
        user, backend, next_url = request.user, None, request.GET.get("next", "")
    else:
        user, backend, next_url = sign_in.pending_sign_in(request)
    if user is None:
        return redirect("login")
    credentials = {"username": user.email}
    request.attempted_email = user.email
    if request.method == "POST" and is_locked_out(request, user.email):
        sign_in.forget_pending_sign_in(request)
        return get_lockout_response(request, None, credentials)
    form = forms.CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        device = check_second_factor(user, form.cleaned_data["code"])
        if device is not None:
            if not request.user.is_authenticated:
                sign_in.forget_pending_sign_in(request)
                login(request, user, backend=backend)
            otp_login(request, device)
            return redirect(safe_next(request, next_url))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            sign_in.forget_pending_sign_in(request)
        form.add_error("code", forms.CodeForm.wrong_code)
    return render(request, "registration/login_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
def session_warning(request):
    """Warn that the session is about to end; "Stay signed in" keeps it going.

    Without JavaScript, every signed-in page refreshes to here 5 minutes before the session
    ends (with it, the page's own dialog warns instead, and comes here only at the end).
    Looking at it is not activity; pressing the button is.
    """
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if not request.user.is_authenticated:
        return redirect("account_signed_out")
    if request.method == "POST":
        sign_in.keep_session(request.session)
        return redirect(next_url)
    seconds_left = sign_in.seconds_left(request.session)
    response = render(
        request,
        "pacesetter/account/session_warning.html",
        {"next_url": next_url, "minutes_left": max(1, round(seconds_left / 60))},
    )
    # A moment past the limit, so the refresh finds the session over and signs out.
    return sign_in.refresh_to_warning(response, seconds_left + 5, next_url)


@require_POST
def session_keep_alive(request):
    """ "Stay signed in" from a page's own warning dialog: counts as activity, keeps the page.

    204 while the person is signed in; a session already over never gets here (the session
    middleware signs it out and redirects), and someone signed out gets 403.
    """
    if not request.user.is_authenticated:
        return HttpResponseForbidden()
    sign_in.keep_session(request.session)
    return HttpResponse(status=204)


@require_safe
@never_cache
def session_status(request):
    """How many seconds the session has left, for a page's warning dialog. Not activity."""
    left = sign_in.seconds_left(request.session) if request.user.is_authenticated else 0
    return JsonResponse({"seconds_left": left})


def signed_out(request):
    """Say that the session ended, and why."""
    return render(
        request,
        "pacesetter/account/signed_out.html",
        {"reason": request.GET.get("reason", "idle")},
    )
