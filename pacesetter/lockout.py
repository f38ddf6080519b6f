"""Stop guessing at sign-in: how django-axes names an attempt and how long a lock lasts.

django-axes counts failed sign-ins (a wrong password, or a wrong code at the second step) for
each email address and for each client address; at `AXES_FAILURE_LIMIT` it refuses further
tries with the lockout page, whether or not the email belongs to anyone.
"""

import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

# The first lock lasts this long; each failure after the limit doubles it, up to a day.
FIRST_LOCK = datetime.timedelta(minutes=15)
LONGEST_LOCK = datetime.timedelta(days=1)
# An attempted email longer than this is not an email address anyone has.
ATTEMPTED_EMAIL_LENGTH = 254


def attempted_email(request, credentials):
    """Return the email a sign-in tried, as stored: trimmed and lower case.

    "Manager@Example.ORG" and "manager@example.org" are the same account, so they count as
    the same guesses.
    """
    if credentials:
        attempted = credentials.get("username") or credentials.get("email") or ""
    else:
        # The second step's form has no email: its view names the person on the request.
        attempted = getattr(request, "POST", {}).get("username") or getattr(
            request, "attempted_email", ""
        )
    return str(attempted).strip().lower()[:ATTEMPTED_EMAIL_LENGTH] or None


def failures_for(email, ip_address):
    """Return the failures counted against `email` or `ip_address`, whichever has more."""
    by_email = by_address = 0
    if email:
        by_email = AccessAttempt.objects.filter(username=email).aggregate(
            total=Sum("failures_since_start")
        )["total"]
    if ip_address:
        by_address = AccessAttempt.objects.filter(ip_address=ip_address).aggregate(
            total=Sum("failures_since_start")
        )["total"]
    return max(by_email or 0, by_address or 0)


def cool_off(request):
    """Return how long a lock lasts for this request's email and address.

    15 minutes at the limit, doubling with each failure after it, up to a day: a person who
    mistypes waits a little; a script guessing all night waits a day per try. axes asks this
    both to lock and to judge which failures still count, so it reads the attempts whole.
    """
    if request is None:
        return FIRST_LOCK
    email = get_client_username(request, getattr(request, "axes_credentials", None))
    failures = failures_for(email, getattr(request, "axes_ip_address", None))
    beyond_limit = max(0, failures - settings.AXES_FAILURE_LIMIT)
    # Past 7 doublings the lock is longer than a day anyway; stop before the number grows.
    return min(FIRST_LOCK * 2 ** min(beyond_limit, 7), LONGEST_LOCK)


def is_locked_out(request, email):
    """Whether sign-in for `email` from this request's address is refused for now."""
    return AxesProxyHandler.is_locked(request, {"username": email})


def lift_lock(email):
    """Forget the failed sign-ins counted against `email`; return how many records went.

    Failures counted against an address stay: an address is not one person's to lift.
    """
    email = attempted_email(None, {"username": email})
    records = AccessAttempt.objects.filter(username=email).count()
    AxesProxyHandler.reset_attempts(username=email)
    return records


def lockout_response(request, original_response=None, credentials=None):
    """Render the lockout page: the same page whether or not the email is anyone's."""
    minutes = max(1, round(cool_off(request).total_seconds() / 60))
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
