"""The pages every UK public service has, readable signed out.

The accessibility statement, privacy notice, cookies page and contact page. What the portal
cannot know for itself (the team's mailbox, a phone number) comes from settings; the cookies
listed are read from the settings that name them, so the page stays true when they change.
"""

import datetime

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# The day this statement was written and the portal last checked against WCAG 2.2 AA; change
# it whenever the statement is reviewed.
STATEMENT_PREPARED = datetime.date(2026, 12, 1)

# Django's messages go in a cookie with these storages (the default is the fallback one).
MESSAGES_IN_COOKIES = {"CookieStorage", "FallbackStorage"}
UNTIL_BROWSER_CLOSES = _("When you close your browser")
UNITS = (
    (7 * 24 * 60 * 60, lambda n: ngettext("%(count)s week", "%(count)s weeks", n)),
    (24 * 60 * 60, lambda n: ngettext("%(count)s day", "%(count)s days", n)),
    (60 * 60, lambda n: ngettext("%(count)s hour", "%(count)s hours", n)),
    (60, lambda n: ngettext("%(count)s minute", "%(count)s minutes", n)),
)


def describe_seconds(seconds):
    """Return a cookie's lifetime in the largest unit that divides it: "12 hours", "52 weeks"."""
    for size, words in UNITS:
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return words(count) % {"count": count}
    return ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}


def contact_details():
    return {
        "support_email": settings.SUPPORT_EMAIL,
        "support_phone": settings.SUPPORT_PHONE,
    }


def essential_cookies():
    """List the cookies the portal sets, each with its name, purpose and expiry."""
    session_expiry = (
        UNTIL_BROWSER_CLOSES
        if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
        else describe_seconds(settings.SESSION_COOKIE_AGE)
    )
    cookies = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": _("Keeps you signed in as you move from page to page"),
            "expires": session_expiry,
        }
    ]
    if not settings.CSRF_USE_SESSIONS:
        cookies.append(
            {
                "name": settings.CSRF_COOKIE_NAME,
                "purpose": _(
                    "Checks that a form you send was sent from this service, to protect you "
                    "from cross-site request forgery"
                ),
                "expires": describe_seconds(settings.CSRF_COOKIE_AGE)
                if settings.CSRF_COOKIE_AGE
                else UNTIL_BROWSER_CLOSES,
            }
        )
    if settings.MESSAGE_STORAGE.rsplit(".", 1)[-1] in MESSAGES_IN_COOKIES:
        cookies.append(
            {
                "name": CookieStorage.cookie_name,
                "purpose": _(
                    "Carries a message such as “Application saved” to the next page you see; "
                    "only set when there is a message to show"
                ),
                "expires": UNTIL_BROWSER_CLOSES,
            }
        )
    cookies.append(
        {
            "name": settings.LANGUAGE_COOKIE_NAME,
            "purpose": _(
                "Remembers the language you chose for the service; only set if you choose one"
            ),
            "expires": describe_seconds(settings.LANGUAGE_COOKIE_AGE)
            if settings.LANGUAGE_COOKIE_AGE
            else UNTIL_BROWSER_CLOSES,
        }
    )
    return cookies


def accessibility(request):
    return render(
        request,
        "pacesetter/public/accessibility.html",
        {**contact_details(), "prepared": STATEMENT_PREPARED},
    )


def privacy(request):
    return render(
        request,
        "pacesetter/public/privacy.html",
        {
            **contact_details(),
            "data_protection_officer_email": settings.DATA_PROTECTION_OFFICER_EMAIL,
        },
    )


def cookies(request):
    return render(request, "pacesetter/public/cookies.html", {"cookies": essential_cookies()})


def contact(request):
    return render(request, "pacesetter/public/contact.html", contact_details())
