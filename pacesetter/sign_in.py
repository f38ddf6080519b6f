"""Signing in in two steps, and how long a signed-in session lasts.

The password step keeps only the person's id in the (anonymous) session when they have an
authenticator; the code step signs them in. The session remembers when its person signed in,
when they last confirmed their password and when they were last seen: the middleware here
signs them out after 30 minutes idle or 12 hours in all, and keeps a person who must use a
second factor on its set-up pages until they have one.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp import user_has_device

PENDING = "sign_in_pending"
SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"
PASSWORD_CONFIRMED_AT = "password_confirmed_at"  # noqa: S105 - a session key, not a password
# The code step must follow the password within this many seconds.
PENDING_SECONDS = 5 * 60
# Changing the second factor asks for the password again unless it was given this recently.
RECENT_PASSWORD_SECONDS = 10 * 60
# Last-seen is written at most this often, so most requests do not write the session.
LAST_SEEN_RESOLUTION = 60

# Pages a person who must set up a second factor, or give their code, may still reach.
OPEN_BEFORE_SECOND_FACTOR = {
    "login",
    "login_code",
    "logout",
    "account_two_factor_setup",
    "account_confirm_password",
    "account_session",
    "account_signed_out",
    "accessibility",
    "privacy",
    "cookies",
    "contact",
    "set_language",
}
# The session warning page is not a sign of activity: looking at it must not keep a session.
NOT_ACTIVITY = {"account_session", "account_session_status"}
# Pages that a refresh must not carry anyone away from: the warning page sets its own.
NO_WARNING_REFRESH = {"account_session", "account_session_status", "account_keep_alive", "logout"}


def now():
    return time.time()


def start_code_step(request, user, next_url):
    """Remember that `user` gave the right password; the code step finishes signing in."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "at": now(),
        "next": next_url,
    }


def pending_sign_in(request):
    """Return (user, backend, next URL) waiting for a code, or (None, None, None)."""
    pending = request.session.get(PENDING)
    if not pending or now() - pending.get("at", 0) > PENDING_SECONDS:
        return None, None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending["backend"], pending.get("next") or ""


def forget_pending_sign_in(request):
    request.session.pop(PENDING, None)


def stamp_sign_in(session):
    """Start the session's clocks: signing in follows a password, so it confirms one too."""
    moment = now()
    session[SIGNED_IN_AT] = moment
    session[LAST_SEEN_AT] = moment
    session[PASSWORD_CONFIRMED_AT] = moment


def confirm_password(session):
    session[PASSWORD_CONFIRMED_AT] = now()


def password_recently_confirmed(session):
    return now() - session.get(PASSWORD_CONFIRMED_AT, 0) <= RECENT_PASSWORD_SECONDS


def keep_session(session):
    """Count this moment as activity (the "Stay signed in" button)."""
    session[LAST_SEEN_AT] = now()


def session_ended(session):
    """Return why a signed-in session is over ("idle" or "limit"), or "" if it is not."""
    moment = now()
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen_at = session.get(LAST_SEEN_AT, signed_in_at)
    if signed_in_at is None:
        return ""
    if moment - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
        return "limit"
    if moment - last_seen_at > settings.SESSION_IDLE_SECONDS:
        return "idle"
    return ""


def seconds_left(session):
    """Seconds until the session reaches its idle limit (or its 12 hours, if sooner)."""
    moment = now()
    signed_in_at = session.get(SIGNED_IN_AT, moment)
    last_seen_at = session.get(LAST_SEEN_AT, signed_in_at)
    left = min(
        settings.SESSION_IDLE_SECONDS - (moment - last_seen_at),
        settings.SESSION_ABSOLUTE_SECONDS - (moment - signed_in_at),
    )
    return max(0, round(left))


@dataclass(frozen=True)
class SessionWarning:
    """When and where a signed-in page sends its reader before the session ends.

    Without JavaScript, a `<meta http-equiv="refresh">` inside `<noscript>` opens the warning
    page after `seconds`; with it, the page's own dialog warns at the same moment and keeps
    the page, and what was typed on it, when the person stays signed in (`static/js`).
    """

    seconds: int
    url: str
    # How long the dialog gives before the session ends: the warning page's minutes.
    warning_seconds: int

    @property
    def warning_minutes(self):
        return max(1, round(self.warning_seconds / 60))


def session_warning(request, name):
    """The warning a signed-in page (of URL name `name`) carries, or None for pages that must
    not move away."""
    if not request.user.is_authenticated or name in NO_WARNING_REFRESH:
        return None
    query = urlencode({"next": request.get_full_path()})
    return SessionWarning(
        seconds=max(0, seconds_left(request.session) - settings.SESSION_WARNING_SECONDS),
        url=f"{reverse('account_session')}?{query}",
        warning_seconds=settings.SESSION_WARNING_SECONDS,
    )


def refresh_to_warning(response, seconds, next_url):
    """Have the browser open the warning page after `seconds` (an HTTP Refresh, no script).

    A header rather than a <meta http-equiv="refresh">: the page itself holds no timed
    redirect (axe-core and WCAG 2.2.1 refuse those), yet a browser without JavaScript still
    goes to the warning, which gives 5 minutes to stay signed in with one button.
    """
    query = urlencode({"next": next_url})
    response["Refresh"] = f"{seconds};url={reverse('account_session')}?{query}"
    return response


def url_name(request):
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


class SessionLimitsMiddleware:
    """Sign out a session idle for 30 minutes or 12 hours old, on the server, at its next request.

    The person lands on the "You have been signed out" page; what they were doing is offered
    back as the sign-in page's next address.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = None
        if request.user.is_authenticated:
            ended = session_ended(request.session)
            if ended:
                logout(request)
                query = urlencode({"reason": ended})
                return redirect(f"{reverse('account_signed_out')}?{query}")
            name = url_name(request)
            if name not in NOT_ACTIVITY:
                last_seen_at = request.session.get(LAST_SEEN_AT, 0)
                if now() - last_seen_at >= LAST_SEEN_RESOLUTION:
                    request.session[LAST_SEEN_AT] = now()
                request.session.setdefault(SIGNED_IN_AT, now())
        # Drawn by base.html: a refresh in <noscript>, and the dialog for JavaScript.
        request.session_warning = session_warning(request, name)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """With REQUIRE_TWO_FACTOR on, keep a signed-in person without a verified second factor
    on the pages that give them one: the code step if they have an authenticator, the set-up
    page if they do not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_TWO_FACTOR
            and user.is_authenticated
            and not user.is_verified()
            and url_name(request) not in OPEN_BEFORE_SECOND_FACTOR
        ):
            if user_has_device(user, confirmed=True):
                return redirect("login_code")
            return redirect("account_two_factor_setup")
        return self.get_response(request)
